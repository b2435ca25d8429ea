import { describe, expect, it } from 'vitest';
import type { CostEstimate, DecisionRecord, ShadowResult } from '../../contracts/decision';
import { addToHistory, dayStart, emptyHistory, hourStart, pruneHistory } from './history';
import { emptyStatsData, RunningAggregates, statsDataSchema } from './aggregates';
import { toStatsResponse } from './response';
import { decisionRecord } from '../../test/fixtures/contracts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function record(time: number, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return decisionRecord({
    id: `r${time}`,
    time,
    tokens: { input: 10, output: 5, cacheWrite: 2, cacheRead: 1 },
    cost: 0.001,
    baselineCost: 0.003,
    savings: 0.002,
    draft: { model: 'claude-haiku-4-5', status: 200, usage: { input_tokens: 10, output_tokens: 5 }, cost: 0.001, latencyMs: 5 },
    ...overrides,
  });
}

describe('history', () => {
  it('buckets by minute, local hour and local day', () => {
    const history = emptyHistory();
    const t0 = new Date(2026, 0, 5, 10, 30, 15).getTime();
    addToHistory(history, record(t0));
    addToHistory(history, record(t0 + 20_000));
    addToHistory(history, record(t0 + 50_000, { decision: 'escalated', cost: 0.004, savings: -0.001 }));
    expect(history.minute.map((b) => [b.start, b.queries])).toEqual([
      [new Date(2026, 0, 5, 10, 30).getTime(), 2],
      [new Date(2026, 0, 5, 10, 31).getTime(), 1],
    ]);
    expect(history.hour).toEqual([
      {
        start: new Date(2026, 0, 5, 10).getTime(),
        queries: 3,
        cost: expect.closeTo(0.006, 12),
        baselineCost: expect.closeTo(0.009, 12),
        savings: expect.closeTo(0.003, 12),
        accepted: 2,
        escalated: 1,
        passthrough: 0,
        draftErrors: 0,
        notWorthDrafting: 0,
        failed: 0,
      },
    ]);
    expect(history.day[0].start).toBe(new Date(2026, 0, 5).getTime());
  });

  it('keeps buckets sorted when a record arrives late', () => {
    const history = emptyHistory();
    const t0 = new Date(2026, 0, 5, 10, 30).getTime();
    addToHistory(history, record(t0 + 2 * MINUTE));
    addToHistory(history, record(t0));
    addToHistory(history, record(t0 + MINUTE));
    expect(history.minute.map((b) => (b.start - t0) / MINUTE)).toEqual([0, 1, 2]);
  });

  it('bounds minute buckets to 24 h and hour buckets to 31 days; days stay', () => {
    const history = emptyHistory();
    const start = new Date(2026, 0, 1, 0, 0).getTime();
    // One request every 10 minutes for 40 days.
    for (let t = start; t < start + 40 * DAY; t += 10 * MINUTE) addToHistory(history, record(t));
    const now = start + 40 * DAY;
    pruneHistory(history, now);
    // The last 24 h (excluding the minute exactly 24 h ago): 143 ten-minute samples.
    expect(history.minute.length).toBe(143);
    expect(history.minute[0].start).toBeGreaterThan(now - DAY);
    expect(history.hour.length).toBeLessThanOrEqual(31 * 24);
    expect(history.hour.length).toBeGreaterThanOrEqual(31 * 24 - 1);
    expect(history.hour[0].start).toBeGreaterThan(now - 31 * DAY - HOUR);
    expect(history.day.length).toBe(40);
    expect(history.day.reduce((n, b) => n + b.queries, 0)).toBe(40 * 144);
  });

  it('computes local hour and day starts', () => {
    const t = new Date(2026, 6, 9, 13, 47, 12, 5).getTime();
    expect(hourStart(t)).toBe(new Date(2026, 6, 9, 13).getTime());
    expect(dayStart(t)).toBe(new Date(2026, 6, 9).getTime());
  });
});

