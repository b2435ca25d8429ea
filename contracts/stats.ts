// Totals, time-bucketed history and the snapshot every UI draws from.
import { z } from 'zod';
import { amount, tokenCountsSchema, type Decision } from './decision';
import { modelPriceSchema } from './pricing';

const count = z.number().int().nonnegative();

/** Counters kept alike for totals and for each history bucket. */
const countsShape = {
  queries: count,
  /** Sums over requests whose cost and baseline are both known; the rest are counted in `unpricedQueries`. */
  cost: amount,
  baselineCost: amount,
  savings: amount,
  accepted: count,
  escalated: count,
  passthrough: count,
  draftErrors: count,
  /** A rule matched but the proxy chose not to draft (0 in stats saved before it existed). */
  notWorthDrafting: count.default(0),
};
export const decisionCountsSchema = z.object(countsShape);
export type DecisionCounts = z.infer<typeof decisionCountsSchema>;

/** The counter of DecisionCounts each decision kind adds to. */
export const DECISION_COUNTER = {
  accepted: 'accepted',
  escalated: 'escalated',
  passthrough: 'passthrough',
  draft_error: 'draftErrors',
  not_worth_drafting: 'notWorthDrafting',
} as const satisfies Record<Decision, keyof DecisionCounts>;

export const totalsSchema = z.object({
  ...countsShape,
  unpricedQueries: count,
  tokens: tokenCountsSchema,
  /** Answering model -> number of requests it answered. */
  modelsUsed: z.record(z.string(), count),
  /** Model -> known cost spent on it (draft and verifier calls alike). */
  costByModel: z.record(z.string(), amount),
});
export type Totals = z.infer<typeof totalsSchema>;

export function emptyTotals(): Totals {
  return {
    queries: 0,
    cost: 0,
    baselineCost: 0,
    savings: 0,
    accepted: 0,
    escalated: 0,
    passthrough: 0,
    draftErrors: 0,
    notWorthDrafting: 0,
    unpricedQueries: 0,
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    modelsUsed: {},
    costByModel: {},
  };
}

export const historyBucketSchema = z.object({
  ...countsShape,
  /** Epoch ms of the bucket start. */
  start: z.number().int(),
});
export type HistoryBucket = z.infer<typeof historyBucketSchema>;

/** Bounded, time-bucketed history for charts: minutes for 24 h, hours for ~31 days, days forever. */
export const historySchema = z.object({
  minute: z.array(historyBucketSchema),
  hour: z.array(historyBucketSchema),
  day: z.array(historyBucketSchema),
});
export type History = z.infer<typeof historySchema>;

export const statsSnapshotSchema = z.object({
  allTime: totalsSchema,
  /** Since local midnight. */
  today: totalsSchema,
  history: historySchema,
  /** Per-rule acceptance and savings over the recorded decisions. */
  byRule: z.record(z.string(), totalsSchema),
  /** Effective price table (built-ins merged with overrides); model/pattern -> price. */
  prices: z.record(z.string(), modelPriceSchema),
});
export type StatsSnapshot = z.infer<typeof statsSnapshotSchema>;

/** GET /stats: exact field names are part of the public contract. */
export const statsResponseSchema = z.object({
  total_queries: count,
  total_cost: z.number(),
  avg_cost_per_query: z.number(),
  cascade_used_count: count,
  cascade_usage_pct: z.number(),
  models_used: z.record(z.string(), count),
  baseline_cost: z.number(),
  total_savings: z.number(),
  savings_pct: z.number(),
  escalated_count: count,
  passthrough_count: count,
  draft_error_count: count,
  unpriced_query_count: count,
  uptime_seconds: count,
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;
