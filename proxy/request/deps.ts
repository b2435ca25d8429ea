// What the request path needs from the rest of the proxy, and nothing more: the effective
// configuration, rule matching, pricing, the fallback key and the decision sink. The state
// side implements it; the request path never sees the control API, stores or transports.
import type { DecisionAmend, DecisionRecord } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import type { MessagesRequest } from '../wire';
import type { Accounting } from '../pricing/accounting';
import type { ConversationMemory } from '../conversations/memory';
import type { ConversationStateStore } from '../conversations/shared-state';
import type { EconomicsState } from '../economics/state';
import type { ShadowVerifier } from '../shadow/verifier';

/** Where the log line's prompt excerpt comes from: the request's body, read only when asked (request-body.ts). */
export interface PromptSource {
  tryRequest(): MessagesRequest | null;
}

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
  /** Draft only where it pays (`cost_aware`) or whenever a rule matches (`always`). */
  draftPolicy: 'cost_aware' | 'always';
  /** Check drafts' tool calls against the files they name, for loopback clients. */
  grounding: boolean;
  /** Requests of a conversation that skip drafting after an accepted draft's tool call failed. */
  escalateAfterFailure: number;
  /** Extra Host names accepted besides loopback and `host` (CASCADEFLOW_ALLOWED_HOSTS), lower case. */
  allowedHosts?: string[];
}

/** A client token as the request path sees it (proxy/tokens/ owns them). */
export interface ClientToken {
  name: string;
  /** May use the proxy's fallback key beyond loopback. */
  allowFallbackKey: boolean;
}

/**
 * A request counted against its token's limits (release when its response closes), or refused:
 * a 429, or a 503 when the team's shared limiter cannot be asked and fails closed (`unavailable`).
 */
export type TokenAdmission =
  | { ok: true; release: () => void }
  | { ok: false; retryAfterSeconds: number; message: string; limit?: string };

export interface ClientTokenGate {
  /** The token whose secret this is, or null (unknown or revoked). */
  identify(secret: string): ClientToken | null;
  admit(token: ClientToken, stream: boolean): TokenAdmission | Promise<TokenAdmission>;
  /**
   * A request without a token, counted against the settings' limits per client key by the
   * key's hash (`credential` is never kept); null when the settings set none.
   */
  admitKey(credential: string, stream: boolean): TokenAdmission | Promise<TokenAdmission> | null;
}

export interface RequestPathDeps {
  /** Read per request: settings edits take effect on the next request. */
  readonly config: ResolvedConfig;
  /** The first enabled rule matching the model; null when paused or none matches. */
  matchRule(model: string): CascadeRule | null;
  readonly accounting: Accounting;
  /** Accepted drafts' tool calls per conversation, and which conversations skip drafting after one failed. */
  readonly conversations: ConversationMemory;
  /** Prompt caches and acceptance per conversation: whether drafting pays (proxy/economics/). */
  readonly economics: EconomicsState;
  /** Where a conversation's state (memory and economics) is shared between replicas; locally nowhere. */
  readonly conversationState: ConversationStateStore;
  /** Answers a sample of accepted drafts again with the verifier, in the background. */
  readonly shadow: Pick<ShadowVerifier, 'consider'>;
  /** Client tokens: who is calling, and their rate limits (request/auth.ts). */
  readonly tokens: ClientTokenGate;
  /** This replica's name, put in every record (team deployments); undefined on a single machine. */
  readonly replica?: string;
  /** The proxy's own key, used only when the client sent none. */
  fallbackApiKey(): string | null;
  /**
   * An authorised request's upstream headers: when the model list is due and the proxy has no
   * key of its own, its credentials fetch GET /v1/models once (never kept or logged).
   */
  offerCredentials(headers: Readonly<Record<string, string>>): void;
  /**
   * The decision sink's first half, once per request, before the answer's last bytes go out:
   * the store (stats and the decision log), so an answer the client has whole is on record.
   */
  keep(record: DecisionRecord): void;
  /**
   * Its second half, in the same turn once the client has those bytes: the rule checks, the
   * metrics, the token's use, the log line and the live events; none of them a client's end waits for.
   * `body` (its request asked for only then: that may parse it) feeds the log line's prompt
   * excerpt when settings.logPrompts is on; it is never stored.
   */
  publish(record: DecisionRecord, body?: PromptSource): void;
  /** A change to a record already recorded (a later failure, a shadow verification): store, log line, live event. */
  amend(change: DecisionAmend): void;
}
