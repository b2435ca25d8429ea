// POST /v1/messages as five steps: the conversation's turn begins (tool results that show an
// accepted draft later failed amend its record) → gate (may skip drafting) → decide
// (passthrough when no rule matches; else draft with the cheap model and judge it) → respond (the only writer of the client's answer) → settle
// cost once → record. Whatever goes wrong with the draft, the client gets the verifier's
// answer; exactly one decision record per request leaves through deps.record().
import type { Request, Response } from 'express';
import { ClientResponse } from '../http/client-response';
import { sendAnthropicError } from '../http/errors';
import { authorizedUpstreamHeaders } from './auth';
import { describeError } from '../upstream/failures';
import type { MessagesRequest } from '../wire';
import { identifyConversation } from '../conversations/identify';
import { isLoopbackHost } from '../http/hosts';
import { decide } from './decide';
import { gate, planFor, withPlan } from './gate';
import { beginTurn, endTurn } from './turn';
import type { RequestPathDeps } from './deps';
import type { CascadeOptions, DecisionValue, Exchange } from './exchange';
import { decisionRecord } from './record';
import { respond } from './respond';

export function createMessagesHandler(deps: RequestPathDeps, options: CascadeOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const startedAt = Date.now();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request = parseRequest(raw, res);
    if (!request) return;
    const headers = authorizedUpstreamHeaders(deps, req, res);
    if (!headers) return;

    const conversation = identifyConversation(request);
    const turn = beginTurn(deps, conversation, request, startedAt);
    const rule = deps.matchRule(request.model);
    const plan = rule ? planFor(deps, { conversationId: conversation?.id, rule, request, rawBytes: raw.length, now: startedAt, policy: deps.config.draftPolicy }) : null;

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const ex: Exchange = {
      deps,
      options,
      client: new ClientResponse(res, startedAt),
      request,
      raw,
      headers,
      pathAndQuery: req.originalUrl,
      signal: abort.signal,
      conversation,
      localClient: isLoopbackHost(req.socket.remoteAddress ?? ''),
      requestedCache: plan?.requestedCache,
    };
    const decision: DecisionValue = rule && plan ? (gate(rule, turn, plan) ?? withPlan(await decide(ex, rule), plan)) : { kind: 'passthrough' };
    const answer = await respond(ex, decision);
    const record = decisionRecord(ex, { rule, decision, answer, startedAt });
    deps.record(record, request);
    endTurn(ex, decision, record);
  };
}

function parseRequest(raw: Buffer, res: Response): MessagesRequest | null {
  let request: MessagesRequest;
  try {
    request = JSON.parse(raw.toString('utf8')) as MessagesRequest;
  } catch (err) {
    sendAnthropicError(res, 400, `Request body is not valid JSON: ${describeError(err)}`);
    return null;
  }
  if (!request || typeof request !== 'object' || typeof request.model !== 'string' || !Array.isArray(request.messages)) {
    sendAnthropicError(res, 400, 'Request body must be an object with `model` and `messages`.');
    return null;
  }
  return request;
}
