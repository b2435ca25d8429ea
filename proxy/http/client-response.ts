// The response to the client: honours backpressure, notes when the first byte left, keeps the
// proxy's own x-cascadeflow-* headers header-safe whatever a client put in them (a model id),
// and reports the proxy's own errors in the form the client can still read at that point. A
// stream kept alive before its answer is known (request/keepalive.ts) commits to 200 early; the
// answer's own status and headers then cannot go out, and an answer that is not a stream (the
// upstream's error) becomes the SSE `error` event the API itself sends mid-stream. On the
// request path the answer's end is held until its decision is recorded (holdEnd/release), so a
// client never has a whole answer that is not on record: the team store's journal is written
// at append, and a kill -9 in between would otherwise lose a request the client saw answered.
import { once } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import { anthropicError, sendAnthropicError } from './errors';
import { SseWriter } from './sse-writer';

export class ClientResponse {
  /** When the answer's first byte left (pings do not count). */
  ttfbMs: number | null = null;
  private eventStream = false;
  /** 200 and the event-stream headers went out before the answer was known (keepAliveAfter). */
  private committedEarly = false;
  private keepAlive: NodeJS.Timeout | null = null;
  /** After an early commit, an answer that is not a stream, held whole to go out as an `error` event. */
  private held: { status: number; chunks: Buffer[] } | null = null;
  /** holdEnd() was called and release() not yet: the answer's last bytes wait in `ending`. */
  private holding = false;
  /** The answer's last bytes (its end, or the proxy's own error), while held. */
  private ending: (() => void) | null = null;

  constructor(
    readonly res: Response,
    private readonly startedAt: number,
  ) {}

  /** False once the client went away or the response ended (or its end is held). */
  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded && this.ending === null;
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  /**
   * With nothing sent after `afterMs` (0: never), commits to a 200 event stream and sends the API's
   * `ping` event every `everyMs` until the answer starts (head, write, end or fail).
   */
  keepAliveAfter(afterMs: number, everyMs: number): void {
    if (afterMs <= 0 || this.headersSent || this.keepAlive) return;
    this.keepAlive = setTimeout(() => this.commitEarly(everyMs), afterMs);
    this.res.once('close', () => this.stopKeepAlive());
  }

  /** Drops an early commit not yet made (the answer's status is the client's to see); pings under way go on. */
  cancelKeepAlive(): void {
    if (!this.committedEarly) this.stopKeepAlive();
  }

  head(status: number, headers: OutgoingHttpHeaders): void {
    this.stopKeepAlive();
    if (this.committedEarly) {
      if (!isEventStream(headers)) this.held = { status, chunks: [] };
      return;
    }
    this.eventStream = isEventStream(headers);
    this.res.writeHead(status, withSafeOwnHeaders(headers));
    // Any answer's headers leave with its first bytes, in the same write: the upstream's first
    // event usually came with its headers (one write instead of two; a paced stream's first event
    // 1.14-1.18 -> 0.97-1.00 ms, the pipe's 0.57-0.59). An SSE client still sees them before a
    // first event that is not here yet, at the end of this loop turn.
    if (this.eventStream) setImmediate(flushHeadersIfSilent, this);
  }

  /** Nothing of the answer has gone out yet (its headers may be set); pings do not count. */
  get silent(): boolean {
    return this.ttfbMs === null && this.open;
  }

  async write(chunk: Buffer | string): Promise<void> {
    this.stopKeepAlive();
    if (this.held) return void this.held.chunks.push(Buffer.from(chunk));
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
    this.stopKeepAlive();
    if (this.held) return this.endHeld(chunk);
    if (!this.open) return;
    if (chunk !== undefined && chunk.length) this.ttfbMs ??= Date.now() - this.startedAt;
    this.last(() => (chunk === undefined ? this.res.end() : this.res.end(chunk)));
  }

  /** From now on the answer's last bytes wait for release(). */
  holdEnd(): void {
    this.holding = true;
  }

  /** Sends the last bytes held (if any); later ends go out at once. */
  release(): void {
    this.holding = false;
    const ending = this.ending;
    this.ending = null;
    if (ending && !this.res.destroyed) ending();
  }

