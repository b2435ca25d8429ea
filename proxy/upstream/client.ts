// The upstream HTTP client: undici's `request` (raw bytes, no automatic decompression,
// abortable through an AbortSignal) over one keep-alive agent per process, which honours
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY for users behind a corporate proxy.
import type { IncomingHttpHeaders } from 'node:http';
import { EnvHttpProxyAgent, request } from 'undici';

export interface UpstreamRequest {
  /** e.g. https://api.anthropic.com (may carry a path prefix). */
  baseUrl: string;
  /** Path and query string exactly as the client sent them, e.g. /v1/messages?beta=true. */
  pathAndQuery: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer | string;
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

function upstreamUrl(baseUrl: string, pathAndQuery: string): string {
  return baseUrl.replace(/\/+$/, '') + pathAndQuery;
}

export async function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  const res = await request(upstreamUrl(req.baseUrl, req.pathAndQuery), {
    method: req.method as 'POST',
    headers: req.headers,
    body: req.body,
    signal: req.signal,
    dispatcher: agent,
    headersTimeout: req.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    bodyTimeout: req.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: res.body };
}
