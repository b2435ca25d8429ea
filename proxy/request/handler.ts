// POST /v1/messages as five steps: the conversation's turn begins (tool results that show an
// accepted draft later failed amend its record) → gate (may skip drafting) → decide
// (passthrough when no rule matches; else draft with the cheap model and judge it, a waiting
// stream kept alive with pings: keepalive.ts) → respond (the only writer of the client's
// answer) → settle cost once → record, and only then the answer's last bytes. Whatever goes
// wrong with the draft, the client gets the verifier's answer; exactly one decision record per
// request leaves through deps.keep() (then deps.publish(), once the client has its end).
// The body is parsed only as far as the steps need (request-body.ts): a request no rule drafts
// goes up as the client's bytes, its history unparsed unless an accepted draft's tool calls
// await their results in it. Requests another API's edge translated (proxy/openai/) take the
// same steps through runRequestPath().
import type { Request, Response } from 'express';
import { REQUEST_ID_HEADER, type ClientApi } from '../../contracts/decision';
import { ClientResponse } from '../http/client-response';
import { sendAnthropicError } from '../http/errors';
import { authorizeRequest } from './auth';
import { MAX_JSON_DEPTH, parseJsonBody, TOO_DEEP_MESSAGE } from './body-depth';
import { OPEN_BRACKET } from './json-bytes';
import { RequestBody } from './request-body';
import type { MessagesRequest } from '../wire';
import { identifyConversation } from '../conversations/identify';
import { isLoopbackHost } from '../http/hosts';
import { decideKeptAlive } from './keepalive';
import { gate, planFor, withPlan } from './gate';
import { beginTurn, endTurn } from './turn';
import type { RequestPathDeps } from './deps';
import type { CascadeOptions, DecisionValue, Exchange } from './exchange';
import { decisionRecord, newRequestId } from './record';
import { respond } from './respond';

/**
 * One request on its way into the request path: as POST /v1/messages received it, or as another
 * API's edge (proxy/openai/) translated it.
 */
export interface IncomingRequest {
  /** Already in the response's x-cascadeflow-request-id header. */
  id: string;
  /** The Messages body, sent up untouched whenever the cascade need not change it. */
  body: RequestBody;
  /** The authorised upstream headers (auth.ts). */
  headers: Record<string, string>;
  /** Upstream path and query string. */
  pathAndQuery: string;
  /** The one writer of the client's answer (another API's edge translates in a subclass). */
  client: ClientResponse;
  localClient: boolean;
  startedAt: number;
  /** The API the client spoke, when not Anthropic's: marked on the record. */
  clientApi?: ClientApi;
  /** The client token the request came with (auth.ts): marked on the record. */
  tokenName?: string;
}

export function createMessagesHandler(deps: RequestPathDeps, options: CascadeOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const startedAt = Date.now();
    const id = newRequestId();
    res.setHeader(REQUEST_ID_HEADER, id);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const body = readRequest(raw, res, (model) => deps.matchRule(model) !== null);
    if (!body) return;
    const authorized = await authorizeRequest(deps, req, res, { stream: body.member('stream') === true });
    if (!authorized) return;
    const { headers, tokenName } = authorized;
    const client = new ClientResponse(res, startedAt);
    const localClient = isLoopbackHost(req.socket.remoteAddress ?? '');
    await runRequestPath(deps, options, { id, body, headers, pathAndQuery: req.originalUrl, client, localClient, startedAt, tokenName });
  };
}

