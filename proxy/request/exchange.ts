// One request to /v1/messages as it moves through decide → respond → settle → record, and
// the decision value the steps pass along.
import type { CallRecord, ClientApi, CostEstimate, Failure, QualitySignal } from '../../contracts/decision';
import type { ConversationRef } from '../conversations/identify';
import type { RequestedCache } from '../pricing/accounting';
import type { Acceptance } from '../quality/policy';
import type { CascadeRule } from '../../contracts/rules';
import type { ClientResponse } from '../http/client-response';
import type { SignatureRegistry } from '../models/signatures';
import type { MessagesRequest } from '../wire';
import type { RequestPathDeps } from './deps';
import type { RequestBody } from './request-body';
import type { RetryPolicy } from '../upstream/retry';
import type { DraftDeadlines } from './draft-deadline';
import type { JudgedDraft } from './draft';
import type { KeepaliveTiming } from './keepalive';

export interface CascadeOptions {
  signatures: SignatureRegistry;
  /** Each draft model's first-byte deadline; its cap is the longest wait between a draft's chunks before escalating. */
  deadlines: DraftDeadlines;
  /** Retries of the answering call after a draft (upstream/retry.ts). */
  retry: RetryPolicy;
  /** When a streaming client waiting on a draft gets headers and pings before its answer (keepalive.ts). */
  keepalive: KeepaliveTiming;
}

export interface Exchange {
  /** The request id: the record's, the log line's and the x-cascadeflow-request-id header's. */
  id: string;
  deps: RequestPathDeps;
  options: CascadeOptions;
  client: ClientResponse;
  /** The request, parsed on first use (a passthrough may never read it). */
  readonly request: MessagesRequest;
  /** The client's body, sent up untouched whenever the cascade need not change it. */
  body: RequestBody;
  /** The requested model and whether the client asked for a stream, read without parsing the rest. */
  model: string;
  stream: boolean;
  headers: Record<string, string>;
  pathAndQuery: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** The conversation the request belongs to, when it can be told. */
  conversation: ConversationRef | null;
  /** The client is on this machine (loopback): grounding may read the files its drafts name. */
  localClient: boolean;
  /** The requested model's prompt cache for this conversation, for an honest baseline. */
  requestedCache?: RequestedCache;
  /** The API the client spoke, when not Anthropic's (proxy/openai/ translated the request). */
  clientApi?: ClientApi;
  /** The client token the request came with (request/auth.ts). */
  tokenName?: string;
}

/**
 * What the gate and decide steps concluded, as a value. `kind` is the record's decision:
 * passthrough (no rule), not_worth_drafting (a rule matched, but the gate chose not to draft:
 * the signals say why), accepted (the draft answers), escalated (the judged draft fell short),
 * draft_error (no usable draft: the failure says why).
 */
export type DecisionValue =
  | { kind: 'passthrough' }
  | { kind: 'not_worth_drafting'; rule: CascadeRule; signals: QualitySignal[]; estimate?: CostEstimate }
  | ({ kind: 'accepted' | 'escalated'; rule: CascadeRule; draft: JudgedDraft; acceptance: Acceptance } & Planned)
  | ({ kind: 'draft_error'; rule: CascadeRule; failure: Failure; draftCall?: CallRecord } & Planned);

/** What the gate step knew when it let a request draft: its cost estimate and notes (a probe after a pause). */
interface Planned {
  estimate?: CostEstimate;
  notes?: QualitySignal[];
}

/** The model that answers when the draft does not. */
export function answeringModelOf(decision: DecisionValue, requestedModel: string): string {
  if (decision.kind === 'accepted') return decision.draft.call.model;
  if (decision.kind === 'passthrough') return requestedModel;
  // not_worth_drafting, escalated, draft_error: the rule's verifier answers.
  return decision.rule.verifierModel ?? requestedModel;
}

export function draftCallOf(decision: DecisionValue): CallRecord | undefined {
  if (decision.kind === 'accepted' || decision.kind === 'escalated') return decision.draft.call;
  return decision.kind === 'draft_error' ? decision.draftCall : undefined;
}
