// The seam between the request path (server, cascade) and the state side (rules,
// prices, stats, settings, persistence, control API). The server only ever sees a
// ProxyContext; proxy/state/context.ts builds one; the Electron shell builds one
// with electron-store and safeStorage behind the same two small interfaces.
import type { ControlApi } from '../contracts/control-api';
import type { ProxyStatus } from '../contracts/status';
import type { CallRecord, Decision, DecisionRecord, Usage } from '../contracts/decision';
import type { CascadeRule } from '../contracts/rules';
import type { MessagesRequest } from './wire';

/** Effective configuration: persisted settings overridden by environment variables. */
export interface ResolvedConfig {
  host: string;
  port: number;
  /** Where requests go; never the proxy itself. */
  upstreamUrl: string;
  dataDir: string;
  version: string;
  /** Required on the admin API when listening on a non-loopback address. */
  adminToken: string | null;
  /** Extra Host names accepted besides loopback and `host` (CASCADEFLOW_ALLOWED_HOSTS), lower case. */
  allowedHosts?: string[];
}

/** What conf (Node) and electron-store (Electron) both offer. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  readonly path: string;
}

/** Where the optional fallback API key lives. Never plain text on disk. */
export interface SecretStore {
  readonly kind: 'os-keyring' | 'basic_text' | 'memory' | 'env';
  get(): string | null;
  set(key: string | null): void;
}

export interface CostBreakdown {
  /** All calls; null when a price is unknown. */
  cost: number | null;
  /** The requested model alone; null when unknown. */
  baselineCost: number | null;
  savings: number | null;
  unpricedModels: string[];
}

export interface SettleInput {
  decision: Decision;
  requestedModel: string;
  /** The draft call (accepted, escalated, draft_error). */
  draft?: CallRecord;
  /** The requested/verifier model's call (escalated, draft_error, passthrough). */
  verifier?: CallRecord;
}

export interface Accounting {
  /** Cost of one call from its reported usage; null when the model's price is unknown. */
  callCost(model: string, usage: Usage | null): number | null;
  /**
   * Accepted: cost = draft, baseline = draft usage at the requested model's price.
   * Escalated / draft_error: cost = draft + verifier, baseline = verifier alone.
   * Passthrough: cost = baseline = the one call.
   */
  settle(input: SettleInput): CostBreakdown;
}

export interface ProxyContext {
  /** Read per request: settings edits take effect on the next request. */
  readonly config: ResolvedConfig;
  /** The first enabled rule matching the model; null when paused or none matches. */
  matchRule(model: string): CascadeRule | null;
  readonly accounting: Accounting;
  /**
   * One call per request: totals, history, log line, live event, batched persistence.
   * `request` only feeds the log line's prompt excerpt when settings.logPrompts is on; it is
   * never stored.
   */
  record(record: DecisionRecord, request?: MessagesRequest): void;
  /** The proxy's own key, used only when the client sent none. */
  fallbackApiKey(): string | null;
  readonly control: ControlApi;
  /** The server lifecycle reports running / error here; shown by every UI. */
  setStatus(status: Partial<ProxyStatus>): void;
  /** Write batched state now (on quit). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
