// The OpenAI-compatible face of the proxy. POST /v1/chat/completions is translated into a
// Messages request and runs the very request path /v1/messages runs (rules, gate, draft, check,
// respond, cost, record), its answer translated back on the way out; the record says the
// client spoke OpenAI's API. GET /v1/models answers OpenAI clients in OpenAI's list shape.
import type { Request, Response, Router } from 'express';
import { REQUEST_ID_HEADER } from '../../contracts/decision';
import { isLoopbackHost } from '../http/hosts';
import type { RequestPathDeps } from '../request/deps';
import type { CascadeOptions } from '../request/exchange';
import { runRequestPath } from '../request/handler';
import { RequestBody } from '../request/request-body';
import { newRequestId } from '../request/record';
import { readJsonBody } from '../request/body-depth';
import { authorizeChatRequest } from './auth';
import { ChatClientResponse } from './client-response';
import { ChatRequestError, refusal, sendChatError } from './errors';
import { createModelsHandler } from './models';
import { translateRequest, type TranslatedRequest } from './request';

/** Where OpenAI clients send chat completions, under /v1. */
export const CHAT_COMPLETIONS_PATH = '/chat/completions';

/** The upstream endpoint every chat completion becomes. */
const MESSAGES_PATH = '/v1/messages';

/** Mounts the routes on the /v1 router, before its passthrough. `track` is told of every chat completion while it runs. */
export function mountOpenAIRoutes(router: Router, deps: RequestPathDeps, options: CascadeOptions, track?: (run: Promise<void>) => void): void {
  router.post(CHAT_COMPLETIONS_PATH, (req, res) => {
    const run = chatCompletions(deps, options, req, res);
    track?.(run);
    return run;
  });
  const models = createModelsHandler(deps);
  router.get('/models', models);
  router.get('/models/:id', models);
}

async function chatCompletions(deps: RequestPathDeps, options: CascadeOptions, req: Request, res: Response): Promise<void> {
  const startedAt = Date.now();
  const id = newRequestId();
  res.setHeader(REQUEST_ID_HEADER, id);
  const translated = parse(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), res);
  if (!translated) return;
  const { request, view } = translated;
  const authorized = await authorizeChatRequest(deps, req, res, request.stream === true);
  if (!authorized) return;
  const { headers, tokenName } = authorized;
  headers['content-type'] = 'application/json';
  await runRequestPath(deps, options, {
    id,
    body: new RequestBody(Buffer.from(JSON.stringify(request)), request),
    headers,
    pathAndQuery: MESSAGES_PATH,
    client: new ChatClientResponse(res, startedAt, view),
    localClient: isLoopbackHost(req.socket.remoteAddress ?? ''),
    startedAt,
    clientApi: 'openai',
    tokenName,
  });
}

/** The translated request, or null after answering a 400 that names what is wrong. */
function parse(raw: Buffer, res: Response): TranslatedRequest | null {
  const body = readJsonBody(raw);
  if (!body.ok) {
    sendChatError(res, 400, body.message);
    return null;
  }
  try {
    return translateRequest(body.value);
  } catch (err) {
    if (!(err instanceof ChatRequestError)) throw err;
    res.status(400).json(refusal(err));
    return null;
  }
}
