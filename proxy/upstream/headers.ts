// Which headers cross the proxy, in each direction. Everything the client sends goes up
// (keys as given, every anthropic-* header, user agent, …) except hop-by-hop and
// connection-specific ones; everything the upstream answers comes back likewise.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { CLIENT_TOKEN_HEADER } from '../../contracts/tokens';

/**
 * This process's `Via` entry (RFC 9110 §7.6.3). A request that comes back carrying it went
 * round in a loop (the upstream URL leads back here under another name or port).
 */
const VIA = `1.1 cascadeflow-${randomBytes(6).toString('hex')}`;

export function isLoopedBack(incoming: IncomingHttpHeaders): boolean {
  return String(incoming.via ?? '').includes(VIA);
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Proves a LAN client may spend the proxy's fallback key (see auth.ts); never leaves the proxy. */
export const ADMIN_TOKEN_HEADER = 'x-cascadeflow-admin-token';

/**
 * Request headers that describe the client's connection to the proxy, not the request.
 * `content-encoding` too: the body parser has already decoded a compressed body.
 */
const CLIENT_ONLY = new Set([
  'host',
  'content-length',
  'content-encoding',
  'accept-encoding',
  'origin',
  'referer',
  'cookie',
  'expect',
  ADMIN_TOKEN_HEADER,
  CLIENT_TOKEN_HEADER,
]);

/** Response headers recomputed by the proxy or meaningless to the client. */
const UPSTREAM_ONLY = new Set(['content-length', 'content-encoding', 'set-cookie', 'date', 'server']);

const NO_TOKENS: ReadonlySet<string> = new Set();
/** The last `connection` value parsed: clients and upstreams send the same one on every request. */
let lastConnection: { value: string; tokens: ReadonlySet<string> } = { value: '', tokens: NO_TOKENS };

function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return NO_TOKENS;
  const joined = Array.isArray(value) ? value.join(',') : value;
  if (joined !== lastConnection.value) {
    lastConnection = { value: joined, tokens: new Set(joined.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean)) };
  }
  return lastConnection.tokens;
}

/** True when the client authenticated itself (API key or OAuth bearer token). */
export function hasClientKey(headers: IncomingHttpHeaders): boolean {
  return Boolean(headers['x-api-key'] || headers.authorization);
}

/**
 * Headers for the upstream call. The client's own `x-api-key`/`authorization` win; the
 * fallback key is added only when the client sent neither.
 */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  fallbackKey: string | null,
): Record<string, string> {
  const dropped = connectionTokens(incoming.connection);
  const out: Record<string, string> = {};
  for (const name of Object.keys(incoming)) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || CLIENT_ONLY.has(name) || dropped.has(name)) continue;
    if (name.startsWith('x-forwarded-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (!hasClientKey(incoming) && fallbackKey) out['x-api-key'] = fallbackKey;
  out.via = out.via ? `${out.via}, ${VIA}` : VIA;
  // The proxy reads drafts and usage, so it asks for an uncompressed body.
  out['accept-encoding'] = 'identity';
  return out;
}

/** Upstream response headers to relay to the client. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const dropped = connectionTokens(upstream.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name of Object.keys(upstream)) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || UPSTREAM_ONLY.has(name) || dropped.has(name)) continue;
    out[name] = value;
  }
  return out;
}
