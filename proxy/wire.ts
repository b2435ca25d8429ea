// Anthropic Messages API wire types, as the request path reads them. Deliberately loose:
// unknown fields must survive untouched. (Shapes shared with the UIs live in contracts/.)
import type { Usage } from '../contracts/decision';

export type JsonObject = Record<string, unknown>;

/** A content block as sent or received; only `type` is guaranteed. */
export interface ContentBlock {
  type: string;
  [key: string]: unknown;
}

export interface TextBlock extends ContentBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock extends ContentBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export function isToolUse(block: ContentBlock): block is ToolUseBlock {
  return block.type === 'tool_use';
}

export interface Message {
  /** Claude Code may send `system` messages inside `messages`, so the role is open. */
  role: 'user' | 'assistant' | (string & {});
  content: string | ContentBlock[];
  [key: string]: unknown;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  input_schema?: JsonObject;
  /** Server tools (web_search, bash_…) carry a `type` and no schema. */
  type?: string;
  [key: string]: unknown;
}

/** Body of POST /v1/messages. Unknown fields are kept and forwarded. */
export interface MessagesRequest {
  model: string;
  messages: Message[];
  max_tokens?: number;
  system?: string | ContentBlock[];
  tools?: ToolDefinition[];
  tool_choice?: JsonObject;
  stream?: boolean;
  thinking?: JsonObject;
  [key: string]: unknown;
}

/** A complete (or, while streaming, partially assembled) assistant message. */
export interface AssistantMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage: Usage;
  [key: string]: unknown;
}
