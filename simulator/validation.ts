// The request shape the real Messages API insists on, so a client (or the proxy) that sends
// what the API would refuse gets the API's 400 `invalid_request_error` here too, worded as the
// API words it. Only what the API refuses: consecutive turns of one role are merged by the API
// and an assistant first turn is accepted, so neither is refused; `max_tokens: 0` is valid (it
// fills the prompt cache). What a model accepts (thinking, effort, betas…) is checked by the
// server against the capability table. Content blocks are not inspected. Pure.

const ROLES = ['user', 'assistant', 'system'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why the API would refuse this body, in its words; null when the shape is fine. */
export function requestProblem(body: unknown, endpoint: 'messages' | 'count_tokens'): string | null {
  if (!isObject(body)) return 'body: expected a JSON object';
  if (body.model === undefined) return 'model: Field required';
  if (typeof body.model !== 'string' || !body.model) return 'model: Input should be a valid string';
  if (endpoint === 'messages') {
    const maxTokens = body.max_tokens;
    if (maxTokens === undefined) return 'max_tokens: Field required';
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) return 'max_tokens: Input should be a valid integer';
    if (maxTokens < 0) return 'max_tokens: Input should be greater than or equal to 0';
  }
  const messages = body.messages;
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages.${i}: Input should be a valid dictionary`;
    if (!ROLES.includes(message.role as string)) return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const content = message.content;
    if (content === undefined) return `messages.${i}.content: Field required`;
    if (typeof content !== 'string' && !Array.isArray(content)) return `messages.${i}.content: Input should be a valid string or a list of content blocks`;
    // Claude Code's mid-conversation system messages may carry settings and no content.
    const finalAssistant = message.role === 'assistant' && i === messages.length - 1;
    if (content.length === 0 && message.role !== 'system' && !finalAssistant) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
  }
  return null;
}
