// The response to the client: honours backpressure, notes when the first byte left, and
// reports the proxy's own errors in the form the client can still read at that point.
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
    this.res.writeHead(status, headers);
    // SSE clients should see the headers before the first event arrives.
    this.res.flushHeaders();
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
