import { afterEach, describe, expect, it, vi } from 'vitest';
import { BodyBudget, bodyBudgetFromEnv, MAX_BODY_BYTES } from './body-budget';

const never = new AbortController().signal;

describe('BodyBudget', () => {
  afterEach(() => vi.useRealTimers());

  it('admits while the bytes fit, then in arrival order as reservations are trimmed or released', async () => {
    const budget = new BodyBudget(10);
    const a = (await budget.acquire(6, 1_000, never))!;
    const order: string[] = [];
    const big = budget.acquire(8, 1_000, never).then((r) => (order.push('big'), r));
    // Fits, but waits behind the earlier, larger waiter: no starvation of large bodies.
    const small = budget.acquire(2, 1_000, never).then((r) => (order.push('small'), r));
    await Promise.resolve();
    expect(order).toEqual([]);
    a.trim(2);
    expect((await big)?.release).toBeTypeOf('function');
    expect(budget.held).toBe(10);
    a.release();
    await small;
    expect(order).toEqual(['big', 'small']);
    expect(budget.held).toBe(10);
  });

  it('reserves at once only what fits with nobody waiting', async () => {
    const budget = new BodyBudget(10);
    const a = budget.tryReserve(6)!;
    expect(budget.held).toBe(6);
    expect(budget.tryReserve(5)).toBeNull();
    const waiting = budget.acquire(5, 1_000, never);
    // Fits, but a waiter came first.
    expect(budget.tryReserve(1)).toBeNull();
    a.release();
    (await waiting)!.release();
    expect(budget.tryReserve(50)).not.toBeNull();
    expect(budget.held).toBe(10);
  });

  it('gives up a waiter after its wait or when its client leaves, and lets the ones behind it in', async () => {
    vi.useFakeTimers();
    const budget = new BodyBudget(10);
    const held = (await budget.acquire(5, 1_000, never))!;
    const timedOut = budget.acquire(10, 1_000, never);
    const leaving = new AbortController();
    const left = budget.acquire(10, 5_000, leaving.signal);
    const behind = budget.acquire(5, 5_000, never);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await timedOut).toBeNull();
    leaving.abort();
    expect(await left).toBeNull();
    expect(await behind).not.toBeNull();
    expect(budget.held).toBe(10);
    held.release();
    held.release();
    expect(budget.held).toBe(5);
  });

  it('takes a request larger than the whole budget alone', async () => {
    const budget = new BodyBudget(10);
    const whole = (await budget.acquire(50, 1_000, never))!;
    expect(budget.held).toBe(10);
    whole.release();
    expect(budget.held).toBe(0);
  });
});

describe('bodyBudgetFromEnv', () => {
  it('reads CASCADEFLOW_MAX_BUFFERED_BODY_MB, at least the body limit', () => {
    expect(bodyBudgetFromEnv({})).toEqual({});
    expect(bodyBudgetFromEnv({ CASCADEFLOW_MAX_BUFFERED_BODY_MB: '512' })).toEqual({ bytes: 512 * 1024 * 1024 });
    expect(bodyBudgetFromEnv({ CASCADEFLOW_MAX_BUFFERED_BODY_MB: '64' })).toEqual({ bytes: MAX_BODY_BYTES });
    expect(() => bodyBudgetFromEnv({ CASCADEFLOW_MAX_BUFFERED_BODY_MB: '32' })).toThrow(/at least 64 \(the body limit\), got "32"/);
    expect(() => bodyBudgetFromEnv({ CASCADEFLOW_MAX_BUFFERED_BODY_MB: 'lots' })).toThrow(/CASCADEFLOW_MAX_BUFFERED_BODY_MB/);
  });
});
