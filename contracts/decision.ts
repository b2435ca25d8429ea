// What one request to /v1/messages became: the decision kind, the quality signals that
// explain it, each upstream call with its usage and cost, and typed failures. Written once
// here; the proxy builds records, the store keeps them, every UI shows them.
import { z } from 'zod';

const count = z.number().int().nonnegative();
export const amount = z.number().finite();

/**
 * passthrough: no rule matched; accepted: the draft answered; escalated: the judged draft fell
 * short; draft_error: no usable draft (the failure says why); not_worth_drafting: a rule matched
 * but the proxy chose not to draft (expected cost, a conversation that keeps escalating, or a
 * recent accepted draft that later failed: the signals say which); failed: the client got an
 * error instead of an answer (an error status, or an error event in its stream): `failure` says
 * why and the calls made are kept.
 */
export const DECISIONS = ['passthrough', 'accepted', 'escalated', 'draft_error', 'not_worth_drafting', 'failed'] as const;
export const decisionSchema = z.enum(DECISIONS);
export type Decision = z.infer<typeof decisionSchema>;

/** The one name of each decision kind, wherever a person reads it: log lines, filters, tray, README. */
export const DECISION_LABELS = {
  accepted: 'Draft accepted',
  escalated: 'Escalated',
  draft_error: 'Draft error',
  passthrough: 'Passthrough',
  not_worth_drafting: 'Not worth drafting',
  failed: 'Failed',
} as const satisfies Record<Decision, string>;

/** Record ids: 16 hex digits, short enough for a log line, the same in the x-cascadeflow-request-id header. */
export const REQUEST_ID_HEADER = 'x-cascadeflow-request-id';

/**
 * What a draft does: `read` (tool calls that only read), `write` (edits, commands not proven
 * read-only, unknown tools), `answer` (text for the user, no tool call).
 */
export const ACTION_CLASSES = ['read', 'write', 'answer'] as const;
export const actionClassSchema = z.enum(ACTION_CLASSES);
export type ActionClass = z.infer<typeof actionClassSchema>;

export const qualitySignalSchema = z.object({
  /** Stable machine name, e.g. `truncated`, `refusal`, `tool_schema`. */
  name: z.string(),
  /** How much this signal lowered confidence, in [0, 1]; 0 for informational signals and evidence for the draft. */
  penalty: z.number(),
  /** Evidence for the draft: how much of the remaining doubt it removed, in (0, 1]. */
  support: z.number().optional(),
  /** Human-readable explanation, e.g. "tool input failed schema: missing 'command'". */
  reason: z.string(),
  /** On a partial (still streaming) draft: the draft is ruled out whatever follows. */
  decisive: z.boolean().optional(),
});
export type QualitySignal = z.infer<typeof qualitySignalSchema>;

/**
 * Why a call (or the draft step) failed, by kind, so logs, dashboards and tests read the kind
 * and never match on message text.
 */
export const FAILURE_KINDS = {
  timeout: 'no answer (or no next chunk) within the time allowed',
  network: 'the upstream could not be reached or dropped the connection before answering',
  http_status: 'the upstream answered with an error status',
  error_event: 'the upstream sent an error event in the middle of its stream',
  broken_stream: 'the stream broke or ended before message_stop',
  invalid_response: 'the answer was not a valid message',
  skipped: 'no draft was made: the request cannot be adapted to the draft model',
  client_gone: 'the client disconnected before an answer went out',
  check_threw: 'the quality check failed on this draft',
  proxy_error: 'the proxy itself failed (a bug): the client got a 502',
} as const;
export const failureKindSchema = z.enum(Object.keys(FAILURE_KINDS) as [keyof typeof FAILURE_KINDS, ...Array<keyof typeof FAILURE_KINDS>]);
export type FailureKind = z.infer<typeof failureKindSchema>;

export const failureSchema = z.object({
  kind: failureKindSchema,
  /** Human-readable detail (the upstream's own error message where there is one). */
  message: z.string(),
});
export type Failure = z.infer<typeof failureSchema>;

/** Anthropic's usage object; unknown fields survive. */
export const usageSchema = z.looseObject({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_creation_input_tokens: z.number().nullable().optional(),
  cache_read_input_tokens: z.number().nullable().optional(),
  /** Split of cache writes by TTL, when the upstream reports it. */
  cache_creation: z
    .looseObject({ ephemeral_5m_input_tokens: z.number().optional(), ephemeral_1h_input_tokens: z.number().optional() })
    .nullable()
    .optional(),
});
export type Usage = z.infer<typeof usageSchema>;

