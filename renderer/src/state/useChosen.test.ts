import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useChosen } from './useChosen';

/** A change the test settles by hand. */
function held() {
  let settle!: (done: boolean) => void;
  const change = new Promise<boolean>((resolve) => (settle = resolve));
  return { change, settle: (done: boolean) => act(async () => settle(done)) };
}

describe('useChosen', () => {
  it('shows the choice until the value moves, whatever it moves to', () => {
    const view = renderHook(({ value }) => useChosen(value), { initialProps: { value: 'a' } });
    act(() => view.result.current[1]('b', held().change));
    expect(view.result.current[0]).toBe('b');
    view.rerender({ value: 'a' });
    expect(view.result.current[0]).toBe('b');
    view.rerender({ value: 'c' });
    expect(view.result.current[0]).toBe('c');
  });

  it('goes back when the change fails, unless a later choice replaced it', async () => {
    const view = renderHook(({ value }) => useChosen(value), { initialProps: { value: 'a' } });
    const first = held();
    act(() => view.result.current[1]('b', first.change));
    await first.settle(false);
    expect(view.result.current[0]).toBe('a');

    const second = held();
    const third = held();
    act(() => view.result.current[1]('b', second.change));
    act(() => view.result.current[1]('c', third.change));
    await second.settle(false);
    expect(view.result.current[0]).toBe('c');
    await third.settle(true);
    expect(view.result.current[0]).toBe('c');
  });
});