describe('RunningAggregates', () => {
  it('adds up totals, tokens, models and cost per model; unknown costs are counted apart', () => {
    const now = Date.now();
    const aggregates = new RunningAggregates(emptyStatsData(now));
    aggregates.add(record(now));
    aggregates.add(
      record(now, {
        decision: 'escalated',
        answeringModel: 'claude-sonnet-4-5',
        cost: 0.004,
        baselineCost: 0.003,
        savings: -0.001,
        verifier: { model: 'claude-sonnet-4-5', status: 200, usage: null, cost: 0.003, latencyMs: 1 },
      }),
    );
    aggregates.add(record(now, { decision: 'passthrough', ruleId: null, answeringModel: 'mystery', cost: null, baselineCost: null, savings: null, draft: undefined }));
    // A draft with a known price for a requested model without one: its cost is left out of
    // the sums too, so that cost + savings = baseline holds for the totals.
    aggregates.add(record(now, { ruleId: null, requestedModel: 'mystery-large', cost: 0.002, baselineCost: null, savings: null }));
    // A failed request is counted, but its model answered nothing.
    const none = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
    aggregates.add(record(now, { decision: 'failed', ruleId: null, answeringModel: 'nope', cost: 0, baselineCost: 0, savings: 0, tokens: none, draft: undefined }));
    const { allTime, today, byRule } = aggregates.snapshot(now);
    expect(allTime).toEqual({
      queries: 5,
      cost: 0.005,
      baselineCost: 0.006,
      savings: 0.001,
      accepted: 2,
      escalated: 1,
      passthrough: 1,
      draftErrors: 0,
      notWorthDrafting: 0,
      failed: 1,
      unpricedQueries: 2,
      tokens: { input: 40, output: 20, cacheWrite: 8, cacheRead: 4 },
      modelsUsed: { 'claude-haiku-4-5': 2, 'claude-sonnet-4-5': 1, mystery: 1 },
      costByModel: { 'claude-haiku-4-5': 0.003, 'claude-sonnet-4-5': 0.003 },
      skippedDraftLossAvoided: 0,
    });
    expect(today).toEqual(allTime);
    expect(Object.keys(byRule)).toEqual(['sonnet']);
    expect(byRule.sonnet.queries).toBe(2);
  });

  it('counts model ids that are also Object.prototype names like any other id', () => {
    const aggregates = new RunningAggregates(emptyStatsData());
    const verifier = { model: 'toString', status: 200, usage: { input_tokens: 1, output_tokens: 1 }, cost: 0.5, latencyMs: 1 };
    for (const model of ['constructor', 'constructor', '__proto__']) {
      aggregates.add(record(Date.now(), { decision: 'passthrough', answeringModel: model, draft: undefined, verifier }));
    }
    const { allTime } = aggregates.snapshot();
    expect(Object.entries(allTime.modelsUsed)).toEqual([
      ['constructor', 2],
      ['__proto__', 1],
    ]);
    expect(Object.entries(allTime.costByModel)).toEqual([['toString', 1.5]]);
    expect(Object.getPrototypeOf(allTime.modelsUsed)).toBe(Object.prototype);
  });

  it('restarts "today" at local midnight', () => {
    const yesterday = new Date(2026, 2, 1, 23, 59).getTime();
    const aggregates = new RunningAggregates(emptyStatsData(yesterday));
    aggregates.add(record(yesterday));
    const morning = new Date(2026, 2, 2, 0, 1).getTime();
    expect(aggregates.snapshot(morning).today.queries).toBe(0);
    aggregates.add(record(morning));
    const snapshot = aggregates.snapshot(morning);
    expect(snapshot.today.queries).toBe(1);
    expect(snapshot.allTime.queries).toBe(2);
  });

  it('hands out copies, never its live state', () => {
    const aggregates = new RunningAggregates(emptyStatsData());
    aggregates.add(record(Date.now()));
    const snapshot = aggregates.snapshot();
    snapshot.allTime.queries = 99;
    snapshot.history.minute[0].queries = 99;
    expect(aggregates.snapshot().allTime.queries).toBe(1);
    expect(aggregates.snapshot().history.minute[0].queries).toBe(1);
  });
});

describe('RunningAggregates: a shadow call amended onto a record', () => {
  const shadow = (cost: number | null): ShadowResult => ({ model: 'claude-sonnet-4-5', agreed: true, reason: 'same tool Read, same input', cost, usage: null });

  it('adds its cost (and takes it from the savings) wherever the record was counted', () => {
    const now = Date.now();
    const aggregates = new RunningAggregates(emptyStatsData(now));
    // Accepted: $0.001 (the draft) against $0.003; then a $0.0015 shadow call by the verifier.
    const kept = record(now, { conversationId: 's:a', project: '/p' });
    aggregates.add(kept);
    aggregates.amend(kept, { id: kept.id, shadow: shadow(0.0015) });

    const { allTime, today, byRule, history } = aggregates.snapshot(now);
    for (const totals of [allTime, today, byRule.sonnet]) {
      expect(totals).toMatchObject({ queries: 1, cost: expect.closeTo(0.0025, 12), baselineCost: 0.003, savings: expect.closeTo(0.0005, 12) });
      expect(totals.costByModel).toEqual({ 'claude-haiku-4-5': 0.001, 'claude-sonnet-4-5': 0.0015 });
    }
    for (const bucket of [history.minute[0], history.hour[0], history.day[0]]) {
      expect(bucket).toMatchObject({ queries: 1, cost: expect.closeTo(0.0025, 12), savings: expect.closeTo(0.0005, 12) });
    }
    const spending = aggregates.topSpending({ period: 'today' }, now);
    expect(spending.conversations.byCost[0].counts).toMatchObject({ cost: expect.closeTo(0.0025, 12), savings: expect.closeTo(0.0005, 12) });
    expect(spending.projects.byCost[0].counts).toMatchObject({ cost: expect.closeTo(0.0025, 12), savings: expect.closeTo(0.0005, 12) });
    expect(aggregates.conversationSummary('s:a', now).conversation?.allTime.cost).toBeCloseTo(0.0025, 12);
  });

  it('counts nothing for a record already shadowed, a shadow of unknown price, or an unpriced record', () => {
    const now = Date.now();
    const aggregates = new RunningAggregates(emptyStatsData(now));
    const priced = record(now, { conversationId: 's:a' });
    const unpriced = record(now, { conversationId: 's:a', cost: null, baselineCost: null, savings: null });
    aggregates.add(priced);
    aggregates.add(unpriced);
    aggregates.amend({ ...priced, shadow: shadow(0.5) }, { id: priced.id, shadow: shadow(0.5) });
    aggregates.amend(priced, { id: priced.id, shadow: shadow(null) });
    aggregates.amend(unpriced, { id: unpriced.id, shadow: shadow(0.5) });
    aggregates.amend(priced, { id: priced.id, laterFailed: { time: now, reason: 'Edit came back is_error' } });
    const { allTime } = aggregates.snapshot(now);
    expect(allTime).toMatchObject({ queries: 2, unpricedQueries: 1, cost: 0.001, savings: 0.002 });
    expect(allTime.costByModel).toEqual({ 'claude-haiku-4-5': 0.002 });
    expect(aggregates.conversationSummary('s:a', now).conversation?.allTime).toMatchObject({ cost: 0.001, savings: 0.002 });
  });
});

