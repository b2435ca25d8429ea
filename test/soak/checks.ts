// What the soak tests hold every response to: a well-formed Anthropic event stream, an
// Anthropic-shaped error (OpenAI-shaped on the OpenAI edge), and the scale of a run (a short
// version in CI, the full one under `npm run soak`, which sets SOAK=full).
import http from 'node:http';

export const FULL = process.env.SOAK === 'full';

/** `ci` cases in the test suite, `full` under `npm run soak`. */
export const scaled = (ci: number, full: number): number => (FULL ? full : ci);

export interface SseEvent {
  event: string;
  data: string;
}

/** Events of an SSE body (LF or CRLF lines); comments and blank data skipped. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

/** The text of every text_delta, in order. */
export function streamedText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => JSON.parse(e.data) as { delta: { type: string; text?: string } })
    .map((d) => (d.delta.type === 'text_delta' ? (d.delta.text ?? '') : ''))
    .join('');
}

/**
 * Null when the stream is well-formed: every data line is JSON whose `type` is its event's
 * name, it starts with message_start and ends with message_stop, or it ends with an `error`
 * event (an upstream failure mid-stream, or an error before anything was sent).
 */
export function streamProblem(text: string): string | null {
  const events = parseSse(text);
  if (events.length === 0) return 'no events';
  for (const { event, data } of events) {
    let type: unknown;
    try {
      type = (JSON.parse(data) as { type?: unknown }).type;
    } catch {
      return `event ${event} carries data that is not JSON`;
    }
    if (type !== event) return `event ${event} carries type ${String(type)}`;
  }
  const last = events.at(-1)!.event;
  if (last === 'error') return errorProblem(events.at(-1)!.data);
  if (events[0].event !== 'message_start') return `starts with ${events[0].event}`;
  if (last !== 'message_stop') return `ends with ${last}`;
  return null;
}

/** Null when `body` is `{"type":"error","error":{"type","message"}}`. */
export function errorProblem(body: string): string | null {
  try {
    const json = JSON.parse(body) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    if (json.type === 'error' && typeof json.error?.type === 'string' && typeof json.error.message === 'string') return null;
  } catch {
    // reported below
  }
  return `not an Anthropic-shaped error: ${body.slice(0, 200)}`;
}

/** Null when `body` is OpenAI's `{"error":{"message","type"}}`. */
export function openAiErrorProblem(body: string): string | null {
  try {
    const json = JSON.parse(body) as { error?: { type?: unknown; message?: unknown } };
    if (typeof json.error?.type === 'string' && typeof json.error.message === 'string') return null;
  } catch {
    // reported below
  }
  return `not an OpenAI-shaped error: ${body.slice(0, 200)}`;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** One request over a fresh connection, as bytes; rejects on a socket error or after `timeoutMs`. */
export function send(base: string, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) },
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