/** One upstream call made for a request. Loose, like the record: older and newer fields survive. */
export const callRecordSchema = z.looseObject({
  model: z.string(),
  /** HTTP status the upstream answered with (0 when no response arrived). */
  status: z.number(),
  usage: usageSchema.nullable(),
  /** null when the model has no known price (never reported as $0). */
  cost: amount.nullable(),
  latencyMs: z.number(),
  failure: failureSchema.optional(),
  /**
   * The call was cut off before the upstream reported its final usage (a draft stopped early,
   * a broken stream, a client that went away): `usage.output_tokens` is then estimated from the
   * streamed output, a lower bound.
   */
  usageEstimated: z.boolean().optional(),
  /** Calls made again after a 429, 529 or 5xx answer (proxy/upstream/retry.ts); absent when none. */
  retries: z.number().int().min(0).optional(),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

export const tokenCountsSchema = z.object({ input: count, output: count, cacheWrite: count, cacheRead: count });
export type TokenCounts = z.infer<typeof tokenCountsSchema>;

/** The two costs the proxy compared before deciding whether to draft (dollars, estimated). */
export const costEstimateSchema = z.object({
  /** Going straight to the requested model, given its prompt-cache state. */
  direct: amount,
  /** Drafting: the draft given its cache state plus (1 - acceptance) x the verifier's cost. */
  draft: amount,
  /** The acceptance rate p used, in [0, 1]. */
  acceptance: z.number().min(0).max(1),
  /** Where p came from, e.g. "conversation (4 of 5)", "rule (12 of 20)", "prior". */
  acceptanceBasis: z.string(),
});
export type CostEstimate = z.infer<typeof costEstimateSchema>;

/** An accepted draft whose tool call came back failed on the conversation's next request. */
export const laterFailureSchema = z.object({
  /** Epoch ms of the request that carried the failed tool result. */
  time: z.number(),
  /** e.g. "Edit came back is_error: String to replace not found". */
  reason: z.string(),
});
export type LaterFailure = z.infer<typeof laterFailureSchema>;

/** A sampled accepted draft, answered again by the verifier in the background and compared. */
export const shadowResultSchema = z.object({
  model: z.string(),
  /** The draft and the verifier's answer agree (by the comparison the reason names). */
  agreed: z.boolean(),
  /** e.g. "same tool Read, same input", "final numbers differ: 42 vs 41". */
  reason: z.string(),
  /** How the answers were compared: tool calls, final numbers, or wording (the weakest; see proxy/shadow/compare.ts). */
  method: z.enum(['tool_calls', 'number', 'wording']).optional(),
  /** What the shadow call cost; null when its price is unknown. */
  cost: amount.nullable(),
  usage: usageSchema.nullable(),
  /** The shadow call failed (no comparison was made). */
  failure: failureSchema.optional(),
  /** Calls made again after a 429, 529 or 5xx answer; absent when none. */
  retries: z.number().int().min(0).optional(),
});
export type ShadowResult = z.infer<typeof shadowResultSchema>;

/** The API a client spoke: Anthropic's Messages API, or OpenAI's Chat Completions (translated at the edge). */
export const clientApiSchema = z.enum(['anthropic', 'openai']);
export type ClientApi = z.infer<typeof clientApiSchema>;

/** Exactly one per request to /v1/messages. Loose: fields added by later versions survive a round trip. */
export const decisionRecordSchema = z.looseObject({
  /** The request id: in the log line and the x-cascadeflow-request-id response header (older records: a UUID). */
  id: z.string(),
  /** Epoch milliseconds when the request arrived. */
  time: z.number(),
  requestedModel: z.string(),
  answeringModel: z.string(),
  decision: decisionSchema,
  ruleId: z.string().nullable(),
  stream: z.boolean(),
  confidence: z.number().nullable(),
  threshold: z.number().nullable(),
  signals: z.array(qualitySignalSchema),
  /** Sum over every upstream call made for the request. */
  tokens: tokenCountsSchema,
  /** What the request actually cost (all calls); null if any call's price is unknown. */
  cost: amount.nullable(),
  /** What the requested model alone would have cost; null if unknown. */
  baselineCost: amount.nullable(),
  /** baselineCost - cost; negative for escalations; null if either is unknown. */
  savings: amount.nullable(),
  latencyMs: z.number(),
  /** Time until the first byte went to the client; null if nothing was sent. */
  ttfbMs: z.number().nullable(),
  /** HTTP status the client received (499: the client left first). */
  status: z.number(),
  /** The draft model's call, when one was made. */
  draft: callRecordSchema.optional(),
  /** The requested (or verifier) model's call: escalations, draft errors and passthroughs. */
  verifier: callRecordSchema.optional(),
  /** Why the draft step failed (draft_error), else why the answer failed (failed, or a client that left). */
  failure: failureSchema.optional(),
  /** Models of this request whose price is unknown. */
  unpricedModels: z.array(z.string()).optional(),
  /** The conversation the request belongs to (a session id, or a hash of its opening). */
  conversationId: z.string().optional(),
  /** The client's working directory, when the request states it (Claude Code does). */
  project: z.string().optional(),
  /** What the judged draft does. */
  actionClass: actionClassSchema.optional(),
  /** The judged draft had no evidence either way: its confidence is a prior, not a measurement. */
  unverified: z.boolean().optional(),
  /** The costs compared before drafting. */
  estimate: costEstimateSchema.optional(),
  /** Set later, on the same record, when an accepted draft's tool call came back failed. */
  laterFailed: laterFailureSchema.optional(),
  /** Set later, on the same record, when the draft was shadow-verified. */
  shadow: shadowResultSchema.optional(),
  /** The API the client spoke; absent means anthropic (the OpenAI-compatible endpoint sets it). */
  clientApi: clientApiSchema.optional(),
  /** The client token the request came with (contracts/tokens.ts); absent without one. */
  tokenName: z.string().max(64).optional(),
  /** The replica that answered (CASCADEFLOW_REPLICA_ID, team deployments); absent on a single machine. */
  replica: z.string().max(200).optional(),
});
export type DecisionRecord = z.infer<typeof decisionRecordSchema>;

/** A decision query without a limit gets the latest this many: what the dashboard's log shows. */
export const DEFAULT_DECISION_LIMIT = 500;

const epochMs = z.coerce.number().int().nonnegative();

/** Filters of the decision log, newest first (the HTTP form sends numbers as text, hence the coercion). */
export const decisionQuerySchema = z.strictObject({
  /** At most 1,000 per query, so one answer never holds the proxy up; page back with `until`. */
  limit: z.coerce.number().int().min(1).max(1_000).optional(),
  decision: decisionSchema.optional(),
  ruleId: z.string().min(1).max(100).optional(),
  /** Requests that arrived at or after this time (epoch ms). */
  since: epochMs.optional(),
  /** Requests that arrived before this time (epoch ms). */
  until: epochMs.optional(),
  conversationId: z.string().min(1).max(200).optional(),
  project: z.string().min(1).max(4096).optional(),
  /** Requests that came with this client token (by its name). */
  tokenName: z.string().min(1).max(64).optional(),
});
export type DecisionQuery = z.output<typeof decisionQuerySchema>;

/** The WHERE clause of a decision query (its limit aside), for every store and test double alike. */
export function matchesDecisionQuery(record: DecisionRecord, query: DecisionQuery): boolean {
  return (
    (query.since === undefined || record.time >= query.since) &&
    (query.until === undefined || record.time < query.until) &&
    (query.ruleId === undefined || record.ruleId === query.ruleId) &&
    (query.decision === undefined || record.decision === query.decision) &&
    (query.conversationId === undefined || record.conversationId === query.conversationId) &&
    (query.project === undefined || record.project === query.project) &&
    (query.tokenName === undefined || record.tokenName === query.tokenName)
  );
}

/** A failure in words, as the log line and the dashboard show it: "timeout: UND_ERR_HEADERS_TIMEOUT: …". */
export function describeFailure(failure: Failure): string {
  return `${failure.kind}: ${failure.message}`;
}

/**
 * A change to a record already appended: the consequence of an accepted draft, or its shadow
 * verification, known only later. Stores apply it to the kept record and persist it.
 */
export const decisionAmendSchema = z.object({
  id: z.string(),
  laterFailed: laterFailureSchema.optional(),
  shadow: shadowResultSchema.optional(),
});
export type DecisionAmend = z.infer<typeof decisionAmendSchema>;

/** The signal that carries the acceptance policy's verdict in words (penalty 0): why a judged draft was accepted or escalated. */
export const POLICY_SIGNAL = 'policy';

/** The signals that lowered confidence or ruled the draft out, strongest first. */
export function penalisingSignals(signals: readonly QualitySignal[]): QualitySignal[] {
  return signals.filter((s) => s.penalty > 0 || s.decisive).sort((a, b) => b.penalty - a.penalty);
}
