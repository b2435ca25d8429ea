// One request to /v1/messages as it moves through decide → respond → settle → record, and
// the decision value the steps pass along.
import type { CallRecord, Failure } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import type { ClientResponse } from '../http/client-response';
import type { SignatureRegistry } from '../models/signatures';
import type { MessagesRequest } from '../wire';
import type { RequestPathDeps } from './deps';
import type { JudgedDraft } from './draft';

export interface CascadeOptions {
  signatures: SignatureRegistry;
  /** Longest wait for the draft's first byte and between its chunks before escalating. */
  draftTimeoutMs: number;
}

export interface Exchange {
  deps: RequestPathDeps;
  options: CascadeOptions;
  client: ClientResponse;
  request: MessagesRequest;
  /** The client's body, sent up untouched whenever the cascade need not change it. */
  raw: Buffer;
  headers: Record<string, string>;
  pathAndQuery: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/**
 * What the decide step concluded, as a value. `kind` is the record's decision: passthrough (no
 * rule), accepted (the draft answers), escalated (the judged draft fell short), draft_error (no
 * usable draft: the failure says why).
 */
export type DecisionValue =
  | { kind: 'passthrough' }
  | { kind: 'accepted'; rule: CascadeRule; draft: JudgedDraft }
  | { kind: 'escalated'; rule: CascadeRule; draft: JudgedDraft }
  | { kind: 'draft_error'; rule: CascadeRule; failure: Failure; draftCall?: CallRecord };

/** The model that answers when the draft does not. */
export function answeringModelOf(decision: DecisionValue, request: MessagesRequest): string {
  if (decision.kind === 'accepted') return decision.draft.call.model;
  if (decision.kind === 'passthrough') return request.model;
  return decision.rule.verifierModel ?? request.model;
}

export function draftCallOf(decision: DecisionValue): CallRecord | undefined {
  if (decision.kind === 'accepted' || decision.kind === 'escalated') return decision.draft.call;
  return decision.kind === 'draft_error' ? decision.draftCall : undefined;
}
