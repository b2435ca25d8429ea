// Anthropic server-sent events: incremental parsing of an upstream byte stream and
// serialization in the exact wire form the API uses (`event: X\ndata: {json}\n\n`).
import { createParser } from 'eventsource-parser';
import type { JsonObject } from '../wire';

export interface SseEvent {
  /** The `event:` field (`message_start`, `content_block_delta`, `ping`, `error`, …). */
  type: string;
  data: JsonObject;
}

/** Feeds raw bytes in; calls `onEvent` for every complete event, `onInvalid` for undecodable data. */
export class SseDecoder {
  private readonly text = new TextDecoder();
  private readonly parser;

  constructor(onEvent: (event: SseEvent) => void, onInvalid: (reason: string) => void) {
    this.parser = createParser({
      onEvent: (message) => {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          onInvalid(`invalid JSON in ${message.event ?? 'message'} event`);
          return;
        }
        if (!data || typeof data !== 'object') {
          onInvalid(`non-object data in ${message.event ?? 'message'} event`);
          return;
        }
        const record = data as JsonObject;
        onEvent({ type: message.event ?? String(record.type ?? 'message'), data: record });
      },
    });
  }

  push(chunk: Uint8Array): void {
    this.parser.feed(this.text.decode(chunk, { stream: true }));
  }
}

export function formatSse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
