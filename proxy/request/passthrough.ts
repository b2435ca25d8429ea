// Every /v1/* endpoint other than POST /v1/messages (count_tokens, models, batches, files…):
// forwarded untouched (a body within the depth limit, body-depth.ts), the answer relayed chunk
// by chunk as it arrives.
import type { Request, Response } from 'express';
import type { RequestPathDeps } from './deps';
import { ClientResponse } from '../http/client-response';
import { sendUpstream } from '../upstream/client';
import { describeError } from '../upstream/failures';
import { authorizeRequest } from './auth';
import { nestsTooDeep, TOO_DEEP_MESSAGE } from './body-depth';
import { sendAnthropicError } from '../http/errors';
import { clientResponseHeaders } from '../upstream/headers';

export function createPassthroughHandler(ctx: RequestPathDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const authorized = await authorizeRequest(ctx, req, res);
    if (!authorized) return;
    const { headers } = authorized;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const client = new ClientResponse(res, Date.now());
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && Buffer.isBuffer(req.body) && req.body.length > 0;
    if (hasBody && nestsTooDeep(req.body as Buffer)) return sendAnthropicError(res, 400, TOO_DEEP_MESSAGE);
    let upstream;
    try {
      upstream = await sendUpstream({
        baseUrl: ctx.config.upstreamUrl,
        pathAndQuery: req.originalUrl,
        method: req.method,
        headers,
        body: hasBody ? (req.body as Buffer) : undefined,
        signal: abort.signal,
      });
    } catch (err) {
      if (!abort.signal.aborted) {
        await client.fail(502, `Could not reach the upstream API (${ctx.config.upstreamUrl}): ${describeError(err)}`);
      }
      return;
    }
    client.head(upstream.status, clientResponseHeaders(upstream.headers));
    try {
      for await (const chunk of upstream.body) await client.write(chunk);
    } catch {
      // Upstream broke or the client left: the connection ends without a clean close.
      res.destroy();
      return;
    }
    client.end();
  };
}
