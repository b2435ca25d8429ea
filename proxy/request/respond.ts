// The respond step, the only writer of the client's answer: an accepted draft is replayed as
// it arrived; any other decision is answered by the verifier (the rule's, else the requested
// model), relayed live; after a draft, the verifier's 429/529/5xx is retried first
// (upstream/retry.ts). Cost is settled once, as soon as every call is known.
import type { OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { CallRecord, Failure } from '../../contracts/decision';
import type { CostBreakdown } from '../pricing/accounting';
import { buildAnswerRequest, withoutThinking } from '../models/adapt-request';
import { sendUpstream, type UpstreamBody, type UpstreamResponse } from '../upstream/client';
import { NO_RETRY, sendWithRetries } from '../upstream/retry';
import { describeError, failure, requestFailure } from '../upstream/failures';
import { clientResponseHeaders } from '../upstream/headers';
import type { MessagesRequest } from '../wire';
import { answeringModelOf, draftCallOf, type DecisionValue, type Exchange } from './exchange';
import { relayResponse, rememberSignatures, type UpstreamAnswer } from './relay';
import { mayHoldForeignThinking } from './foreign-thinking';

export interface Answer {
  /** The answering model's call; absent for accepted drafts and when the client left during the draft. */
  verifier?: CallRecord;
  costs: CostBreakdown;
  /** A failure of the proxy's own while answering (a bug): the client got a 502. */
  failure?: Failure;
}

export async function respond(ex: Exchange, decision: DecisionValue): Promise<Answer> {
  let costs: CostBreakdown | null = null;
  const settle = (verifier?: CallRecord): CostBreakdown =>
    (costs ??= ex.deps.accounting.settle({
      decision: decision.kind,
      requestedModel: ex.model,
      draft: draftCallOf(decision),
      verifier,
      requestedCache: ex.requestedCache,
    }));
  try {
    return await answer(ex, decision, settle);
  } catch (err) {
    const why = failure('proxy_error', describeError(err));
    await ex.client.fail(502, `Proxy error: ${why.message}`);
    return { costs: settle(), failure: why };
  }
}

async function answer(ex: Exchange, decision: DecisionValue, settle: (verifier?: CallRecord) => CostBreakdown): Promise<Answer> {
  if (decision.kind === 'accepted') {
    const { draft } = decision;
    rememberSignatures(ex.options.signatures, draft.message, draft.call.model);
    const settled = settle();
    ex.client.head(draft.status, {
      ...clientResponseHeaders(draft.headers),
      ...cascadeHeaders(decision, ex.model, settled),
      'content-length': draft.raw.length,
    });
    ex.client.end(draft.raw);
    return { costs: settled };
  }
  if (decision.kind === 'draft_error' && decision.failure.kind === 'client_gone') return { costs: settle() };

  const verifier = await answerWith(ex, decision, settle);
  return { verifier, costs: settle(verifier) };
}

/** Sends the request to the answering model and relays its answer. */
async function answerWith(
  ex: Exchange,
  decision: DecisionValue,
  settle: (verifier: CallRecord) => CostBreakdown,
): Promise<CallRecord> {
  const model = answeringModelOf(decision, ex.model);
  // The client's bytes go up untouched unless another model or a cleaned history is needed; a
  // body not parsed yet is parsed for this only when its bytes hold a signature to take out.
  const { signatures } = ex.options;
  const mayAdapt = model !== ex.model || ex.body.isParsed || mayHoldForeignThinking(ex.body.raw, model, signatures);
  // (A body that is not JSON after all goes up as it is, for the API to refuse.)
  const request = mayAdapt ? ex.body.tryRequest() : null;
  const adapted = request && buildAnswerRequest(request, model, signatures);
  // After a draft, a 429/529/5xx is the proxy's to retry: the client's own retry would pay for
  // another draft. Without one the call is the client's, and so is the retry policy.
  const policy = draftCallOf(decision) ? ex.options.retry : NO_RETRY;
  let retries = 0;
  const send = (body: UpstreamBody) =>
    sendWithRetries(
      () => sendUpstream({ baseUrl: ex.deps.config.upstreamUrl, pathAndQuery: ex.pathAndQuery, method: 'POST', headers: ex.headers, body, signal: ex.signal }),
      { policy, signal: ex.signal, onRetry: () => (retries += 1) },
    );
  const sentAt = Date.now();
  let upstream: UpstreamAnswer;
  try {
    const first = await send(adapted ? ex.body.serialize(adapted) : ex.body.raw);
    upstream = first.status === 400 ? await retryWithoutForeignThinking(first, adapted ?? ex.body.tryRequest(), (retry) => send(ex.body.serialize(retry))) : first;
  } catch (err) {
    const failure = requestFailure(err, ex.signal.aborted);
    await ex.client.fail(502, `Could not reach the upstream API (${ex.deps.config.upstreamUrl}) for ${model}: ${failure.message}`);
    return { model, status: 0, usage: null, cost: null, latencyMs: Date.now() - sentAt, failure, ...(retries > 0 && { retries }) };
  }
  return relayResponse({
    client: ex.client,
    upstream,
    model,
    retries,
    sentAt,
    accounting: ex.deps.accounting,
    signatures: ex.options.signatures,
    // A JSON answer is read whole first, so its cost can go out with the headers; a stream's cannot.
    cascadeHeaders: (call) => cascadeHeaders(decision, ex.model, call ? settle(call) : null),
  });
}

/**
 * A 400 over a thinking signature means the history holds blocks another model signed
 * that the proxy could not attribute (they predate a restart): retry once without thinking.
 * Any other 400 is relayed as it came.
 */
async function retryWithoutForeignThinking(
  rejected: UpstreamResponse,
  sent: MessagesRequest | null,
  send: (body: MessagesRequest) => Promise<UpstreamResponse>,
): Promise<UpstreamAnswer> {
  const text = await rejected.body.text();
  const retry = sent && /signature/i.test(text) ? withoutThinking(sent) : null;
  if (retry) return send(retry);
  return { status: rejected.status, headers: rejected.headers, body: Readable.from([Buffer.from(text)]) };
}

/** The x-cascadeflow-* headers; cost and savings only when known before the headers go out. */
function cascadeHeaders(decision: DecisionValue, requestedModel: string, costs: CostBreakdown | null): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-cascadeflow-decision': decision.kind,
    'x-cascadeflow-model': answeringModelOf(decision, requestedModel),
  };
  if (decision.kind === 'accepted' || decision.kind === 'escalated') {
    headers['x-cascadeflow-confidence'] = decision.draft.quality.confidence.toFixed(3);
  }
  if (costs?.cost != null) headers['x-cascadeflow-cost-usd'] = costs.cost.toFixed(6);
  if (costs?.savings != null) headers['x-cascadeflow-savings-usd'] = costs.savings.toFixed(6);
  return headers;
}
