import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryBucket } from '../../../contracts/stats';
import { totals } from '../../../test/fixtures/contracts';
import { formatBucketTime, hasTraffic, modelCharts, shapeHistory } from './chartData';

function bucket(start: number, over: Partial<HistoryBucket> = {}): HistoryBucket {
  return { start, queries: 1, cost: 0, baselineCost: 0, savings: 0, accepted: 0, escalated: 0, passthrough: 0, draftErrors: 0, notWorthDrafting: 0, failed: 0, ...over };
}

const MINUTE = 60_000;
const now = Date.UTC(2026, 0, 10, 12, 30, 15);
const thisMinute = Date.UTC(2026, 0, 10, 12, 30);

describe('shapeHistory', () => {
  it('covers the last hour minute by minute, zeros where nothing happened', () => {
    const points = shapeHistory({ minute: [], hour: [], day: [] }, 'hour', now);
    expect(points).toHaveLength(60);
    expect(points[59].start).toBe(thisMinute);
    expect(points[0].start).toBe(thisMinute - 59 * MINUTE);
    expect(points.every((p) => p.queries === 0 && p.acceptanceRate === null)).toBe(true);
  });

  it('accumulates actual and baseline cost, keeps negative savings and per-bucket acceptance', () => {
    const minute = [
      bucket(thisMinute - 2 * MINUTE, { cost: 0.1, baselineCost: 0.5, savings: 0.4, accepted: 3, escalated: 1 }),
      bucket(thisMinute, { cost: 0.3, baselineCost: 0.2, savings: -0.1, escalated: 1 }),
      bucket(thisMinute - 120 * MINUTE, { cost: 9, baselineCost: 9 }), // outside the range
    ];
    const points = shapeHistory({ minute, hour: [], day: [] }, 'hour', now);
    const [twoAgo, oneAgo, current] = points.slice(-3);
    expect(twoAgo.acceptanceRate).toBe(0.75);
    expect(oneAgo.acceptanceRate).toBeNull();
    expect(current.savings).toBe(-0.1);
    expect(current.acceptanceRate).toBe(0);
    expect(current.cumulativeCost).toBeCloseTo(0.4);
    expect(current.cumulativeBaseline).toBeCloseTo(0.7);
    expect(points[0].cumulativeCost).toBe(0);
  });

  it('uses hour buckets for the day and day buckets for the month', () => {
    const hour = [bucket(Date.UTC(2026, 0, 10, 11), { cost: 1, baselineCost: 2 })];
    const day = [bucket(new Date(2026, 0, 10).getTime(), { cost: 5, baselineCost: 8 }), bucket(new Date(2026, 0, 1).getTime(), { cost: 1 })];
    const byDay = shapeHistory({ minute: [], hour, day: [] }, 'day', now);
    expect(byDay).toHaveLength(24);
    expect(byDay[22].cost).toBe(1);
    const byMonth = shapeHistory({ minute: [], hour: [], day }, 'month', now);
    expect(byMonth).toHaveLength(30);
    expect(byMonth[29].cost).toBe(5);
    expect(byMonth[29].cumulativeCost).toBe(6);
  });
});

describe('shapeHistory across a daylight saving change', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('puts each day on its own calendar day when a day had 25 hours', () => {
    process.env.TZ = 'America/New_York'; // clocks went back on 1 November 2026
    const now = new Date(2026, 10, 10, 12).getTime();
    const before = new Date(2026, 9, 25).getTime();
    const after = new Date(2026, 10, 5).getTime();
    const points = shapeHistory({ minute: [], hour: [], day: [bucket(before, { cost: 2 }), bucket(after, { cost: 3 })] }, 'month', now);
    expect(points).toHaveLength(30);
    expect(points[29].start).toBe(new Date(2026, 10, 10).getTime());
    expect(points[0].start).toBe(new Date(2026, 9, 12).getTime());
    const labelled = (day: string) => points.find((p) => formatBucketTime(p.start, 'month') === day)!;
    expect(labelled('Oct 25').cost).toBe(2);
    expect(labelled('Oct 24').cost).toBe(0);
    expect(labelled('Nov 5').cost).toBe(3);
    expect(new Set(points.map((p) => formatBucketTime(p.start, 'month'))).size).toBe(30);
  });
});

describe('modelCharts', () => {
  it('lists only models that answered by requests, and models with money spent by cost', () => {
    const charts = modelCharts(
      totals({
        // A model asked for and never answering (a failed request) has no entry, or 0 from older stats.
        modelsUsed: { 'claude-haiku-4-5': 7, 'claude-sonnet-4-5': 2, 'my-local-model': 1, nope: 0 },
        costByModel: { 'claude-haiku-4-5': 0.01, 'claude-sonnet-4-5': 0.2, 'claude-opus-4-1': 0.5, 'claude-sonnet-4-6': 0 },
      }),
    );
    expect(charts.requests).toEqual([
      { model: 'claude-haiku-4-5', requests: 7 },
      { model: 'claude-sonnet-4-5', requests: 2 },
      { model: 'my-local-model', requests: 1 },
    ]);
    // A draft model that never answered still cost money; a call that cost nothing is no bar.
    expect(charts.costs).toEqual([
      { model: 'claude-opus-4-1', cost: 0.5 },
      { model: 'claude-sonnet-4-5', cost: 0.2 },
      { model: 'claude-haiku-4-5', cost: 0.01 },
    ]);
    // No known price: its cost is unknown, not $0.
    expect(charts.unpriced).toEqual(['my-local-model']);
  });

  it('has nothing to draw before the first request', () => {
    expect(modelCharts(totals())).toEqual({ requests: [], costs: [], unpriced: [] });
    expect(hasTraffic(shapeHistory({ minute: [], hour: [], day: [] }, 'hour', now))).toBe(false);
    expect(hasTraffic(shapeHistory({ minute: [bucket(thisMinute)], hour: [], day: [] }, 'hour', now))).toBe(true);
  });
});
