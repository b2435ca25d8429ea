// GET /v1/models and /v1/models/{id} for OpenAI clients: the upstream's own list (one page of
// the largest size) and models, in OpenAI's shapes. Both APIs use these paths: a request with
// `anthropic-version` (Anthropic's SDKs always send it) is passed through untouched instead.
import type { NextFunction, Request, Response } from 'express';
import type { RequestPathDeps } from '../request/deps';
import { sendUpstream } from '../upstream/client';
import { describeError } from '../upstream/failures';
import { sendChatError, translateErrorResponse } from './errors';
import { authorizeChatRequest } from './auth';
import { isOpenAIClient } from './headers';

interface AnthropicModel {
  id: string;
  created_at?: string;
}

/** Anthropic's largest page: one page holds every model the API lists. */
const PAGE_SIZE = 1000;

function openAIModel(model: AnthropicModel) {
  const created = Math.floor(Date.parse(model.created_at ?? '') / 1000);
  return { id: model.id, object: 'model', created: Number.isFinite(created) ? created : 0, owned_by: 'anthropic' };
}

export function createModelsHandler(deps: RequestPathDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!isOpenAIClient(req.headers)) return next();
    const authorized = await authorizeChatRequest(deps, req, res);
    if (!authorized) return;
    const { headers } = authorized;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const id = req.params.id;
    const pathAndQuery = typeof id === 'string' ? `/v1/models/${encodeURIComponent(id)}` : `/v1/models?limit=${PAGE_SIZE}`;
    let status: number;
    let text: string;
    try {
      const upstream = await sendUpstream({ baseUrl: deps.config.upstreamUrl, pathAndQuery, method: 'GET', headers, signal: abort.signal });
      status = upstream.status;
      text = await upstream.body.text();
    } catch (err) {
      if (!abort.signal.aborted) sendChatError(res, 502, `Could not reach the upstream API (${deps.config.upstreamUrl}): ${describeError(err)}`);
      return;
    }
    if (status !== 200) {
      const answer = translateErrorResponse(status, text);
      res.status(answer.status).json(answer.body);
      return;
    }
    try {
      const body = JSON.parse(text) as AnthropicModel & { data: AnthropicModel[] };
      res.json(typeof id === 'string' ? openAIModel(body) : { object: 'list', data: body.data.map(openAIModel) });
    } catch (err) {
      sendChatError(res, 502, `The upstream's model list could not be read: ${describeError(err)}`);
    }
  };
}
