// Rebuilds the assistant message from its stream events, as the SDK does, so the quality
// checker can look at a partial draft and the accounting can read the final usage.
import type { AssistantMessage, ContentBlock, JsonObject } from '../wire';
import type { Failure, FailureKind, Usage } from '../../contracts/decision';
import type { SseEvent } from './events';

export class MessageAssembler {
  message: AssistantMessage | null = null;
  /** Set by `message_stop`: the stream is complete. */
  done = false;
  /** Set by an `error` event or a malformed sequence. */
  error: Failure | null = null;
  /** Accumulated `input_json_delta` text per block index. */
  private readonly partialJson = new Map<number, string>();

  /** Applies one event; returns the index of a block that just finished, if any. */
  apply(event: SseEvent): number | null {
    const { data } = event;
    switch (event.type) {
      case 'message_start': {
        const start = data.message as AssistantMessage | undefined;
        if (!start) return this.fail('message_start without message');
        this.message = { ...start, content: [...(start.content ?? [])], usage: { ...start.usage } };
        return null;
      }
      case 'content_block_start': {
        const msg = this.require();
        if (!msg) return null;
        msg.content[data.index as number] = { ...(data.content_block as ContentBlock) };
        return null;
      }
      case 'content_block_delta':
        this.applyDelta(data.index as number, data.delta as JsonObject);
        return null;
      case 'content_block_stop': {
        const index = data.index as number;
        const json = this.partialJson.get(index);
        if (json !== undefined) {
          this.partialJson.delete(index);
          const block = this.message?.content[index];
          try {
            if (block) block.input = json === '' ? {} : JSON.parse(json);
          } catch {
            return this.fail(`tool input of block ${index} is not valid JSON`);
          }
        }
        return index;
      }
      case 'message_delta': {
        const msg = this.require();
        if (!msg) return null;
        const delta = (data.delta ?? {}) as JsonObject;
        if ('stop_reason' in delta) msg.stop_reason = delta.stop_reason as string | null;
        if ('stop_sequence' in delta) msg.stop_sequence = delta.stop_sequence as string | null;
        msg.usage = mergeUsage(msg.usage, data.usage as Usage | undefined);
        return null;
      }
      case 'message_stop':
        this.done = true;
        return null;
      case 'error': {
        const err = data.error as JsonObject | undefined;
        return this.fail(`${String(err?.type ?? 'error')}: ${String(err?.message ?? 'stream error')}`, 'error_event');
      }
      default:
        return null; // ping and future event types
    }
  }

  private applyDelta(index: number, delta: JsonObject): void {
    const block = this.message?.content[index];
    if (!block) {
      this.fail(`delta for unknown block ${index}`);
      return;
    }
    switch (delta.type) {
      case 'text_delta':
        block.text = String(block.text ?? '') + String(delta.text ?? '');
        break;
      case 'input_json_delta':
        this.partialJson.set(index, (this.partialJson.get(index) ?? '') + String(delta.partial_json ?? ''));
        break;
      case 'thinking_delta':
        block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        break;
      case 'signature_delta':
        block.signature = String(delta.signature ?? '');
        break;
      case 'citations_delta':
        block.citations = [...((block.citations as unknown[]) ?? []), delta.citation];
        break;
    }
  }

  private require(): AssistantMessage | null {
    if (!this.message) this.fail('event before message_start');
    return this.message;
  }

  /** Malformed sequences are invalid responses; an upstream `error` event is its own kind. */
  fail(reason: string, kind: FailureKind = 'invalid_response'): null {
    this.error ??= { kind, message: reason };
    return null;
  }
}

/** `message_delta` usage is cumulative; fields it omits or reports as null keep their start value. */
function mergeUsage(base: Usage, update: Usage | undefined): Usage {
  if (!update) return base;
  const merged: Usage = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}
