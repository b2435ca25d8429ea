// The body of POST /v1/chat/completions as a Messages request, and how its answer is to be
// shown. Every option is translated, accepted where it only tunes OpenAI's own service, or
// refused with a 400 that names it: none is dropped without a word.
import { BUDGET_BY_EFFORT, MIN_THINKING_BUDGET } from '../models/adapt-request';
import { capabilitiesOf, effortFor, type EffortLevel, type ModelCapabilities } from '../models/capabilities';
import type { MessagesRequest } from '../wire';
import { ChatRequestError } from './errors';
import { continuesToolLoop, translateMessages } from './messages';
import { responseFormatTool, translateToolChoice, translateTools } from './tools';
import type { ChatRequest } from './wire';

/** What the answer's translation needs to know of the request. */
export interface ChatView {
  /** `stream_options.include_usage`: a last chunk carries the usage. */
  includeUsage: boolean;
  /** The forced tool standing for `response_format`: its input is the answer's content. */
  jsonTool: string | null;
}

export interface TranslatedRequest {
  request: MessagesRequest;
  view: ChatView;
}

/** Without max_tokens or max_completion_tokens (Anthropic requires one): this, or the model's maximum if lower. */
export const DEFAULT_MAX_TOKENS = 16_384;

const TRANSLATED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
  'safety_identifier',
  'reasoning_effort',
  'response_format',
]);

