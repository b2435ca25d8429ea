// Who may call and whose key pays. Who: a client token in `x-cascadeflow-token`
// (proxy/tokens/) names the caller and applies its rate limits; beyond loopback a valid one (or
// the admin token) is required, on loopback it is optional and only attributes usage. Whose key:
// the client's own `x-api-key` / `Authorization` (API keys and Claude subscription tokens alike),
// else the proxy's fallback key, else a 401 that says how to set one. Beyond loopback anyone on
// the network could spend the fallback key, so there it is used only for tokens that allow it and
// for requests with the admin token in a header of its own: `Authorization` always stays the
// client's credential for the upstream and is never read as either token. A request without a
// token counts against the settings' limits per client key (by the key's hash), when set.
// Admission is async: a team's limits live in Redis.
import type { IncomingHttpHeaders } from 'node:http';
import type { Request, Response } from 'express';
import { CLIENT_TOKEN_HEADER } from '../../contracts/tokens';
import type { ClientToken, RequestPathDeps } from './deps';
import { sendAnthropicError } from '../http/errors';
import { isLoopbackHost } from '../http/hosts';
import { tokenMatches } from '../http/guards';
import { ADMIN_TOKEN_HEADER, hasClientKey, upstreamRequestHeaders } from '../upstream/headers';

export const NO_KEY_MESSAGE =
  'No API key: send x-api-key or Authorization with the request, or give the proxy a fallback key ' +
  '(ANTHROPIC_API_KEY in the environment of `npm run serve`, or Settings in the tray app).';

export const LAN_FALLBACK_MESSAGE =
  `No API key: this proxy listens beyond localhost, so its fallback key is used only for client tokens created ` +
  `with --fallback-key, or with its admin token (printed at startup) in the ${ADMIN_TOKEN_HEADER} header. ` +
  `Send your own x-api-key or Authorization.`;

export const TOKEN_REQUIRED_MESSAGE =
  `This proxy listens beyond localhost: send a client token in the ${CLIENT_TOKEN_HEADER} header ` +
  `(create one with \`cascadeflow token create NAME\` or in Settings; Claude Code: ` +
  `ANTHROPIC_CUSTOM_HEADERS="${CLIENT_TOKEN_HEADER}: <token>"), or its admin token in ${ADMIN_TOKEN_HEADER}.`;

export const INVALID_TOKEN_MESSAGE = `Unknown or revoked client token in ${CLIENT_TOKEN_HEADER}.`;

/** An admitted request: its upstream headers, and the client token it came with. */
export interface AuthorizedRequest {
  headers: Record<string, string>;
  tokenName?: string;
}

export interface AuthorizeOptions {
  /** A streaming request: counts against its token's concurrent streams until the response closes. */
  stream?: boolean;
  /** Errors in the shape of the API the client speaks. */
  sendError?: typeof sendAnthropicError;
}

/** Who calls: a client token, the admin token (beyond loopback), or why the caller is refused. */
export type Caller = { token: ClientToken | null; admin: boolean } | { refused: string };

/** From the headers alone: an unknown token, or beyond loopback neither a token nor the admin token, is refused. */
export function identifyCaller(ctx: Pick<RequestPathDeps, 'config' | 'tokens'>, headers: IncomingHttpHeaders): Caller {
  const { host, adminToken } = ctx.config;
  const network = !isLoopbackHost(host);
  const givenAdmin = headers[ADMIN_TOKEN_HEADER];
  const admin = network && typeof givenAdmin === 'string' && adminToken !== null && tokenMatches(givenAdmin, adminToken);
  const secret = headers[CLIENT_TOKEN_HEADER];
  const token = typeof secret === 'string' ? ctx.tokens.identify(secret) : null;
  if (secret !== undefined && !token) return { refused: INVALID_TOKEN_MESSAGE };
  if (network && !token && !admin) {
    return { refused: givenAdmin === undefined ? TOKEN_REQUIRED_MESSAGE : `Invalid admin token in ${ADMIN_TOKEN_HEADER}.` };
  }
  return { token, admin };
}

/**
 * The admitted request, or null after answering 401 (who or which key), 429 (a token's or a
 * key's limit) or 503 (a team's limits cannot be checked and fail closed).
 */
export async function authorizeRequest(
  ctx: RequestPathDeps,
  req: Pick<Request, 'headers'>,
  res: Response,
  { stream = false, sendError = sendAnthropicError }: AuthorizeOptions = {},
): Promise<AuthorizedRequest | null> {
  const network = !isLoopbackHost(ctx.config.host);
  const refuse = (message: string) => {
    sendError(res, 401, message);
    return null;
  };

  // Identified once: before the body was read (server.ts) when there was one.
  const caller = (res.locals.caller as Caller | undefined) ?? identifyCaller(ctx, req.headers);
  if ('refused' in caller) return refuse(caller.refused);
  const { token, admin } = caller;

  let fallbackKey: string | null = null;
  if (!hasClientKey(req.headers)) {
    fallbackKey = ctx.fallbackApiKey();
    if (!fallbackKey) return refuse(NO_KEY_MESSAGE);
    if (network && !admin && !token?.allowFallbackKey) return refuse(LAN_FALLBACK_MESSAGE);
  }

  // Last: a request refused above never uses up its allowance. The admin is not limited.
  // A key counts the same sent as x-api-key or as a bearer token.
  const givenKey = req.headers['x-api-key'] || req.headers.authorization;
  const clientKey = typeof givenKey === 'string' ? givenKey.replace(/^Bearer\s+/i, '') : null;
  const admission = token
    ? await ctx.tokens.admit(token, stream)
    : !admin && clientKey
      ? await ctx.tokens.admitKey(clientKey, stream)
      : null;
  if (admission && !admission.ok) {
    res.setHeader('retry-after', String(admission.retryAfterSeconds));
    const who = token ? `Client token "${token.name}"` : 'This API key';
    const status = admission.limit === 'unavailable' ? 503 : 429;
    sendError(res, status, `${who}: ${admission.message}; retry after ${admission.retryAfterSeconds} s.`);
    return null;
  }
  // The client may have gone while Redis answered.
  if (admission && res.closed) admission.release();
  else if (admission) res.once('close', admission.release);
  return { headers: upstreamRequestHeaders(req.headers, fallbackKey), ...(token ? { tokenName: token.name } : {}) };
}