describe('RunningAggregates: per conversation', () => {
  it("answers one conversation's money beside today's for every request", () => {
    const now = Date.now();
    const aggregates = new RunningAggregates(emptyStatsData(now));
    aggregates.add(record(now, { conversationId: 's:a', project: '/p' }));
    aggregates.add(record(now, { conversationId: 's:a', project: '/p', decision: 'escalated', cost: 0.008, baselineCost: 0.006, savings: -0.002 }));
    aggregates.add(record(now, { conversationId: 's:b', cost: 0.004, baselineCost: 0.012, savings: 0.008 }));
    const summary = aggregates.conversationSummary('s:a', now);
    expect(summary.conversation).toMatchObject({ conversationId: 's:a', project: '/p', firstSeen: now, lastSeen: now });
    // $0.001 + $0.008 against $0.003 + $0.006.
    const close = (n: number) => expect.closeTo(n, 12);
    expect(summary.conversation?.allTime).toMatchObject({ queries: 2, accepted: 1, escalated: 1, cost: close(0.009), baselineCost: close(0.009), savings: close(0) });
    expect(summary.conversation?.today).toEqual(summary.conversation?.allTime);
    expect(summary.today).toMatchObject({ queries: 3, cost: close(0.013), baselineCost: close(0.021), savings: close(0.008), accepted: 2, escalated: 1, unpricedQueries: 0 });
    expect(aggregates.conversationSummary('s:none', now).conversation).toBeNull();
    expect(aggregates.topSpending().period).toBe('today');
  });

  it('loads stats saved before per-conversation money and skip estimates existed', () => {
    const old = JSON.parse(JSON.stringify(emptyStatsData())) as Record<string, unknown> & { allTime: Record<string, unknown> };
    delete old.spending;
    delete old.allTime.skippedDraftLossAvoided;
    const loaded = statsDataSchema.parse(old);
    expect(loaded.spending).toEqual({ conversations: [], projects: [] });
    expect(loaded.allTime.skippedDraftLossAvoided).toBe(0);
    const aggregates = new RunningAggregates(loaded);
    aggregates.add(record(Date.now(), { conversationId: 's:a' }));
    expect(aggregates.conversationSummary('s:a').conversation?.allTime.queries).toBe(1);
  });
});

describe('toStatsResponse', () => {
  it('counts skipped drafts and the loss they avoided; cascade usage stays accepted drafts over every request', () => {
    const now = Date.now();
    const aggregates = new RunningAggregates(emptyStatsData(now));
    const estimate = (direct: number, draft: number): CostEstimate => ({ direct, draft, acceptance: 0.2, acceptanceBasis: 'rule (1 of 5)' });
    const skipped = { decision: 'not_worth_drafting', answeringModel: 'claude-sonnet-4-5', cost: 0.01, baselineCost: 0.01, savings: 0, draft: undefined } as const;
    // Drafting was estimated at $0.013 against $0.010 direct: $0.003 avoided.
    aggregates.add(record(now, { ...skipped, estimate: estimate(0.01, 0.013) }));
    // Skipped for the conversation's record although drafting looked cheaper: nothing avoided.
    aggregates.add(record(now, { ...skipped, estimate: estimate(0.01, 0.004) }));
    aggregates.add(record(now, skipped));
    // An accepted draft's estimate is no skip.
    aggregates.add(record(now, { estimate: estimate(0.001, 0.5) }));
    const response = toStatsResponse(aggregates.snapshot(now).allTime, 5);
    expect(response).toMatchObject({
      total_queries: 4,
      not_worth_drafting_count: 3,
      skipped_draft_loss_avoided: 0.003,
      cascade_used_count: 1,
      cascade_usage_pct: 25,
      escalated_count: 0,
      passthrough_count: 0,
    });
  });


  it('is all zeros before the first request', () => {
    const response = toStatsResponse(emptyStatsData().allTime, 12.7);
    expect(response).toMatchObject({ total_queries: 0, avg_cost_per_query: 0, cascade_usage_pct: 0, savings_pct: 0, uptime_seconds: 12 });
  });
});
