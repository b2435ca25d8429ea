import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ControlEvent } from '../../contracts/events';
import type { ProxyStatus } from '../../contracts/status';
import type { DecisionRecord } from '../../contracts/decision';
import { createEventBatcher } from './event-batcher';

const decision = (id: string) => ({ type: 'decision', record: { id } as DecisionRecord }) as ControlEvent;
const status = (state: ProxyStatus['state']) => ({ type: 'status', status: { state } as ProxyStatus }) as ControlEvent;

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('live event batcher', () => {
  it('sends the first event at once, then at most once per interval', () => {
    const sent: ControlEvent[][] = [];
    const batcher = createEventBatcher({ send: (b) => sent.push(b), intervalMs: 250 });
    batcher.push(decision('a'));
    expect(sent).toHaveLength(1);
    for (let i = 0; i < 100; i++) {
      batcher.push(decision(`d${i}`));
      vi.advanceTimersByTime(10);
    }
    // 1 s of events every 10 ms: the leading send plus one per 250 ms.
    expect(sent.length).toBeLessThanOrEqual(5);
    vi.advanceTimersByTime(250);
    const ids = sent.flat().map((e) => (e.type === 'decision' ? e.record.id : ''));
    expect(ids).toEqual(['a', ...Array.from({ length: 100 }, (_, i) => `d${i}`)]);
  });

  it('keeps only the latest snapshot of each kind within a batch', () => {
    const sent: ControlEvent[][] = [];
    const batcher = createEventBatcher({ send: (b) => sent.push(b), intervalMs: 250 });
    batcher.push(status('starting'));
    batcher.push(status('error'));
    batcher.push(decision('x'));
    batcher.push(status('running'));
    vi.advanceTimersByTime(250);
    expect(sent[1]).toEqual([decision('x'), status('running')]);
  });

  it('caps decisions per batch, dropping the oldest', () => {
    const sent: ControlEvent[][] = [];
    const batcher = createEventBatcher({ send: (b) => sent.push(b), intervalMs: 250, maxDecisions: 3 });
    batcher.push(status('running'));
    for (const id of ['1', '2', '3', '4', '5']) batcher.push(decision(id));
    batcher.flush();
    expect(sent[1].map((e) => (e.type === 'decision' ? e.record.id : e.type))).toEqual(['3', '4', '5']);
  });

  it('sends nothing after dispose', () => {
    const send = vi.fn();
    const batcher = createEventBatcher({ send, intervalMs: 250 });
    batcher.push(decision('a'));
    batcher.push(decision('b'));
    batcher.dispose();
    vi.advanceTimersByTime(1000);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
