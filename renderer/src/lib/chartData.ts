// Shapes the proxy's bucketed history and totals into the rows the charts plot.
import { draftAcceptanceRate, type History, type HistoryBucket, type Totals } from '../../../contracts/stats';

export type Range = 'hour' | 'day' | 'month';

interface RangeSpec {
  label: string;
  source: keyof History;
  stepMs: number;
  slots: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGES: Record<Range, RangeSpec> = {
  hour: { label: 'Last hour', source: 'minute', stepMs: MINUTE, slots: 60 },
  day: { label: 'Last day', source: 'hour', stepMs: HOUR, slots: 24 },
  month: { label: 'Last month', source: 'day', stepMs: DAY, slots: 30 },
};

const COUNTERS = ['queries', 'cost', 'baselineCost', 'savings', 'accepted', 'escalated', 'passthrough', 'draftErrors'] as const satisfies ReadonlyArray<
  Exclude<keyof HistoryBucket, 'start'>
>;

export interface ChartPoint {
  start: number;
  queries: number;
  cost: number;
  baselineCost: number;
  savings: number;
  /** Running sums since the start of the range: the gap between them is the savings. */
  cumulativeCost: number;
  cumulativeBaseline: number;
  /** The draft acceptance rate; null where nothing was drafted in the bucket. */
  acceptanceRate: number | null;
  accepted: number;
  escalated: number;
  draftErrors: number;
}

/**
 * The starts of the range's slots, oldest first, plus the end of the last one. Months
 * count calendar days from local midnight, so a 23- or 25-hour day (daylight saving)
 * is still one day.
 */
function slotBounds(range: Range, now: number): number[] {
  const { stepMs, slots } = RANGES[range];
  if (range === 'month') {
    return Array.from({ length: slots + 1 }, (_, i) => {
      const day = new Date(now);
      day.setHours(0, 0, 0, 0);
      day.setDate(day.getDate() - (slots - 1) + i);
      return day.getTime();
    });
  }
  // Local hours, like the proxy's hour buckets (half-hour time zones exist).
  const current = range === 'day' ? new Date(now).setMinutes(0, 0, 0) : Math.floor(now / stepMs) * stepMs;
  return Array.from({ length: slots + 1 }, (_, i) => current - (slots - 1 - i) * stepMs);
}

/**
 * One point per slot across the whole range (empty slots are zeros, so the time axis is
 * even); each bucket lands in the slot containing its start, whatever its alignment.
 */
export function shapeHistory(history: History, range: Range, now: number = Date.now()): ChartPoint[] {
  const bounds = slotBounds(range, now);
  const end = bounds.pop()!;
  const sums: HistoryBucket[] = bounds.map((start) => {
    const slot = { start } as HistoryBucket;
    for (const counter of COUNTERS) slot[counter] = 0;
    return slot;
  });
  for (const bucket of history[RANGES[range].source]) {
    if (bucket.start >= end) continue;
    const slot = sums[bounds.findLastIndex((start) => start <= bucket.start)];
    if (!slot) continue;
    for (const counter of COUNTERS) slot[counter] += bucket[counter];
  }
  let cumulativeCost = 0;
  let cumulativeBaseline = 0;
  return sums.map((slot) => {
    cumulativeCost += slot.cost;
    cumulativeBaseline += slot.baselineCost;
    return {
      start: slot.start,
      queries: slot.queries,
      cost: slot.cost,
      baselineCost: slot.baselineCost,
      savings: slot.savings,
      cumulativeCost,
      cumulativeBaseline,
      acceptanceRate: draftAcceptanceRate(slot),
      accepted: slot.accepted,
      escalated: slot.escalated,
      draftErrors: slot.draftErrors,
    };
  });
}

export interface ModelCharts {
  /** Models that answered at least one request (failed requests answered nothing), busiest first. */
  requests: Array<{ model: string; requests: number }>;
  /** Models with money spent on them (draft, verifier and shadow calls), costliest first. */
  costs: Array<{ model: string; cost: number }>;
  /** Models that answered requests but have no known price: their cost is unknown, not $0. */
  unpriced: string[];
}

/** Requests answered and money spent per model; only models with traffic. */
export function modelCharts(totals: Totals): ModelCharts {
  const byName = (a: { model: string }, b: { model: string }) => a.model.localeCompare(b.model);
  const requests = Object.entries(totals.modelsUsed)
    .filter(([, n]) => n > 0)
    .map(([model, n]) => ({ model, requests: n }))
    .sort((a, b) => b.requests - a.requests || byName(a, b));
  const costs = Object.entries(totals.costByModel)
    .filter(([, cost]) => cost > 0)
    .map(([model, cost]) => ({ model, cost }))
    .sort((a, b) => b.cost - a.cost || byName(a, b));
  const unpriced = requests.filter(({ model }) => !Object.hasOwn(totals.costByModel, model)).map(({ model }) => model);
  return { requests, costs, unpriced };
}

/** Whether any request landed in the range: an empty range gets an empty state, not a flat line on made-up axes. */
export function hasTraffic(points: readonly ChartPoint[]): boolean {
  return points.some((p) => p.queries > 0);
}

export function formatBucketTime(start: number, range: Range): string {
  const date = new Date(start);
  if (range === 'month') return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
