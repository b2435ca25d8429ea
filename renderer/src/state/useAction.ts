// One user action at a time per form: `busy` while it runs, its error in words afterwards.
import { useState } from 'react';

export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Resolves to whether the action succeeded (its error is shown either way). */
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    try {
      await action();
      setError(null);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { error, setError, busy, run };
}
