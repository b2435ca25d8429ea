// Whose key pays: the client's own `x-api-key` / `Authorization` (API keys and Claude
// subscription tokens alike), else the proxy's fallback key, else a 401 that says how to set one.
// Beyond loopback anyone on the network could spend the fallback key, so there it is used only
// for requests that carry the admin token in a header of its own: `Authorization` always stays
// the client's credential for the upstream and is never read as the admin token.
import type { Request, Response } from 'express';
import type { RequestPathDeps } from './deps';
import { sendAnthropicError } from '../http/errors';
import { isLoopbackHost } from '../http/hosts';
import { tokenMatches } from '../http/guards';
import { ADMIN_TOKEN_HEADER, hasClientKey, upstreamRequestHeaders } from '../upstream/headers';

export const NO_KEY_MESSAGE =
  'No API key: send x-api-key or Authorization with the request, or give the proxy a fallback key ' +
  '(ANTHROPIC_API_KEY in the environment of `npm run serve`, or Settings in the tray app).';

export const LAN_FALLBACK_MESSAGE =
  `No API key: this proxy listens beyond localhost, so its fallback key is used only for requests that carry ` +
  `its admin token (printed at startup) in the ${ADMIN_TOKEN_HEADER} header. Send your own x-api-key or ` +
  `Authorization, or add the header (Claude Code: ANTHROPIC_CUSTOM_HEADERS="${ADMIN_TOKEN_HEADER}: <token>").`;

/**
 * The upstream request headers, or null after answering 401 when no key may be used
 * (`sendError`: in the shape of the API the client speaks).
 */
export function authorizedUpstreamHeaders(
  ctx: RequestPathDeps,
  req: Pick<Request, 'headers'>,
  res: Response,
  sendError: typeof sendAnthropicError = sendAnthropicError,
): Record<string, string> | null {
  if (hasClientKey(req.headers)) return upstreamRequestHeaders(req.headers, null);
  const fallbackKey = ctx.fallbackApiKey();
  if (!fallbackKey) {
    sendError(res, 401, NO_KEY_MESSAGE);
    return null;
  }
  const { host, adminToken } = ctx.config;
  if (!isLoopbackHost(host)) {
    const given = req.headers[ADMIN_TOKEN_HEADER];
    if (typeof given !== 'string' || !adminToken || !tokenMatches(given, adminToken)) {
      const message = given === undefined ? LAN_FALLBACK_MESSAGE : `Invalid admin token in ${ADMIN_TOKEN_HEADER}.`;
      sendError(res, 401, message);
      return null;
    }
  }
  return upstreamRequestHeaders(req.headers, fallbackKey);
}
