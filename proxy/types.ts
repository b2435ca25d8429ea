// Shared domain types of the proxy core. Everything else (cascade, quality checker,
// stats, control API, Electron shell, dashboard) speaks in these shapes.
// Anthropic wire types are deliberately loose: unknown fields must survive untouched.

export type JsonObject = Record<string, unknown>;

/** A content block as sent or received; only `type` is guaranteed. */
export interface ContentBlock {
  type: string;
  [key: string]: unknown;
}

export interface TextBlock extends ContentBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock extends ContentBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface Message {
  /** Claude Code may send `system` messages inside `messages`, so the role is open. */
  role: 'user' | 'assistant' | (string & {});
  content: string | ContentBlock[];
  [key: string]: unknown;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  input_schema?: JsonObject;
  /** Server tools (web_search, bash_…) carry a `type` and no schema. */
  type?: string;
  [key: string]: unknown;
}

/** Body of POST /v1/messages. Unknown fields are kept and forwarded. */
export interface MessagesRequest {
  model: string;
  messages: Message[];
  max_tokens?: number;
  system?: string | ContentBlock[];
  tools?: ToolDefinition[];
  tool_choice?: JsonObject;
  stream?: boolean;
  thinking?: JsonObject;
  [key: string]: unknown;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** Split of cache writes by TTL, when the upstream reports it. */
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
  [key: string]: unknown;
}

/** A complete (or, while streaming, partially assembled) assistant message. */
export interface AssistantMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage: Usage;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- quality check

export interface QualitySignal {
  /** Stable machine name, e.g. `truncated`, `refusal`, `tool_schema`. */
  name: string;
  /** How much this signal lowered confidence, in [0, 1]; 0 for informational signals. */
  penalty: number;
  /** Human-readable explanation, e.g. "tool input failed schema: missing 'command'". */
  reason: string;
  /** On a partial (still streaming) draft: the draft is ruled out whatever follows. */
  decisive?: boolean;
}

export interface QualityResult {
  /** Confidence that the draft is good enough, in [0, 1]. Accept when >= threshold. */
  confidence: number;
  signals: QualitySignal[];
}

export interface QualityOptions {
  /** The draft is still streaming: skip signals that need the end (length, truncation, final answer). */
  partial?: boolean;
  /**
   * On a partial draft: how many leading content blocks are complete (their
   * content_block_stop was seen), so a finished tool_use block is validated at once.
   * Default: every block but the last.
   */
  completeBlocks?: number;
}

/** The quality checker: a pure, fast function. */
export type QualityCheck = (
  request: MessagesRequest,
  draft: AssistantMessage,
  options?: QualityOptions,
) => QualityResult;

// ---------------------------------------------------------------- rules

export interface CascadeRule {
  id: string;
  /** Exact model id, or a pattern with `*` wildcards such as `claude-sonnet-4*`. */
  match: string;
  draftModel: string;
  /** Model that answers when the draft is escalated; null means the requested model. */
  verifierModel: string | null;
  /** Accept a draft when confidence >= threshold. 0.6 aggressive, 0.7 balanced, 0.8 conservative. */
  threshold: number;
  enabled: boolean;
}

// ---------------------------------------------------------------- prices

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

// ---------------------------------------------------------------- decisions

export type Decision = 'passthrough' | 'accepted' | 'escalated' | 'draft_error';

export interface TokenCounts {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** One upstream call made for a request. */
export interface CallRecord {
  model: string;
  /** HTTP status the upstream answered with (0 when no response arrived). */
  status: number;
  usage: Usage | null;
  /** null when the model has no known price (never reported as $0). */
  cost: number | null;
  latencyMs: number;
  error?: string;
  /**
   * The call was cut off before the upstream reported its final usage (a draft stopped early,
   * a broken stream, a client that went away): `usage.output_tokens` is then estimated from the
   * streamed output, a lower bound (thinking the upstream did not stream is not counted).
   */
  usageEstimated?: boolean;
}

/** Exactly one per request to /v1/messages. */
export interface DecisionRecord {
  id: string;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  requestedModel: string;
  answeringModel: string;
  decision: Decision;
  ruleId: string | null;
  stream: boolean;
  confidence: number | null;
  threshold: number | null;
  signals: QualitySignal[];
  /** Sum over every upstream call made for the request. */
  tokens: TokenCounts;
  /** What the request actually cost (all calls); null if any call's price is unknown. */
  cost: number | null;
  /** What the requested model alone would have cost; null if unknown. */
  baselineCost: number | null;
  /** baselineCost - cost; negative for escalations; null if either is unknown. */
  savings: number | null;
  latencyMs: number;
  /** Time until the first byte went to the client; null if nothing was sent. */
  ttfbMs: number | null;
  /** HTTP status the client received. */
  status: number;
  /** The draft model's call, when one was made. */
  draft?: CallRecord;
  /** The requested (or verifier) model's call: escalations, draft errors and passthroughs. */
  verifier?: CallRecord;
  /** Draft failure message (draft_error) or upstream failure. */
  error?: string;
  /** Models of this request whose price is unknown. */
  unpricedModels?: string[];
}

// ---------------------------------------------------------------- stats

/** Counters kept alike for totals and for each history bucket. */
export interface DecisionCounts {
  queries: number;
  /** Sums over requests whose cost and baseline are both known; the rest are counted in `Totals.unpricedQueries`. */
  cost: number;
  baselineCost: number;
  savings: number;
  accepted: number;
  escalated: number;
  passthrough: number;
  draftErrors: number;
}

export interface Totals extends DecisionCounts {
  unpricedQueries: number;
  tokens: TokenCounts;
  /** Answering model -> number of requests it answered. */
  modelsUsed: Record<string, number>;
  /** Model -> known cost spent on it (draft and verifier calls alike). */
  costByModel: Record<string, number>;
}

export interface HistoryBucket extends DecisionCounts {
  /** Epoch ms of the bucket start. */
  start: number;
}

/** Bounded, time-bucketed history for charts. */
export interface History {
  minute: HistoryBucket[]; // last 24 h
  hour: HistoryBucket[]; // last ~31 days
  day: HistoryBucket[]; // forever
}

/** GET /stats: exact field names are part of the public contract. */
export interface StatsResponse {
  total_queries: number;
  total_cost: number;
  avg_cost_per_query: number;
  cascade_used_count: number;
  cascade_usage_pct: number;
  models_used: Record<string, number>;
  baseline_cost: number;
  total_savings: number;
  savings_pct: number;
  escalated_count: number;
  passthrough_count: number;
  draft_error_count: number;
  unpriced_query_count: number;
  uptime_seconds: number;
}

// ---------------------------------------------------------------- settings

export interface Settings {
  host: string;
  port: number;
  upstreamUrl: string;
  /** Global pause: every request passes through. */
  paused: boolean;
  startAtLogin: boolean;
  /** Model id or family pattern (with `*`) -> price override. */
  priceOverrides: Record<string, ModelPrice>;
  /** Log prompt text? Off by default. */
  logPrompts: boolean;
}

export type SettingsPatch = Partial<Settings>;
