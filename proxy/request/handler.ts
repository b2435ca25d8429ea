// POST /v1/messages: passthrough when no rule matches; otherwise draft with the cheap
// model, judge, and either return the draft or answer with the verifier. Whatever goes
// wrong with the draft, the client gets the verifier's answer; exactly one decision
// record per request leaves through ctx.record().
import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import type { RequestPathDeps } from './deps';
import { buildAnswerRequest, buildDraftRequest, withoutThinking, type DraftRequest } from '../models/adapt-request';
import type { SignatureRegistry } from '../models/signatures';
import type { CallRecord, Failure, Decision, DecisionRecord, QualitySignal, TokenCounts } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import type { MessagesRequest } from '../wire';
import { sendUpstream, type UpstreamResponse } from '../upstream/client';
import { describeError, failure, requestFailure } from '../upstream/failures';
import { sendAnthropicError } from '../http/errors';
import { authorizedUpstreamHeaders } from '../upstream/auth';
import { clientResponseHeaders } from '../upstream/headers';
import { ClientResponse } from '../http/client-response';
import { runDraft, type DraftOutcome } from './draft';
import { relayResponse, rememberSignatures, type UpstreamAnswer } from './relay';

export interface CascadeOptions {
  signatures: SignatureRegistry;
  /** Longest wait for the draft's first byte and between its chunks before escalating. */
  draftTimeoutMs: number;
}

/** Per-request state that ends up in the decision record. */
interface Outcome {
  decision: Decision;
  answeringModel: string;
  confidence: number | null;
  signals: QualitySignal[];
  draft?: CallRecord;
  verifier?: CallRecord;
  failure?: Failure;
}

export function createMessagesHandler(ctx: RequestPathDeps, options: CascadeOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const startedAt = Date.now();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let request: MessagesRequest;
    try {
      request = JSON.parse(raw.toString('utf8')) as MessagesRequest;
    } catch (err) {
      sendAnthropicError(res, 400, `Request body is not valid JSON: ${describeError(err)}`);
      return;
    }
    if (!request || typeof request !== 'object' || typeof request.model !== 'string' || !Array.isArray(request.messages)) {
      sendAnthropicError(res, 400, 'Request body must be an object with `model` and `messages`.');
      return;
    }
    const headers = authorizedUpstreamHeaders(ctx, req, res);
    if (!headers) return;

    const client = new ClientResponse(res, startedAt);
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const rule = ctx.matchRule(request.model);
    const exchange: Exchange = {
      ctx,
      options,
      client,
      request,
      raw,
      headers,
      pathAndQuery: req.originalUrl,
      signal: abort.signal,
    };
    const outcome: Outcome = {
      decision: 'passthrough',
      answeringModel: request.model,
      confidence: null,
      signals: [],
    };
    try {
      if (rule) await cascade(exchange, rule, outcome);
      else outcome.verifier = await answerWith(exchange, request.model, outcome, null);
    } catch (err) {
      outcome.failure ??= failure('network', describeError(err));
      if (!client.headersSent) sendAnthropicError(res, 502, `Upstream request failed: ${outcome.failure.message}`);
      else client.end();
    } finally {
      ctx.record(decisionRecord(ctx, exchange, rule, outcome, startedAt), request);
    }
  };
}

interface Exchange {
  ctx: RequestPathDeps;
  options: CascadeOptions;
  client: ClientResponse;
  request: MessagesRequest;
  raw: Buffer;
  headers: Record<string, string>;
  pathAndQuery: string;
  signal: AbortSignal;
}

