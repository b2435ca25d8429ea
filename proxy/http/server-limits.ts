// The HTTP server's own limits and the answers to what Node's parser refuses before any route
// runs (two Content-Length headers, a bad chunk size, control characters in a header, a header
// block over Node's 16 KB, a request that took too long to arrive): an Anthropic-format error,
// like every other error the proxy produces, instead of Node's empty 400. The timeouts bound
// slow-drip connections; none applies to a response, so long streams are untouched.
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { anthropicError } from './errors';

/** The whole header block must arrive within this (ms). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included, must arrive within this (ms): 64 MB at ~1 MB/s. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** An idle keep-alive connection is closed after this (ms); clients reuse it within. */
export const KEEP_ALIVE_TIMEOUT_MS = 10_000;
/** How often Node checks the two timeouts above (its default, 30 s, lets a slow drip live that long). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Options for http.createServer. A request without Host is answered by the Host guard
 * (http/guards.ts) in the API's format, not by Node's empty 400.
 */
export const SERVER_OPTIONS = { connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS, requireHostHeader: false } as const;

export function applyServerLimits(server: Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('clientError', answerClientError);
}

/** What Node's parser refused, in words, by error code; any other code is a plain "could not be parsed". */
const REFUSALS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'Request headers exceed 16 KB.',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Malformed HTTP request: a repeated Content-Length header, or one beside Transfer-Encoding.',
  HPE_INVALID_CONTENT_LENGTH: 'Malformed HTTP request: an invalid Content-Length header.',
  HPE_INVALID_CHUNK_SIZE: 'Malformed HTTP request: an invalid chunk size in a chunked body.',
  HPE_INVALID_HEADER_TOKEN: 'Malformed HTTP request: an invalid character in a header.',
  HPE_INVALID_TRANSFER_ENCODING: 'Malformed HTTP request: an invalid Transfer-Encoding header.',
  ERR_HTTP_REQUEST_TIMEOUT: `Request too slow: headers must arrive within ${HEADERS_TIMEOUT_MS / 1000} s and the whole request within ${REQUEST_TIMEOUT_MS / 1000} s.`,
};

function statusFor(code: string): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has no one to answer; a response already under way cannot take another.
  const responding = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || responding) {
    socket.destroy();
    return;
  }
  const code = error.code ?? '';
  const status = statusFor(code);
  const message = REFUSALS[code] ?? `Malformed HTTP request: it could not be parsed (${code || error.message}).`;
  const body = JSON.stringify(anthropicError(status, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'content-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}
