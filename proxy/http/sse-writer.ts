// The one writer of Server-Sent Events the proxy produces itself: the control API's live
// stream and the proxy's own events inside relays. Frames are the Anthropic wire form
// (formatSse); keep-alive comments stop idle connections from being dropped by proxies and
// browsers; a client that stops reading is cut off rather than buffered without bound.
import type { ServerResponse } from 'node:http';
import { formatSse } from '../sse/events';

export interface SseWriterOptions {
  /** Period of `: keep-alive` comments (ms); none when omitted. */
  keepAliveMs?: number;
  /** A client that leaves this much output unread is cut off (bytes; default 1 MiB). */
  maxBufferedBytes?: number;
}

/** A page that stopped reading (a stalled or suspended tab) must not grow the proxy's memory. */
const DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export class SseWriter {
  private readonly maxBufferedBytes: number;
  private keepAlive: NodeJS.Timeout | null = null;

  /** Sends 200 with the event-stream headers at once (EventSource opens on them) unless the response has already started (a relay). */
  constructor(
    private readonly res: ServerResponse,
    options: SseWriterOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    if (!res.headersSent) res.writeHead(200, SSE_HEADERS).flushHeaders();
    if (options.keepAliveMs) {
      this.keepAlive = setInterval(() => this.comment('keep-alive'), options.keepAliveMs);
      this.keepAlive.unref();
    }
    res.once('close', () => this.stopKeepAlive());
  }

  /** False once the client is gone, cut off, or the stream was closed. */
  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  event(type: string, data: unknown): void {
    this.write(formatSse(type, data));
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  /** How long a reconnecting EventSource waits (ms). */
  retry(ms: number): void {
    this.write(`retry: ${ms}\n\n`);
  }

  close(): void {
    this.stopKeepAlive();
    if (this.open) this.res.end();
  }

  private write(frame: string): void {
    if (!this.open) return;
    // Cut off rather than buffer: EventSource reconnects and reloads a fresh snapshot.
    if (this.res.writableLength > this.maxBufferedBytes) {
      this.stopKeepAlive();
      this.res.destroy();
      return;
    }
    this.res.write(frame);
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}