/** The steps of a parsed, authorised request, whichever API its client spoke. */
export async function runRequestPath(deps: RequestPathDeps, options: CascadeOptions, incoming: IncomingRequest): Promise<void> {
  const { body, headers, client, startedAt } = incoming;
  const model = body.member('model') as string;
  deps.offerCredentials(headers);
  // Before the turn's first wait (its shared state): a client gone meanwhile is noticed.
  const abort = abortWhenGone(client.res);

  const conversation = identifyConversation(body.conversationSource());
  const turn = await beginTurn(deps, conversation, body, startedAt);
  // A rule added while a body read lazily was authorised may meet a body that is not JSON: it then goes up as a passthrough, for the API to refuse.
  const matched = deps.matchRule(model);
  const rule = matched && body.tryRequest() ? matched : null;
  const plan = rule ? planFor(deps, { conversationId: conversation?.id, rule, request: body.request, rawBytes: body.raw.length, body, now: startedAt, policy: deps.config.draftPolicy }) : null;

  const ex: Exchange = {
    id: incoming.id,
    deps,
    options,
    client,
    // Parsed on first use: a passthrough that never reads it never parses the history. Through
    // `this`, like the record's prompt source below: nothing here closes over the path's locals (abortWhenGone).
    get request() {
      return this.body.request;
    },
    body,
    model,
    stream: body.member('stream') === true,
    headers,
    pathAndQuery: incoming.pathAndQuery,
    signal: abort.signal,
    conversation,
    localClient: incoming.localClient,
    requestedCache: plan?.requestedCache,
    clientApi: incoming.clientApi,
    tokenName: incoming.tokenName,
  };
  const decision: DecisionValue = rule && plan ? (gate(rule, turn, plan) ?? withPlan(await decideKeptAlive(ex, rule), plan)) : { kind: 'passthrough' };
  // The answer's end waits for its record: an answer the client has whole is on record. The
  // rest of the sink runs after it, in the same turn: the log line, metrics and live events
  // are nothing the client's end needs (a paced stream's last event: 0.92-1.06 -> 0.80-0.85 ms).
  client.holdEnd();
  let record;
  try {
    const answer = await respond(ex, decision);
    record = decisionRecord(ex, { rule, decision, answer, startedAt });
    deps.keep(record);
  } finally {
    client.release();
  }
  deps.publish(record, body);
  endTurn(ex, decision, record);
}

/**
 * Aborts when the client leaves before its answer has ended. Made here, not inline: V8 gives all
 * closures of one call a single shared scope, so an inline listener on the response put the
 * client and the controller into the request path's scope, which then outlived young-generation
 * collections with everything it reached (16 × 20 KB passthrough: bytes surviving scavenges
 * 67 -> 38 MB per 5,500 requests, scavenge time 290 -> 180 ms).
 */
function abortWhenGone(res: Response): AbortController {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort;
}

/**
 * The body, checked as far as the request path will read it: a request whose model no rule
 * drafts needs only its model and a messages array found in place (the API judges the rest, as
 * it would without the proxy); any other is parsed whole here, its errors the proxy's 400s.
 */
function readRequest(raw: Buffer, res: Response, drafted: (model: string) => boolean): RequestBody | null {
  const body = new RequestBody(raw);
  if (body.nestsDeeperThan(MAX_JSON_DEPTH)) {
    sendAnthropicError(res, 400, TOO_DEEP_MESSAGE);
    return null;
  }
  const messages = body.memberRanges()?.get('messages');
  if (messages && raw[messages.start] === OPEN_BRACKET) {
    const [model] = readable(body, 'model', 'stream');
    if (typeof model === 'string' && !drafted(model)) return body;
  }
  const parsed = parseJsonBody(() => body.request);
  if (!parsed.ok) {
    sendAnthropicError(res, 400, parsed.message);
    return null;
  }
  const request = parsed.value as MessagesRequest | null;
  if (!request || typeof request !== 'object' || typeof request.model !== 'string' || !Array.isArray(request.messages)) {
    sendAnthropicError(res, 400, 'Request body must be an object with `model` and `messages`.');
    return null;
  }
  return body;
}

/** These members alone; none when one is not JSON (the whole parse then reports it). */
function readable(body: RequestBody, ...keys: string[]): unknown[] {
  try {
    return keys.map((key) => body.member(key));
  } catch {
    return [];
  }
}
