// The upstream HTTP client: undici's `request` (raw bytes, no automatic decompression,
// abortable through an AbortSignal) over one keep-alive agent per process, which honours
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY for users behind a corporate proxy. Only those parts of
// undici are loaded: its index also loads fetch, WebSocket, caches and mocks, ~4 MB of resident
// memory the proxy would carry without ever using it.
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import api from 'undici/lib/api/index.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';

// What undici's index does on load: every dispatcher gets `request` and its siblings (the
// proxy agent's CONNECT tunnel calls `connect` on its client).
Object.assign(Dispatcher.prototype, api);

/** A request body: one buffer or string, or pieces. */
export type UpstreamBody = Buffer | string | readonly Buffer[];

export interface UpstreamRequest {
  /** e.g. https://api.anthropic.com (may carry a path prefix). */
  baseUrl: string;
  /** Path and query string exactly as the client sent them, e.g. /v1/messages?beta=true. */
  pathAndQuery: string;
  method: string;
  headers: Record<string, string>;
  /** Pieces are sent one after another, with their summed length as the Content-Length. */
  body?: UpstreamBody;
  signal: AbortSignal;
  /** Give up when no response headers arrive in time (ms). */
  headersTimeoutMs?: number;
  /** Give up when the body stalls this long between chunks (ms). */
  bodyTimeoutMs?: number;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown; text(): Promise<string> };
}

/** Long generations stream slowly; these only bound a dead connection. */
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

const agent = new EnvHttpProxyAgent({ keepAliveTimeout: 30_000, connections: 64 });

export async function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  const url = new URL(req.baseUrl.replace(/\/+$/, '') + req.pathAndQuery);
  const { body } = req;
  const sent =
    body === undefined || typeof body === 'string' || Buffer.isBuffer(body)
      ? { headers: req.headers, body }
      : // Pieces go up as a stream, which is sent chunked unless its length is given.
        { headers: { ...req.headers, 'content-length': String(body.reduce((sum, piece) => sum + piece.length, 0)) }, body: Readable.from(body, { objectMode: false }) };
  const res = await agent.request({
    origin: url.origin,
    path: url.pathname + url.search,
    method: req.method as 'POST',
    headers: sent.headers,
    body: sent.body,
    signal: req.signal,
    headersTimeout: req.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    bodyTimeout: req.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: res.body };
}
