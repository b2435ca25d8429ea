// OpenAI Chat Completions wire types, as the edge reads and writes them. Loose on the way in
// (the translation checks every field it uses); exact on the way out, in the shapes OpenAI's
// own SDKs parse.
export interface ChatContentPart {
  type: string;
  text?: string;
  refusal?: string;
  image_url?: { url?: unknown; detail?: unknown };
  [key: string]: unknown;
}

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One entry of `messages`; fields depend on the role. */
export interface ChatMessage {
  role: string;
  content?: string | ChatContentPart[] | null;
  tool_calls?: ChatToolCall[] | null;
  tool_call_id?: string;
  [key: string]: unknown;
}

/** Body of POST /v1/chat/completions; unknown fields are refused by name. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  [key: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: ChatToolCall[] };
    finish_reason: FinishReason | null;
    logprobs: null;
  }>;
  usage: ChatUsage;
}

/** A streamed tool call: `id`, `type` and the name arrive once, then `arguments` in pieces. */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string;
  tool_calls?: ChatToolCallDelta[];
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: 0; delta: ChatDelta; finish_reason: FinishReason | null; logprobs: null }>;
  /** With `stream_options.include_usage`: null on every chunk but the last, whose `choices` is empty. */
  usage?: ChatUsage | null;
}

/** `{"error":{…}}`, OpenAI's error body (and the data of an error event inside a stream). */
export interface ChatErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
