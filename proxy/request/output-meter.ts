// What a stream cut off before its end is billed for, as far as the proxy can tell. The
// upstream reports the input (and ~1 output token) in message_start and the real output only
// in the final message_delta; a call aborted before it (a draft stopped early, a client that
// went away, a broken stream) would otherwise be costed at 1 output token.
import type { SseEvent } from '../sse/events';
import type { Usage } from '../../contracts/decision';

/** Rough size of a token of streamed output (Claude's tokenizers: ~3–4 characters). */
export const CHARS_PER_TOKEN = 3.5;

export interface MeteredUsage {
  usage: Usage | null;
  /** `usage.output_tokens` is an estimate from the streamed output (a lower bound). */
  estimated: boolean;
}

export class OutputMeter {
  private chars = 0;
  private finalUsage = false;

  observe(event: SseEvent): void {
    if (event.type === 'message_delta') this.finalUsage = true;
    if (event.type !== 'content_block_delta') return;
    const delta = event.data.delta as { text?: string; partial_json?: string; thinking?: string } | undefined;
    this.chars += (delta?.text ?? delta?.partial_json ?? delta?.thinking ?? '').length;
  }

  /**
   * The reported usage, with the output estimated from the streamed characters when the final
   * usage never arrived and the estimate is more. Thinking the upstream did not stream (display
   * "omitted") is not counted.
   */
  usage(reported: Usage | null): MeteredUsage {
    const estimate = Math.ceil(this.chars / CHARS_PER_TOKEN);
    if (!reported || this.finalUsage || estimate <= (reported.output_tokens ?? 0)) return { usage: reported, estimated: false };
    return { usage: { ...reported, output_tokens: estimate }, estimated: true };
  }
}