  /**
   * The proxy's own error: an Anthropic error body while nothing was sent, an SSE `error` event
   * (as the API sends one) inside a stream already under way, else just the end of the answer.
   */
  async fail(status: number, message: string): Promise<void> {
    this.stopKeepAlive();
    this.held = null;
    if (!this.open) return;
    if (!this.headersSent) return this.lastError(status, () => sendAnthropicError(this.res, status, message));
    if (!this.eventStream) return this.end();
    this.last(() => {
      new SseWriter(this.res).event('error', anthropicError(status, message));
      this.res.end();
    });
  }

  /** The proxy's own error as the whole answer: its status is the response's from now (the record reads it), its bytes go out as last(). */
  protected lastError(status: number, send: () => void): void {
    this.res.statusCode = status;
    this.last(send);
  }

  /** Sends the answer's last bytes now, or keeps them for release() while held. */
  protected last(send: () => void): void {
    if (this.holding) this.ending = send;
    else send();
  }

  private commitEarly(everyMs: number): void {
    this.keepAlive = null;
    if (!this.open || this.headersSent) return;
    this.committedEarly = true;
    this.eventStream = true;
    // 200 with the event-stream headers and those already set (x-cascadeflow-request-id).
    const sse = new SseWriter(this.res);
    const ping = () => sse.event('ping', { type: 'ping' });
    ping();
    this.keepAlive = setInterval(ping, everyMs);
    this.keepAlive.unref();
  }

  private stopKeepAlive(): void {
    // clearTimeout clears an interval too (one pool of ids).
    if (this.keepAlive) clearTimeout(this.keepAlive);
    this.keepAlive = null;
  }

  /** The upstream's own error body is the event's data, exactly as the API reports an error mid-stream. */
  private endHeld(chunk?: Buffer | string): void {
    const { status, chunks } = this.held!;
    this.held = null;
    if (chunk !== undefined) chunks.push(Buffer.from(chunk));
    if (!this.open) return;
    this.last(() => {
      new SseWriter(this.res).event('error', errorEventData(status, Buffer.concat(chunks).toString('utf8')));
      this.res.end();
    });
  }
}

function flushHeadersIfSilent(client: ClientResponse): void {
  if (client.silent) client.res.flushHeaders();
}

function isEventStream(headers: OutgoingHttpHeaders): boolean {
  return String(headers['content-type'] ?? '').includes('text/event-stream');
}

/** An Anthropic error body as it came; anything else (no error body, a JSON answer to a stream) as the proxy's own error. */
function errorEventData(status: number, body: string): unknown {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; error?: { type?: unknown } } | null;
    if (parsed?.type === 'error' && typeof parsed.error?.type === 'string') return parsed;
  } catch {
    // reported below
  }
  return status >= 400
    ? anthropicError(status, `Upstream error (HTTP ${status})`)
    : anthropicError(502, `The upstream answered the stream with a non-stream response (HTTP ${status})`);
}

/** Longest value of an x-cascadeflow-* header. */
export const OWN_HEADER_MAX_CHARS = 200;

/** Printable ASCII and spaces except `%`: characters a header value carries unescaped. */
const SAFE_AS_IS = /^[\x20-\x24\x26-\x7e]*$/;

/**
 * A value any HTTP stack accepts: printable ASCII and spaces as they are; control characters,
 * non-ASCII (as UTF-8 bytes) and `%` itself percent-encoded, so the value reads back with
 * decodeURIComponent; cut to OWN_HEADER_MAX_CHARS, never inside an escape.
 */
export function headerSafe(value: string): string {
  // The usual value (a model id, a decision) is already safe: returned as it is, without a copy per character.
  if (value.length <= OWN_HEADER_MAX_CHARS && SAFE_AS_IS.test(value)) return value;
  let out = '';
  for (const char of value.slice(0, OWN_HEADER_MAX_CHARS)) {
    // A lone surrogate (no UTF-8 form) is sent as U+FFFD.
    const piece = SAFE_AS_IS.test(char) ? char : /^[\ud800-\udfff]$/.test(char) ? '%EF%BF%BD' : encodeURIComponent(char);
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