/** Labels of stored completions and hints to OpenAI's prompt cache: nothing Anthropic models act on, nothing the answer depends on. */
const NO_EFFECT = new Set(['metadata', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options']);

const isNull = (v: unknown) => v === null;
const zeroOrNull = (v: unknown) => v === null || v === 0;

/** Options Anthropic models cannot honour: accepted at their neutral value only, else a 400 saying why. */
const NEUTRAL_ONLY: Record<string, { neutral: (value: unknown) => boolean; why: string }> = {
  n: { neutral: (v) => v === null || v === 1, why: 'one choice per request is returned; send separate requests' },
  logprobs: { neutral: (v) => v === null || v === false, why: 'Anthropic models do not return log probabilities' },
  top_logprobs: { neutral: zeroOrNull, why: 'Anthropic models do not return log probabilities' },
  logit_bias: { neutral: (v) => v === null || (typeof v === 'object' && Object.keys(v).length === 0), why: 'Anthropic models take no token biases' },
  frequency_penalty: { neutral: zeroOrNull, why: 'Anthropic models have no frequency penalty' },
  presence_penalty: { neutral: zeroOrNull, why: 'Anthropic models have no presence penalty' },
  seed: { neutral: isNull, why: 'Anthropic models have no seeded sampling' },
  audio: { neutral: isNull, why: 'only text output is supported' },
  modalities: { neutral: (v) => v === null || (Array.isArray(v) && v.every((m) => m === 'text')), why: 'only text output is supported' },
  prediction: { neutral: isNull, why: 'predicted outputs are not supported' },
  service_tier: { neutral: (v) => v === null || v === 'auto' || v === 'default', why: 'only "auto" and "default" are supported' },
  store: { neutral: (v) => v === null || v === false, why: 'completions are not stored' },
  functions: { neutral: isNull, why: 'the deprecated functions API is not supported; send tools' },
  function_call: { neutral: isNull, why: 'the deprecated functions API is not supported; send tool_choice' },
  web_search_options: { neutral: isNull, why: 'web search is not supported' },
  verbosity: { neutral: isNull, why: 'Anthropic models have no verbosity setting' },
  moderation: { neutral: isNull, why: 'moderation is not supported' },
};

/** OpenAI's reasoning efforts as Anthropic's (`minimal` is the lowest Anthropic has; `none` means no thinking). */
const EFFORTS: Record<string, EffortLevel | null> = { none: null, minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'max' };

export function translateRequest(body: unknown): TranslatedRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ChatRequestError('The request body must be a JSON object.', null);
  const chat = body as ChatRequest;
  checkOptions(chat);
  if (typeof chat.model !== 'string' || !chat.model) throw new ChatRequestError('model must be a model id, e.g. claude-sonnet-4-6.', 'model');
  if (!Array.isArray(chat.messages) || !chat.messages.length) throw new ChatRequestError('messages must be a non-empty array.', 'messages');
  const caps = capabilitiesOf(chat.model);
  const { system, messages } = translateMessages(chat.messages);
  const request: MessagesRequest = { model: chat.model, messages, max_tokens: maxTokens(chat, caps) };
  if (system.length) request.system = system;
  if (chat.temperature != null) request.temperature = unitInterval(chat.temperature, 'temperature');
  if (chat.top_p != null) request.top_p = unitInterval(chat.top_p, 'top_p');
  const stop = stopSequences(chat.stop);
  if (stop) request.stop_sequences = stop;
  const user = chat.safety_identifier ?? chat.user;
  if (user != null) {
    if (typeof user !== 'string') throw new ChatRequestError('user must be a string.', 'user');
    request.metadata = { user_id: user };
  }
  const tools = translateTools(chat.tools);
  const jsonTool = responseFormatTool(chat.response_format);
  if (jsonTool) {
    if (tools.length || chat.tool_choice != null) {
      throw new ChatRequestError('response_format cannot be combined with tools: it is answered by a forced tool call of its own.', 'response_format');
    }
    if (caps && !caps.forcedToolChoice) {
      throw new ChatRequestError(`response_format needs a forced tool call, which ${chat.model} does not accept; use a model that does (e.g. claude-sonnet-4-6).`, 'response_format');
    }
    request.tools = [jsonTool];
    request.tool_choice = { type: 'tool', name: jsonTool.name };
  } else {
    if (tools.length) request.tools = tools;
    const choice = translateToolChoice(chat.tool_choice, chat.parallel_tool_calls, tools.map((t) => t.name));
    if (choice) request.tool_choice = choice;
  }
  reasoning(chat.reasoning_effort, request, caps, jsonTool !== null);
  if (chat.stream != null && typeof chat.stream !== 'boolean') throw new ChatRequestError('stream must be a boolean.', 'stream');
  if (chat.stream) request.stream = true;
  const includeUsage = (chat.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
  return { request, view: { includeUsage, jsonTool: jsonTool?.name ?? null } };
}

function checkOptions(chat: ChatRequest): void {
  for (const [name, value] of Object.entries(chat)) {
    if (TRANSLATED.has(name) || NO_EFFECT.has(name) || value === undefined) continue;
    const option = NEUTRAL_ONLY[name];
    if (!option) throw new ChatRequestError(`Unrecognized request argument supplied: ${name}`, name, 'unknown_parameter');
    if (!option.neutral(value)) {
      throw new ChatRequestError(`${name} ${JSON.stringify(value)} is not supported: ${option.why}.`, name, 'unsupported_parameter');
    }
  }
}

function maxTokens(chat: ChatRequest, caps: ModelCapabilities | null): number {
  const name = chat.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const given = chat[name];
  if (given == null) return Math.min(DEFAULT_MAX_TOKENS, caps?.maxOutputTokens ?? DEFAULT_MAX_TOKENS);
  if (!Number.isInteger(given) || (given as number) < 1) throw new ChatRequestError(`${name} must be a positive integer.`, name);
  return given as number;
}

/** temperature and top_p: Anthropic models take 0 to 1 (OpenAI's temperature goes to 2). */
function unitInterval(value: unknown, name: string): number {
  if (typeof value !== 'number' || value < 0 || value > 1) {
    throw new ChatRequestError(`${name} ${JSON.stringify(value)} is not supported: Anthropic models take 0 to 1.`, name, 'unsupported_value');
  }
  return value;
}

function stopSequences(stop: unknown): string[] | null {
  if (stop === undefined || stop === null) return null;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw new ChatRequestError('stop must be a string or an array of strings.', 'stop');
  return list.length ? list : null;
}

/**
 * `reasoning_effort` as thinking: adaptive thinking at that effort where the model has it (and
 * for models the capability table does not know yet), else a thinking budget sized by the
 * effort; a model that cannot think refuses it. A request that hands back tool results is
 * answered without thinking: Anthropic expects the turn under way to open with the thinking
 * block it produced, which OpenAI histories do not carry.
 */
function reasoning(effort: unknown, request: MessagesRequest, caps: ModelCapabilities | null, forcedTool: boolean): void {
  if (effort === undefined || effort === null) return;
  if (typeof effort !== 'string' || !(effort in EFFORTS)) {
    throw new ChatRequestError(`reasoning_effort ${JSON.stringify(effort)} is not supported: use one of ${Object.keys(EFFORTS).join(', ')}.`, 'reasoning_effort', 'unsupported_value');
  }
  const level = EFFORTS[effort];
  if (!level) return;
  if (forcedTool) {
    throw new ChatRequestError('reasoning_effort cannot be combined with response_format: Anthropic models do not think during a forced tool call.', 'reasoning_effort');
  }
  if (continuesToolLoop(request.messages)) return;
  if (!caps || caps.adaptiveThinking) {
    request.thinking = { type: 'adaptive' };
    const supported = caps ? effortFor(caps, level) : level;
    if (supported) request.output_config = { effort: supported };
    return;
  }
  if (!caps.extendedThinking) {
    throw new ChatRequestError(`reasoning_effort is not supported on ${request.model}: it cannot think. Leave it unset or use "none".`, 'reasoning_effort', 'unsupported_value');
  }
  const budget = Math.min(BUDGET_BY_EFFORT[level], (request.max_tokens ?? 0) - 1);
  if (budget < MIN_THINKING_BUDGET) {
    throw new ChatRequestError(`reasoning_effort needs max_completion_tokens above ${MIN_THINKING_BUDGET} on ${request.model} (its thinking budget comes out of it).`, 'max_completion_tokens');
  }
  request.thinking = { type: 'enabled', budget_tokens: budget };
}
