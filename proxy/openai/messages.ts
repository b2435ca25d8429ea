// OpenAI `messages` as Anthropic `system` and `messages`. System and developer messages are
// hoisted into `system`, in order (Anthropic takes one system prompt at the start); user text
// and images become content blocks; assistant `tool_calls` become `tool_use` blocks and `tool`
// messages `tool_result` blocks, ids unchanged; consecutive turns of one role share one message
// (the results of parallel calls answer them in one user turn, as Anthropic expects).
import type { ContentBlock, Message } from '../wire';
import { ChatRequestError } from './errors';
import type { ChatContentPart, ChatMessage, ChatToolCall } from './wire';

export interface Conversation {
  system: ContentBlock[];
  messages: Message[];
}

export function translateMessages(messages: unknown[]): Conversation {
  const system: ContentBlock[] = [];
  const out: Message[] = [];
  messages.forEach((entry, i) => {
    const at = `messages[${i}]`;
    if (!entry || typeof entry !== 'object') throw new ChatRequestError(`${at} must be an object.`, at);
    const message = entry as ChatMessage;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content, at));
        break;
      case 'user':
        append(out, 'user', userBlocks(message.content, at));
        break;
      case 'assistant':
        append(out, 'assistant', assistantBlocks(message, at));
        break;
      case 'tool':
        append(out, 'user', [toolResult(message, at)]);
        break;
      case 'function':
        throw new ChatRequestError(`${at}: role "function" belongs to the deprecated functions API; send "tool" messages.`, `${at}.role`);
      default:
        throw new ChatRequestError(`${at}.role: unknown role ${JSON.stringify(message.role)}.`, `${at}.role`);
    }
  });
  return { system, messages: out };
}

/** True when the request hands back tool results: the assistant's turn is still under way. */
export function continuesToolLoop(messages: Message[]): boolean {
  const last = messages.at(-1);
  return last?.role === 'user' && Array.isArray(last.content) && last.content.some((b) => b.type === 'tool_result');
}

function append(out: Message[], role: 'user' | 'assistant', blocks: ContentBlock[]): void {
  // An assistant turn with neither text nor calls says nothing, and Anthropic refuses empty content.
  if (!blocks.length) return;
  const last = out.at(-1);
  if (last?.role === role) last.content = [...(last.content as ContentBlock[]), ...blocks];
  else out.push({ role, content: blocks });
}

/** `cache_control` on a part (as OpenRouter-style clients send it) keeps its prompt-cache breakpoint. */
function withCacheControl(block: ContentBlock, part: ChatContentPart): ContentBlock {
  return part.cache_control === undefined ? block : { ...block, cache_control: part.cache_control };
}

function parts(content: ChatMessage['content'], at: string): ChatContentPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw new ChatRequestError(`${at}.content must be a string or an array of content parts.`, `${at}.content`);
  return content.map((part, j) => {
    if (!part || typeof part !== 'object' || typeof part.type !== 'string') {
      throw new ChatRequestError(`${at}.content[${j}] must be a content part with a type.`, `${at}.content[${j}]`);
    }
    return part;
  });
}

function textBlock(part: ChatContentPart, at: string): ContentBlock {
  if (typeof part.text !== 'string') throw new ChatRequestError(`${at}.text must be a string.`, `${at}.text`);
  return withCacheControl({ type: 'text', text: part.text }, part);
}

function textBlocks(content: ChatMessage['content'], at: string): ContentBlock[] {
  return parts(content, at).map((part, j) => {
    if (part.type !== 'text') throw new ChatRequestError(`${at}.content[${j}]: only text parts are allowed here, not "${part.type}".`, `${at}.content[${j}].type`);
    return textBlock(part, `${at}.content[${j}]`);
  });
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(part: ChatContentPart, at: string): ContentBlock {
  const url = part.image_url?.url;
  if (typeof url !== 'string') throw new ChatRequestError(`${at}.image_url.url must be a string.`, `${at}.image_url.url`);
  const data = DATA_URL.exec(url);
  if (data) return withCacheControl({ type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } }, part);
  if (/^https?:\/\//i.test(url)) return withCacheControl({ type: 'image', source: { type: 'url', url } }, part);
  throw new ChatRequestError(`${at}.image_url.url must be a base64 data URL or an http(s) URL.`, `${at}.image_url.url`);
}

function userBlocks(content: ChatMessage['content'], at: string): ContentBlock[] {
  return parts(content, at).map((part, j) => {
    const where = `${at}.content[${j}]`;
    if (part.type === 'text') return textBlock(part, where);
    if (part.type === 'image_url') return imageBlock(part, where);
    const what = part.type === 'input_audio' ? 'Audio input' : part.type === 'file' ? 'File input' : `Content part "${part.type}"`;
    throw new ChatRequestError(`${where}: ${what} is not supported; send text and images.`, `${where}.type`);
  });
}

function assistantBlocks(message: ChatMessage, at: string): ContentBlock[] {
  if (message.function_call != null) {
    throw new ChatRequestError(`${at}.function_call belongs to the deprecated functions API; send tool_calls.`, `${at}.function_call`);
  }
  if (message.audio != null) throw new ChatRequestError(`${at}.audio: audio is not supported.`, `${at}.audio`);
  const blocks: ContentBlock[] = [];
  parts(message.content, at).forEach((part, j) => {
    const where = `${at}.content[${j}]`;
    if (part.type === 'refusal') {
      if (part.refusal) blocks.push({ type: 'text', text: String(part.refusal) });
    } else if (part.type === 'text') {
      if (part.text) blocks.push(textBlock(part, where));
    } else {
      throw new ChatRequestError(`${where}: assistant content parts are text or refusal, not "${part.type}".`, `${where}.type`);
    }
  });
  const calls = message.tool_calls ?? [];
  if (!Array.isArray(calls)) throw new ChatRequestError(`${at}.tool_calls must be an array.`, `${at}.tool_calls`);
  calls.forEach((call, j) => blocks.push(toolUse(call, `${at}.tool_calls[${j}]`)));
  return blocks;
}

function toolUse(call: ChatToolCall | null, at: string): ContentBlock {
  if (call?.type !== 'function' || typeof call.function?.name !== 'string') {
    throw new ChatRequestError(`${at} must be a function call with a name.`, at);
  }
  if (typeof call.id !== 'string' || !call.id) throw new ChatRequestError(`${at}.id must be a non-empty string.`, `${at}.id`);
  const args: unknown = call.function.arguments ?? '';
  let input: unknown;
  try {
    input = typeof args !== 'string' ? null : args.trim() === '' ? {} : JSON.parse(args);
  } catch {
    throw new ChatRequestError(`${at}.function.arguments is not valid JSON.`, `${at}.function.arguments`);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new ChatRequestError(`${at}.function.arguments must be a JSON object.`, `${at}.function.arguments`);
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input };
}

function toolResult(message: ChatMessage, at: string): ContentBlock {
  if (typeof message.tool_call_id !== 'string' || !message.tool_call_id) {
    throw new ChatRequestError(`${at}.tool_call_id must be the id of the call this message answers.`, `${at}.tool_call_id`);
  }
  const content = typeof message.content === 'string' ? message.content : textBlocks(message.content, at);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}
