// The response to the client: honours backpressure, notes when the first byte left, keeps the
// proxy's own x-cascadeflow-* headers header-safe whatever a client put in them (a model id),
// and reports the proxy's own errors in the form the client can still read at that point.
import { once } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import { anthropicError, sendAnthropicError } from './errors';
import { SseWriter } from './sse-writer';

export class ClientResponse {
  ttfbMs: number | null = null;
  private eventStream = false;

  constructor(
    readonly res: Response,
    private readonly startedAt: number,
  ) {}

  /** False once the client went away or the response ended. */
  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  head(status: number, headers: OutgoingHttpHeaders): void {
    this.eventStream = String(headers['content-type'] ?? '').includes('text/event-stream');
    this.res.writeHead(status, withSafeOwnHeaders(headers));
    // SSE clients should see the headers before the first event arrives; any other answer's
    // headers leave with its first bytes, in the same write.
    if (this.eventStream) this.res.flushHeaders();
  }

  async write(chunk: Buffer | string): Promise<void> {
    if (!this.open) return;
    this.ttfbMs ??= Date.now() - this.startedAt;
    if (!this.res.write(chunk)) {
      // The wait that loses the race is cancelled, or each full socket would leave listeners behind.
      const waiting = new AbortController();
      const options = { signal: waiting.signal };
      try {
        await Promise.race([once(this.res, 'drain', options), once(this.res, 'close', options)]);
      } finally {
        waiting.abort();
      }
    }
  }

  end(chunk?: Buffer | string): void {
    if (!this.open) return;
    if (chunk !== undefined && chunk.length) this.ttfbMs ??= Date.now() - this.startedAt;
    if (chunk === undefined) this.res.end();
    else this.res.end(chunk);
  }

  /**
   * The proxy's own error: an Anthropic error body while nothing was sent, an SSE `error` event
   * (as the API sends one) inside a stream already under way, else just the end of the answer.
   */
  async fail(status: number, message: string): Promise<void> {
    if (!this.open) return;
    if (!this.headersSent) return sendAnthropicError(this.res, status, message);
    if (this.eventStream) new SseWriter(this.res).event('error', anthropicError(status, message));
    this.end();
  }
}

/** Longest value of an x-cascadeflow-* header. */
export const OWN_HEADER_MAX_CHARS = 200;

/**
 * A value any HTTP stack accepts: printable ASCII and spaces as they are; control characters,
 * non-ASCII (as UTF-8 bytes) and `%` itself percent-encoded, so the value reads back with
 * decodeURIComponent; cut to OWN_HEADER_MAX_CHARS, never inside an escape.
 */
export function headerSafe(value: string): string {
  let out = '';
  for (const char of value.slice(0, OWN_HEADER_MAX_CHARS)) {
    // A lone surrogate (no UTF-8 form) is sent as U+FFFD.
    const piece = /^[\x20-\x24\x26-\x7e]$/.test(char) ? char : /^[\ud800-\udfff]$/.test(char) ? '%EF%BF%BD' : encodeURIComponent(char);
    if (out.length + piece.length > OWN_HEADER_MAX_CHARS) break;
    out += piece;
  }
  return out;
}

function withSafeOwnHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = typeof value === 'string' && name.toLowerCase().startsWith('x-cascadeflow-') ? headerSafe(value) : value;
  }
  return out;
}
