// Whose key pays: the client's own `x-api-key` / `Authorization` (API keys and Claude
// subscription tokens alike), else the proxy's fallback key, else a 401 that says how to set one.
import type { Request, Response } from 'express';
import type { ProxyContext } from '../context';
import { sendAnthropicError } from '../cascade/anthropic-error';
import { hasClientKey, upstreamRequestHeaders } from './headers';

export const NO_KEY_MESSAGE =
  'No API key: send x-api-key or Authorization with the request, or give the proxy a fallback key ' +
  '(ANTHROPIC_API_KEY in the environment of `npm run serve`, or Settings in the tray app).';

/** The upstream request headers, or null after answering 401 when no key is available. */
export function authorizedUpstreamHeaders(ctx: ProxyContext, req: Request, res: Response): Record<string, string> | null {
  const fallbackKey = hasClientKey(req.headers) ? null : ctx.fallbackApiKey();
  if (!hasClientKey(req.headers) && !fallbackKey) {
    sendAnthropicError(res, 401, 'authentication_error', NO_KEY_MESSAGE);
    return null;
  }
  return upstreamRequestHeaders(req.headers, fallbackKey);
}
