// Request and draft message shapes exactly as the cascade hands them to checkQuality;
// used by the replay harness (a dataset row becomes a request and a draft) and the tests.
import type { AssistantMessage, ContentBlock, Message, MessagesRequest } from '../types';

export function draftMessage(content: string | ContentBlock[], stopReason: string | null = 'end_turn'): AssistantMessage {
  return {
    id: 'msg_draft',
    type: 'message',
    role: 'assistant',
    model: 'draft',
    content: typeof content === 'string' ? [{ type: 'text', text: content }] : content,
    stop_reason: stopReason,
    usage: { input_tokens: 0, output_tokens: 0 },
  };
}

export function requestFor(messages: string | Message[], extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    messages: typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages,
    ...extra,
  };
}