async function cascade(ex: Exchange, rule: CascadeRule, outcome: Outcome): Promise<void> {
  const { ctx, request } = ex;
  const draftRequest = adaptForDraft(ex, rule);
  if (draftRequest.unsupported) {
    // No draft call at all: the requested model answers, and the record says why.
    outcome.decision = 'draft_error';
    outcome.failure = failure('skipped', `draft skipped: ${draftRequest.unsupported}`);
    return verify(ex, rule, outcome, null);
  }
  const draftHeaders = { ...ex.headers };
  if (draftRequest.beta) draftHeaders['anthropic-beta'] = draftRequest.beta;
  else delete draftHeaders['anthropic-beta'];

  const draft: DraftOutcome = await runDraft({
    request: draftRequest.body,
    body: JSON.stringify(draftRequest.body),
    headers: draftHeaders,
    baseUrl: ctx.config.upstreamUrl,
    pathAndQuery: ex.pathAndQuery,
    signal: ex.signal,
    timeoutMs: ex.options.draftTimeoutMs,
    accounting: ctx.accounting,
  });
  outcome.draft = draft.call;
  if (ex.signal.aborted) {
    // Nothing was escalated: the draft was cut short because nobody waits for an answer any more.
    outcome.failure = failure('client_gone', 'client disconnected');
    outcome.decision = 'draft_error';
    return;
  }
  if (draft.kind === 'failed') {
    outcome.decision = 'draft_error';
    outcome.failure = draft.failure;
  } else {
    outcome.confidence = draft.quality.confidence;
    outcome.signals = draft.quality.signals;
    if (!draft.stoppedEarly && draft.quality.confidence >= rule.threshold) {
      outcome.decision = 'accepted';
      outcome.answeringModel = draft.call.model;
      rememberSignatures(ex.options.signatures, draft.message, draft.call.model);
      const costs = ctx.accounting.settle({ decision: 'accepted', requestedModel: request.model, draft: draft.call });
      ex.client.head(draft.status, {
        ...clientResponseHeaders(draft.headers),
        ...cascadeHeaders(outcome, costs.cost, costs.savings),
        'content-length': draft.raw.length,
      });
      ex.client.end(draft.raw);
      return;
    }
    outcome.decision = 'escalated';
  }
  return verify(ex, rule, outcome, draft.call);
}

/**
 * The draft model's version of the request. A request shaped in a way adaptation cannot read
 * (e.g. a null message) is not drafted: the requested model gets it as it came and the API's
 * own 400 answers the client, not a proxy 502 its SDK would retry.
 */
function adaptForDraft(ex: Exchange, rule: CascadeRule): DraftRequest {
  try {
    return buildDraftRequest(ex.request, ex.headers['anthropic-beta'], rule.draftModel, ex.options.signatures);
  } catch (err) {
    return { body: ex.request, beta: undefined, unsupported: `request could not be adapted for ${rule.draftModel} (${describeError(err)})` };
  }
}

/** The verifier (the rule's, else the requested model) answers in the draft's place. */
async function verify(ex: Exchange, rule: CascadeRule, outcome: Outcome, draftCall: CallRecord | null): Promise<void> {
  outcome.answeringModel = rule.verifierModel ?? ex.request.model;
  outcome.verifier = await answerWith(ex, outcome.answeringModel, outcome, draftCall);
}

/** Sends the request to `model` (the requested or verifier model) and relays the answer. */
async function answerWith(ex: Exchange, model: string, outcome: Outcome, draftCall: CallRecord | null): Promise<CallRecord> {
  const { ctx, request } = ex;
  // The client's bytes go up untouched unless another model or a cleaned history is needed.
  const adapted = buildAnswerRequest(request, model, ex.options.signatures);
  const send = (body: Buffer | string) =>
    sendUpstream({
      baseUrl: ctx.config.upstreamUrl,
      pathAndQuery: ex.pathAndQuery,
      method: 'POST',
      headers: ex.headers,
      body,
      signal: ex.signal,
    });
  const sentAt = Date.now();
  let upstream: UpstreamAnswer;
  try {
    const first = await send(adapted ? JSON.stringify(adapted) : ex.raw);
    upstream = first.status === 400 ? await retryWithoutForeignThinking(first, adapted ?? request, send) : first;
  } catch (err) {
    const why = requestFailure(err, ex.signal.aborted);
    outcome.failure ??= why;
    if (!ex.signal.aborted) {
      sendAnthropicError(ex.client.res, 502, `Could not reach the upstream API (${ctx.config.upstreamUrl}): ${why.message}`);
    }
    return { model, status: 0, usage: null, cost: null, latencyMs: Date.now() - sentAt, failure: why };
  }
  const call = await relayResponse({
    client: ex.client,
    upstream,
    model,
    sentAt,
    accounting: ctx.accounting,
    signatures: ex.options.signatures,
    cascadeHeaders: (verifierCall) => {
      if (!verifierCall) return cascadeHeaders(outcome, null, null);
      const costs = ctx.accounting.settle({
        decision: outcome.decision,
        requestedModel: request.model,
        draft: draftCall ?? undefined,
        verifier: verifierCall,
      });
      return cascadeHeaders(outcome, costs.cost, costs.savings);
    },
  });
  if (call.failure && outcome.decision === 'passthrough') outcome.failure = call.failure;
  return call;
}

