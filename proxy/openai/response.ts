// An Anthropic answer in OpenAI's shapes: the message as a chat completion, its stop reason as
// a finish reason, its usage with the cached prompt tokens. Thinking blocks are not shown
// (Chat Completions has no field for them); their tokens count in completion_tokens.
import type { Usage } from '../../contracts/decision';
import type { AssistantMessage } from '../wire';
import type { ChatView } from './request';
import type { ChatCompletion, ChatToolCall, ChatUsage, FinishReason } from './wire';

/** Prompt tokens are every input token, read from or written to the cache or not; cached_tokens are the reads. */
export function chatUsage(usage: Usage | null | undefined): ChatUsage {
  const cached = usage?.cache_read_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + cached + (usage?.cache_creation_input_tokens ?? 0);
  const completion = usage?.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } };
}

export function finishReason(stopReason: string | null | undefined, view: ChatView): FinishReason | null {
  switch (stopReason) {
    case null:
    case undefined:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      // The response_format tool's call is the answer itself.
      return view.jsonTool ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn
      return 'stop';
  }
}

/** Seconds since the epoch, as OpenAI's `created`. */
export function createdNow(): number {
  return Math.floor(Date.now() / 1000);
}

export function chatCompletion(message: AssistantMessage, view: ChatView, created: number): ChatCompletion {
  let text = '';
  const toolCalls: ChatToolCall[] = [];
  for (const block of message.content) {
    // With response_format the answer is the forced call's input alone (Anthropic writes no text before a forced call).
    if (block.type === 'text' && !view.jsonTool) text += String(block.text ?? '');
    else if (block.type === 'tool_use' && block.name === view.jsonTool) text += JSON.stringify(block.input ?? {});
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || (toolCalls.length ? null : ''),
          refusal: null,
          ...(toolCalls.length && { tool_calls: toolCalls }),
        },
        finish_reason: finishReason(message.stop_reason, view),
        logprobs: null,
      },
    ],
    usage: chatUsage(message.usage),
  };
}
