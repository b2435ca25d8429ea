import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decisionRecord } from '../../test/fixtures/contracts';
import { RunningAggregates, emptyStatsData } from './aggregates';
import { dayStart } from './history';
import { mergeStatsData } from './merge';

const MINUTE = 60_000;
const t0 = new Date(2026, 0, 5, 10, 0).getTime();
const now = t0 + 10 * MINUTE;
// The clock (only Date) a few minutes after the records, so "today" and the minute buckets hold them.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
});
afterEach(() => {
  vi.useRealTimers();
});
const shadow = { model: 'claude-sonnet-4-6', agreed: true, reason: 'same text', cost: 0.003, usage: null };

function aggregatesOf(records: ReturnType<typeof decisionRecord>[]): RunningAggregates {
  const aggregates = new RunningAggregates(emptyStatsData(t0));
  for (const record of records) aggregates.add(record);
  return aggregates;
}

describe('mergeStatsData', () => {
  const a = [
    decisionRecord({ id: 'a1', time: t0, ruleId: 'r', cost: 0.002, baselineCost: 0.006, savings: 0.004, conversationId: 'c1', project: '/p', actionClass: 'write' }),
    decisionRecord({ id: 'a2', time: t0 + MINUTE, ruleId: 'r', decision: 'escalated', cost: 0.008, baselineCost: 0.006, savings: -0.002, conversationId: 'c1' }),
  ];
  const b = [
    decisionRecord({ id: 'b1', time: t0 + 30_000, ruleId: 'r', cost: 0.001, baselineCost: 0.004, savings: 0.003, conversationId: 'c1', project: '/q', actionClass: 'write' }),
    decisionRecord({ id: 'b2', time: t0 + 2 * MINUTE, ruleId: null, decision: 'passthrough', answeringModel: 'mystery', cost: null, baselineCost: null, savings: null, conversationId: 'c2' }),
  ];

  it('sums totals, rules, buckets by start and conversations by id (hand-computed)', () => {
    const merged = mergeStatsData([aggregatesOf(a).data, aggregatesOf(b).data], now);
    expect(merged.allTime).toMatchObject({ queries: 4, accepted: 2, escalated: 1, passthrough: 1, unpricedQueries: 1 });
    expect(merged.allTime.cost).toBeCloseTo(0.011, 12);
    expect(merged.allTime.baselineCost).toBeCloseTo(0.016, 12);
    expect(merged.allTime.savings).toBeCloseTo(0.005, 12);
    expect(merged.allTime.modelsUsed).toEqual({ 'claude-haiku-4-5': 3, mystery: 1 });
    expect(merged.allTime.tokens.input).toBe(4000);
    expect(merged.today).toEqual(merged.allTime);
    expect(merged.byRule.r).toMatchObject({ queries: 3, accepted: 2, escalated: 1 });
    // a1 and b1 share the first minute; a2 and b2 have one each.
    expect(merged.history.minute.map((bucket) => [(bucket.start - t0) / MINUTE, bucket.queries])).toEqual([
      [0, 2],
      [1, 1],
      [2, 1],
    ]);
    expect(merged.history.minute[0].cost).toBeCloseTo(0.003, 12);
    expect(merged.history.day).toEqual([expect.objectContaining({ start: dayStart(t0), queries: 4 })]);
    const c1 = merged.spending.conversations.find((owner) => owner.key === 'c1')!;
    expect(c1).toMatchObject({ firstSeen: t0, lastSeen: t0 + MINUTE, total: expect.objectContaining({ queries: 3 }) });
    expect(c1.total.cost).toBeCloseTo(0.011, 12);
    expect(c1.days).toEqual([expect.objectContaining({ start: dayStart(t0), queries: 3 })]);
    expect(merged.spending.projects.map((p) => [p.key, p.total.queries]).sort()).toEqual([
      ['/p', 1],
      ['/q', 1],
    ]);
    expect(merged.quality.byRule.r.classes.write).toMatchObject({ accepted: 2 });
    expect(merged.quality.byRule.r.days).toEqual([{ start: dayStart(t0), baselineCost: 0.01 }]);
  });

  it('equals the statistics of one store that saw every record (totals, history, spending, quality)', () => {
    const [one, two] = [aggregatesOf(a), aggregatesOf(b)];
    one.amend(a[0], { id: 'a1', shadow });
    const all = aggregatesOf([...a, ...b].sort((x, y) => x.time - y.time));
    all.amend(a[0], { id: 'a1', shadow });
    const merged = new RunningAggregates(mergeStatsData([one.data, two.data], now));
    const expected = all.snapshot(now);
    const got = merged.snapshot(now);
    expect(got.allTime.cost).toBeCloseTo(expected.allTime.cost, 12);
    expect({ ...got.allTime, cost: 0, savings: 0 }).toEqual({ ...expected.allTime, cost: 0, savings: 0 });
    expect(got.history.minute.map((x) => x.queries)).toEqual(expected.history.minute.map((x) => x.queries));
    expect(merged.topSpending({ period: 'all' }, now).conversations.byCost.map((c) => [c.conversationId, c.counts.queries])).toEqual(
      all.topSpending({ period: 'all' }, now).conversations.byCost.map((c) => [c.conversationId, c.counts.queries]),
    );
    const rules = [{ id: 'r' } as Parameters<RunningAggregates['qualityStats']>[0][number]];
    expect(merged.qualityStats(rules, now).byRule.r.classes.write.shadow).toEqual(all.qualityStats(rules, now).byRule.r.classes.write.shadow);
  });

  it('leaves out a stale "today" (a part that saw nothing since midnight) and does not change its parts', () => {
    const yesterday = aggregatesOf([decisionRecord({ id: 'y', time: t0 - 24 * 60 * MINUTE })]);
    const current = aggregatesOf(a);
    const before = structuredClone([yesterday.data, current.data]);
    const merged = mergeStatsData([yesterday.data, current.data], now);
    expect(merged.allTime.queries).toBe(3);
    expect(merged.today.queries).toBe(2);
    expect(merged.todayStart).toBe(dayStart(t0));
    expect([yesterday.data, current.data]).toEqual(before);
  });

  it('keeps model ids like "__proto__" as keys of their own', () => {
    const odd = aggregatesOf([decisionRecord({ id: 'x', time: t0, answeringModel: '__proto__' })]);
    const merged = mergeStatsData([odd.data, odd.data], now);
    expect(Object.hasOwn(merged.allTime.modelsUsed, '__proto__')).toBe(true);
    expect(merged.allTime.modelsUsed['__proto__']).toBe(2);
  });
});
