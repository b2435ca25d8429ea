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
  /** The client got an error instead of an answer (0 in stats saved before it existed). */
  failed: count.default(0),
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
  failed: 'failed',
} as const satisfies Record<Decision, keyof DecisionCounts>;

export const totalsSchema = z.object({
  ...countsShape,
  unpricedQueries: count,
  tokens: tokenCountsSchema,
  /** Answering model -> number of requests it answered (failed requests are not answers). */
  modelsUsed: z.record(z.string(), count),
  /** Model -> known cost spent on it (draft, verifier and shadow calls alike). */
  costByModel: z.record(z.string(), amount),
  /**
   * Estimated money the not_worth_drafting skips kept the user from losing: the sum over those
   * requests of max(0, estimate.draft - estimate.direct) (0 in stats saved before it existed).
   */
  skippedDraftLossAvoided: amount.default(0),
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
    failed: 0,
    unpricedQueries: 0,
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    modelsUsed: {},
    costByModel: {},
    skippedDraftLossAvoided: 0,
  };
}

/** Requests the proxy drafted for: the draft was judged (accepted or escalated) or failed (draft error). */
export function draftedRequests(t: Pick<DecisionCounts, 'accepted' | 'escalated' | 'draftErrors'>): number {
  return t.accepted + t.escalated + t.draftErrors;
}

/**
 * The draft acceptance rate, the one meaning of "acceptance" in the product: accepted drafts
 * over drafted requests (passthroughs, skips and failures not counted); null before any draft.
 * /stats: draft_acceptance_pct.
 */
export function draftAcceptanceRate(t: Pick<DecisionCounts, 'accepted' | 'escalated' | 'draftErrors'>): number | null {
  const drafted = draftedRequests(t);
  return drafted === 0 ? null : t.accepted / drafted;
}

/** Answered by a draft: accepted drafts over every request; null before any request. /stats: cascade_usage_pct. */
export function answeredByDraftShare(t: Pick<DecisionCounts, 'accepted' | 'queries'>): number | null {
  return t.queries === 0 ? null : t.accepted / t.queries;
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

/** The counters of one conversation or project over a period, with the requests of unknown price. */
export const spendCountsSchema = z.object({ ...countsShape, unpricedQueries: count });
export type SpendCounts = z.infer<typeof spendCountsSchema>;

/**
 * today: since local midnight; 7d: today and the six local days before it; all: since the
 * conversation or project was first seen.
 */
export const SPEND_PERIODS = ['today', '7d', 'all'] as const;
export const spendPeriodSchema = z.enum(SPEND_PERIODS);
export type SpendPeriod = z.infer<typeof spendPeriodSchema>;

const spendEntryShape = {
  /** Epoch ms of its first and latest request. */
  firstSeen: z.number(),
  lastSeen: z.number(),
  counts: spendCountsSchema,
};
export const conversationSpendSchema = z.object({
  /** `s:<Claude Code session id>` or `h:<hash of the opening>` (see DecisionRecord.conversationId). */
  conversationId: z.string(),
  /** The working directory its latest request declared. */
  project: z.string().optional(),
  ...spendEntryShape,
});
export type ConversationSpend = z.infer<typeof conversationSpendSchema>;
export const projectSpendSchema = z.object({ project: z.string(), ...spendEntryShape });
export type ProjectSpend = z.infer<typeof projectSpendSchema>;

/** Top conversations and projects (HTTP: numbers arrive as text, hence the coercion). */
export const spendingQuerySchema = z.strictObject({
  /** Default: today. */
  period: spendPeriodSchema.optional(),
  /** Entries per list; default 10. */
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export type SpendingQuery = z.output<typeof spendingQuerySchema>;

export const spendingSchema = z.object({
  period: spendPeriodSchema,
  /** Epoch ms the period starts at; null for all time. */
  since: z.number().nullable(),
  /** `counts` cover the period; entries without a request in it are left out. Ties: the most recent first. */
  conversations: z.object({ byCost: z.array(conversationSpendSchema), bySavings: z.array(conversationSpendSchema) }),
  projects: z.object({ byCost: z.array(projectSpendSchema), bySavings: z.array(projectSpendSchema) }),
  /**
   * How many are kept and the caps: the least recently active conversation (or project) is
   * forgotten when a new one would pass its cap; the totals still count its requests.
   */
  kept: z.object({ conversations: count, projects: count, conversationCap: count, projectCap: count }),
});
export type Spending = z.infer<typeof spendingSchema>;

/** Without an id: today's money only. */
export const conversationSummaryQuerySchema = z.strictObject({ id: z.string().min(1).max(200).optional() });
export type ConversationSummaryQuery = z.output<typeof conversationSummaryQuerySchema>;

/** One conversation's money (what Claude Code's status line shows) beside today's for every request. */
export const conversationSummarySchema = z.object({
  /** null: the proxy has not seen it (or has forgotten it, see Spending.kept). */
  conversation: conversationSpendSchema
    .omit({ counts: true })
    .extend({ allTime: spendCountsSchema, today: spendCountsSchema })
    .nullable(),
  /** Every request since local midnight. */
  today: spendCountsSchema,
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/** The conversation id the proxy files a Claude Code session under (proxy/conversations/identify.ts). */
export function sessionConversationId(session: string): string {
  return `s:${session}`;
}

/** Claude Code's session id, as its status line's stdin names it (`session_id`); without one: today's money only. */
export const statusLineQuerySchema = z.strictObject({ session: z.string().min(1).max(200).optional() });
export type StatusLineQuery = z.output<typeof statusLineQuerySchema>;

/** The one line Claude Code's status line prints, built by the proxy so every command prints the same. */
export const statusLineSchema = z.object({ text: z.string() });
export type StatusLine = z.infer<typeof statusLineSchema>;

/**
 * GET /stats: exact field names are part of the public contract. `cascade_used_count` and
 * `cascade_usage_pct` keep their meaning: accepted drafts, over every request ("answered by a
 * draft"); `draft_acceptance_pct` is the acceptance rate (accepted over drafted requests). A
 * request the proxy chose not to draft (not_worth_drafting) counts in `total_queries` only, and
 * in `not_worth_drafting_count`; a failed one in `failed_count`.
 */
export const statsResponseSchema = z.object({
  total_queries: count,
  total_cost: z.number(),
  avg_cost_per_query: z.number(),
  cascade_used_count: count,
  /** Answered by a draft: accepted drafts over every request, in %. */
  cascade_usage_pct: z.number(),
  /** The acceptance rate: accepted drafts over drafted requests (accepted + escalated + draft errors), in %. */
  draft_acceptance_pct: z.number(),
  models_used: z.record(z.string(), count),
  baseline_cost: z.number(),
  total_savings: z.number(),
  savings_pct: z.number(),
  escalated_count: count,
  passthrough_count: count,
  draft_error_count: count,
  /** Requests whose client got an error instead of an answer. */
  failed_count: count,
  /** Requests a rule matched that the proxy chose not to draft (expected cost, or the conversation's record). */
  not_worth_drafting_count: count,
  /** Estimated dollars those skips avoided losing: sum of max(0, estimated draft cost - estimated direct cost). */
  skipped_draft_loss_avoided: z.number(),
  unpriced_query_count: count,
  uptime_seconds: count,
  /** Today's (UTC) requests, cost and savings per client token; absent when there are no tokens. */
  by_token: z.record(z.string(), z.object({ queries: count, cost: z.number(), savings: z.number() })).optional(),
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;
