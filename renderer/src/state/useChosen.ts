// A control whose value lives in the proxy (a setting): the user's choice shows from the click
// until the value itself changes (the saved value's event, or another window's change) or the
// change fails, instead of the old value showing while the change is on its way.
import { useState } from 'react';

/**
 * `[shown, choose]`: `choose(wanted, change)` shows `wanted` until `value` moves or `change`
 * resolves to false (the action failed).
 */
export function useChosen<T>(value: T): [T, (wanted: T, change: Promise<boolean>) => void] {
  const [chosen, setChosen] = useState<{ wanted: T; over: T } | null>(null);
  if (chosen && !Object.is(chosen.over, value)) setChosen(null);
  function choose(wanted: T, change: Promise<boolean>) {
    const choice = { wanted, over: value };
    setChosen(choice);
    // A later choice is not undone by this one's failure.
    void change.then((done) => done || setChosen((current) => (current === choice ? null : current)));
  }
  return [chosen ? chosen.wanted : value, choose];
}
