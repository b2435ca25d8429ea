// Anthropic stream events as OpenAI `chat.completion.chunk` frames: the role first, text as
// `delta.content`, each tool call as `delta.tool_calls` (index, id and name once, then its
// arguments in pieces), the finish reason, the usage chunk when asked for, then `[DONE]`. An
// `error` event becomes OpenAI's error event (`data: {"error":…}`), and nothing follows it.
import { MessageAssembler } from '../sse/assemble';
import type { SseEvent } from '../sse/events';
import type { AssistantMessage, ContentBlock } from '../wire';
import { chatError, clientStatus, translateErrorEvent } from './errors';
import type { ChatView } from './request';
import { chatUsage, finishReason } from './response';
import type { ChatCompletionChunk, ChatDelta, FinishReason } from './wire';

export const DONE = 'data: [DONE]\n\n';

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export class ChunkTranslator {
  /** Tracks the cumulative usage (message_start's input, message_delta's totals). */
  private readonly assembler = new MessageAssembler();
  private id = '';
  private model = '';
  /** Anthropic block index -> OpenAI tool call index (0, 1, ... in call order). */
  private readonly toolCalls = new Map<number, number>();
  private jsonBlock: number | null = null;
  private jsonStreamed = false;
  /** The stream is over for the client: `[DONE]` or an error event went out. */
  finished = false;

  constructor(
    private readonly view: ChatView,
    private readonly created: number,
  ) {}

  /** The frames for one Anthropic event (none for pings, thinking and block bookkeeping). */
  translate(event: SseEvent): string[] {
    if (this.finished) return [];
    this.assembler.apply(event);
    const index = event.data.index as number;
    switch (event.type) {
      case 'message_start': {
        const message = event.data.message as AssistantMessage;
        this.id = message.id;
        this.model = message.model;
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start':
        return this.blockStart(index, event.data.content_block as ContentBlock);
      case 'content_block_delta':
        return this.delta(index, event.data.delta as { type?: string; text?: string; partial_json?: string });
      case 'content_block_stop':
        // A response_format call with no input at all still answers with a JSON object.
        return index === this.jsonBlock && !this.jsonStreamed ? [this.chunk({ content: '{}' })] : [];
      case 'message_delta': {
        const delta = event.data.delta as { stop_reason?: string | null } | undefined;
        return [this.chunk({}, finishReason(delta?.stop_reason, this.view))];
      }
      case 'message_stop': {
        this.finished = true;
        const usage = this.view.includeUsage ? [frame({ ...this.base(), choices: [], usage: chatUsage(this.assembler.message?.usage) })] : [];
        return [...usage, DONE];
      }
      case 'error':
        this.finished = true;
        return [frame(translateErrorEvent(event.data))];
      default:
        return [];
    }
  }

  /** The proxy's own error inside the stream, or nothing once the stream is over. */
  error(status: number, message: string): string {
    if (this.finished) return '';
    this.finished = true;
    return frame(chatError(clientStatus(status), message));
  }

  private blockStart(index: number, block: ContentBlock): string[] {
    if (block.type === 'tool_use' && block.name === this.view.jsonTool) {
      this.jsonBlock = index;
      return [];
    }
    if (block.type === 'tool_use') {
      const call = this.toolCalls.size;
      this.toolCalls.set(index, call);
      const name = String(block.name);
      return [this.chunk({ tool_calls: [{ index: call, id: String(block.id), type: 'function', function: { name, arguments: '' } }] })];
    }
    return this.showsText && block.type === 'text' && block.text ? [this.chunk({ content: String(block.text) })] : [];
  }

  /** With response_format the answer is the forced call's input alone, as in the JSON answer. */
  private get showsText(): boolean {
    return this.view.jsonTool === null;
  }

  private delta(index: number, delta: { type?: string; text?: string; partial_json?: string }): string[] {
    if (delta.type === 'text_delta' && delta.text) return this.showsText ? [this.chunk({ content: delta.text })] : [];
    if (delta.type !== 'input_json_delta' || !delta.partial_json) return [];
    if (index === this.jsonBlock) {
      this.jsonStreamed = true;
      return [this.chunk({ content: delta.partial_json })];
    }
    const call = this.toolCalls.get(index);
    return call === undefined ? [] : [this.chunk({ tool_calls: [{ index: call, function: { arguments: delta.partial_json } }] })];
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }

  private chunk(delta: ChatDelta, finish: FinishReason | null = null): string {
    const chunk: ChatCompletionChunk = { ...this.base(), choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
    if (this.view.includeUsage) chunk.usage = null;
    return frame(chunk);
  }
}
