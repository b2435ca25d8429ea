// The client's response for an OpenAI client: the request path writes the Anthropic answer
// (headers, then the JSON body or the SSE bytes as they arrive, or its own error), and this
// translates on the way out. A stream is translated event by event, never buffered; a JSON
// answer is whole before its headers go out, as on /v1/messages. Only what the request path
// sends the client passes here, so a rejected draft never reaches an OpenAI client either.
import type { OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import { ClientResponse } from '../http/client-response';
import { SSE_HEADERS } from '../http/sse-writer';
import { SseDecoder } from '../sse/events';
import type { AssistantMessage } from '../wire';
import { chatError, clientStatus, sendChatError, translateErrorResponse } from './errors';
import type { ChatView } from './request';
import { chatCompletion, createdNow } from './response';
import { ChunkTranslator } from './stream';

interface Stream {
  translator: ChunkTranslator;
  decoder: SseDecoder;
  /** Frames translated from the bytes pushed so far, not yet written. */
  frames: string[];
}

export class ChatClientResponse extends ClientResponse {
  private stream: Stream | null = null;
  /** A JSON answer: its status and headers wait for the whole body. */
  private json: { status: number; headers: OutgoingHttpHeaders; chunks: Buffer[] } | null = null;

  constructor(
    res: Response,
    startedAt: number,
    private readonly view: ChatView,
  ) {
    super(res, startedAt);
  }

  override head(status: number, headers: OutgoingHttpHeaders): void {
    // The body changes, so neither its length nor its type carries over.
    const { 'content-length': _length, 'content-type': type, ...kept } = headers;
    if (status < 400 && String(type ?? '').includes('text/event-stream')) {
      const translator = new ChunkTranslator(this.view, createdNow());
      const frames: string[] = [];
      // Undecodable data is the relay's to report (it fails the stream): nothing to translate.
      const decoder = new SseDecoder((event) => frames.push(...translator.translate(event)), () => {});
      this.stream = { translator, decoder, frames };
      super.head(status, { ...kept, 'content-type': SSE_HEADERS['content-type'], 'cache-control': SSE_HEADERS['cache-control'] });
    } else {
      this.json = { status, headers: kept, chunks: [] };
    }
  }

  override async write(chunk: Buffer | string): Promise<void> {
    if (this.json) this.json.chunks.push(Buffer.from(chunk));
    else if (this.stream) {
      const frames = this.translate(chunk);
      if (frames) await super.write(frames);
    } else await super.write(chunk);
  }

  override end(chunk?: Buffer | string): void {
    if (this.json) {
      if (chunk !== undefined) this.json.chunks.push(Buffer.from(chunk));
      this.endJson();
    } else if (this.stream && chunk !== undefined) {
      super.end(this.translate(chunk));
    } else super.end(chunk);
  }

  /** The proxy's own error: OpenAI's error body while nothing was sent, an error event inside a stream. */
  override async fail(status: number, message: string): Promise<void> {
    if (!this.open) return;
    this.json = null;
    if (!this.headersSent) return this.lastError(clientStatus(status), () => sendChatError(this.res, status, message));
    super.end(this.stream?.translator.error(status, message));
  }

  private translate(chunk: Buffer | string): string {
    const { decoder, frames } = this.stream!;
    decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return frames.splice(0).join('');
  }

  private endJson(): void {
    const { status, headers, chunks } = this.json!;
    this.json = null;
    const text = Buffer.concat(chunks).toString('utf8');
    const answer = status >= 400 ? translateErrorResponse(status, text) : completion(text, this.view, status);
    const body = JSON.stringify(answer.body);
    super.head(answer.status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    super.end(body);
  }
}

function completion(text: string, view: ChatView, status: number): { status: number; body: unknown } {
  let message: AssistantMessage | null = null;
  try {
    message = JSON.parse(text) as AssistantMessage;
  } catch {
    // reported below
  }
  if (message?.type !== 'message' || !Array.isArray(message.content)) {
    return { status: 502, body: chatError(502, 'The upstream answer was not a valid message.') };
  }
  return { status, body: chatCompletion(message, view, createdNow()) };
}
