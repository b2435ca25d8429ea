// The response to the client: honours backpressure and notes when the first byte left.
import { once } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';

export class ClientResponse {
  ttfbMs: number | null = null;

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
}