/**
 * A 400 over a thinking signature means the history holds blocks another model signed
 * that the proxy could not attribute (they predate a restart): retry once without thinking.
 * Any other 400 is relayed as it came.
 */
async function retryWithoutForeignThinking(
  rejected: UpstreamResponse,
  sent: MessagesRequest,
  send: (body: string) => Promise<UpstreamResponse>,
): Promise<UpstreamAnswer> {
  const text = await rejected.body.text();
  const retry = /signature/i.test(text) ? withoutThinking(sent) : null;
  if (retry) return send(JSON.stringify(retry));
  return { status: rejected.status, headers: rejected.headers, body: Readable.from([Buffer.from(text)]) };
}

/** Cost and savings go out only when known before the headers (not for streamed verifier answers). */
function cascadeHeaders(outcome: Outcome, cost: number | null, savings: number | null): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-cascadeflow-decision': outcome.decision,
    'x-cascadeflow-model': outcome.answeringModel,
  };
  if (outcome.confidence !== null) headers['x-cascadeflow-confidence'] = outcome.confidence.toFixed(3);
  if (cost !== null) headers['x-cascadeflow-cost-usd'] = cost.toFixed(6);
  if (savings !== null) headers['x-cascadeflow-savings-usd'] = savings.toFixed(6);
  return headers;
}

function tokensOf(calls: Array<CallRecord | undefined>): TokenCounts {
  const tokens: TokenCounts = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  for (const call of calls) {
    const usage = call?.usage;
    if (!usage) continue;
    tokens.input += usage.input_tokens ?? 0;
    tokens.output += usage.output_tokens ?? 0;
    tokens.cacheWrite += usage.cache_creation_input_tokens ?? 0;
    tokens.cacheRead += usage.cache_read_input_tokens ?? 0;
  }
  return tokens;
}

function decisionRecord(
  ctx: RequestPathDeps,
  ex: Exchange,
  rule: CascadeRule | null,
  outcome: Outcome,
  startedAt: number,
): DecisionRecord {
  const costs = ctx.accounting.settle({
    decision: outcome.decision,
    requestedModel: ex.request.model,
    draft: outcome.draft,
    verifier: outcome.verifier,
  });
  // 499: the client closed the connection before an answer went out (nginx's convention).
  const status = ex.client.headersSent ? ex.client.res.statusCode : ex.signal.aborted ? 499 : ex.client.res.statusCode;
  const record: DecisionRecord = {
    id: randomUUID(),
    time: startedAt,
    requestedModel: ex.request.model,
    answeringModel: outcome.answeringModel,
    decision: outcome.decision,
    ruleId: rule?.id ?? null,
    stream: ex.request.stream === true,
    confidence: outcome.confidence,
    threshold: rule?.threshold ?? null,
    signals: outcome.signals,
    tokens: tokensOf([outcome.draft, outcome.verifier]),
    cost: costs.cost,
    baselineCost: costs.baselineCost,
    savings: costs.savings,
    latencyMs: Date.now() - startedAt,
    ttfbMs: ex.client.ttfbMs,
    status,
  };
  if (outcome.draft) record.draft = outcome.draft;
  if (outcome.verifier) record.verifier = outcome.verifier;
  if (outcome.failure) record.failure = outcome.failure;
  if (costs.unpricedModels.length) record.unpricedModels = costs.unpricedModels;
  return record;
}
