// A control API read kept current: asked again whenever one of `deps` changes (e.g. a stats
// event, a saved rule). Answers may come back out of order: one is shown only if it is newer
// than the one on screen, and the previous answer stays until then, so a busy proxy never
// leaves the view empty.
import { useEffect, useRef, useState } from 'react';

export interface Refreshed<T> {
  /** The latest answer; null before the first. */
  value: T | null;
  /** Why the latest read failed; null after a success. */
  error: string | null;
}

export function useRefreshed<T>(read: () => Promise<T>, deps: readonly unknown[]): Refreshed<T> {
  const [state, setState] = useState<Refreshed<T>>({ value: null, error: null });
  const asked = useRef(0);
  const shown = useRef(0);
  useEffect(() => {
    const n = ++asked.current;
    const newest = () => {
      if (n <= shown.current) return false;
      shown.current = n;
      return true;
    };
    read().then(
      (value) => newest() && setState({ value, error: null }),
      (e: Error) => newest() && setState((s) => ({ value: s.value, error: e.message })),
    );
  }, deps);
  return state;
}
