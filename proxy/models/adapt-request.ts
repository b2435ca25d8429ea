// Adapts the client's request to the model that will answer it: the draft model (minus
// what it would reject) or a verifier whose history holds thinking blocks another model
// signed. Everything not named here is forwarded as the client sent it.
import type { ContentBlock, JsonObject, Message, MessagesRequest } from '../wire';
import { acceptsBeta, capabilitiesOf, effortFor, TOOL_SEARCH_BETA, type ModelCapabilities } from './capabilities';
import { SignatureRegistry } from './signatures';

export interface DraftRequest {
  body: MessagesRequest;
  /** The `anthropic-beta` header for the draft call (undefined: send none). */
  beta: string | undefined;
  /** Why the draft model cannot answer this request at all (then no draft is made). */
  unsupported?: string;
}

/** Thinking budget standing in for adaptive thinking, by requested effort. */
export const BUDGET_BY_EFFORT: Record<string, number> = { low: 1_024, medium: 4_096, high: 8_192, xhigh: 12_000, max: 16_000 };
/** Sampling parameters newer models refuse (any non-default value is a 400). */
const SAMPLING_PARAMS = ['temperature', 'top_p', 'top_k'] as const;
export const MIN_THINKING_BUDGET = 1_024;

export function buildDraftRequest(
  request: MessagesRequest,
  betaHeader: string | undefined,
  draftModel: string,
  signatures: SignatureRegistry,
): DraftRequest {
  const body: MessagesRequest = { ...request, model: draftModel };
  const caps = capabilitiesOf(draftModel);
  if (!caps) return { body, beta: betaHeader };

  if (typeof body.max_tokens === 'number' && body.max_tokens > caps.maxOutputTokens) {
    body.max_tokens = caps.maxOutputTokens;
  }
  const effort = adaptOutputConfig(body, caps);
  const strippedThinking = stripForeignThinking(body, draftModel, signatures);
  adaptThinking(body, caps, effort, strippedThinking);
  if (!caps.contextManagement) delete body.context_management;
  if (!caps.samplingParams) for (const param of SAMPLING_PARAMS) delete body[param];
  const systemProblem = caps.systemMessages ? null : inlineSystemMessages(body);
  // Without tool search, deferred tools are invisible to the model anyway: leave them out.
  if (!acceptsBeta(caps, TOOL_SEARCH_BETA) && body.tools?.some((t) => t.defer_loading)) {
    body.tools = body.tools.filter((t) => !t.defer_loading);
  }

  const beta = betaHeader
    ?.split(',')
    .map((b) => b.trim())
    .filter((b) => b && acceptsBeta(caps, b))
    .join(',');
  const draft: DraftRequest = { body, beta: beta || undefined };
  // Neither a forced tool nor a prefill can be relaxed without changing what the client asked for.
  const choice = body.tool_choice?.type;
  if (systemProblem) {
    draft.unsupported = `${draftModel} ${systemProblem}`;
  } else if ((choice === 'any' || choice === 'tool') && !caps.forcedToolChoice) {
    draft.unsupported = `${draftModel} does not accept tool_choice "${String(choice)}"`;
  } else if (body.messages.at(-1)?.role === 'assistant' && !caps.prefill) {
    draft.unsupported = `${draftModel} does not accept an assistant prefill`;
  }
  return draft;
}

/**
 * The request for the model that answers in the client's place (verifier or passthrough):
 * unchanged (null) unless it is another model than requested, or the history holds
 * thinking blocks the proxy saw another model sign (earlier turns a draft answered).
 * Those are removed, with thinking, since signatures only verify on their own model.
 */
export function buildAnswerRequest(
  request: MessagesRequest,
  model: string,
  signatures: SignatureRegistry,
): MessagesRequest | null {
  const body: MessagesRequest = { ...request, model };
  const stripped = stripForeignThinking(body, model, signatures, true);
  if (stripped) delete body.thinking;
  return stripped || model !== request.model ? body : null;
}

/**
 * The request without any thinking block and without thinking, for a retry after the
 * upstream rejected a signature the proxy could not attribute (signed before a restart).
 * Null when the history holds no thinking block.
 */
export function withoutThinking(request: MessagesRequest): MessagesRequest | null {
  const body: MessagesRequest = { ...request };
  // With an empty registry every block counts as foreign.
  if (!stripForeignThinking(body, request.model, new SignatureRegistry())) return null;
  delete body.thinking;
  return body;
}

/**
 * For a model without mid-conversation system messages: their text joins the neighbouring
 * user turn as a <system-reminder> (as Claude Code tells older models the same things), at its
 * end so tool results stay first; effort-only messages are dropped (the request's own effort
 * applies). Returns what cannot be carried over (tool changes), or null.
 */
function inlineSystemMessages(body: MessagesRequest): string | null {
  if (!body.messages.some((m) => m.role === 'system')) return null;
  const out: Message[] = [];
  let pending: ContentBlock[] = [];
  for (const message of body.messages) {
    if (message.role !== 'system') {
      if (pending.length && message.role === 'user') {
        out.push({ ...message, content: [...blocksOf(message.content), ...pending] });
      } else {
        if (pending.length) out.push({ role: 'user', content: pending });
        out.push(message);
      }
      pending = [];
      continue;
    }
    const blocks = blocksOf(message.content);
    if (blocks.some((b) => b.type !== 'text')) return 'does not take tool changes in mid-conversation system messages';
    const text = blocks.map((b) => String(b.text)).join('\n').trim();
    if (!text) continue;
    const reminder: ContentBlock = { type: 'text', text: `<system-reminder>\n${text}\n</system-reminder>` };
    const previous = out.at(-1);
    if (previous?.role === 'user' && !pending.length) out[out.length - 1] = { ...previous, content: [...blocksOf(previous.content), reminder] };
    else pending.push(reminder);
  }
  if (pending.length) out.push({ role: 'user', content: pending });
  body.messages = out;
  return null;
}

function blocksOf(content: Message['content']): ContentBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * Lowers `output_config.effort` to a level the model accepts, or drops it when the model
 * takes none; returns the requested effort either way (it sizes a thinking budget).
 */
function adaptOutputConfig(body: MessagesRequest, caps: ModelCapabilities): string | undefined {
  const config = body.output_config as JsonObject | undefined;
  if (!config || typeof config !== 'object') return undefined;
  const effort = typeof config.effort === 'string' ? config.effort : undefined;
  if (effort === undefined) return undefined;
  const level = effortFor(caps, effort);
  if (level === effort) return effort;
  const { effort: _dropped, ...rest } = config;
  if (level) body.output_config = { ...rest, effort: level };
  else if (Object.keys(rest).length) body.output_config = rest;
  else delete body.output_config;
  return effort;
}

function adaptThinking(
  body: MessagesRequest,
  caps: ModelCapabilities,
  effort: string | undefined,
  strippedThinking: boolean,
): void {
  const thinking = body.thinking;
  if (!thinking) return;
  if (thinking.type === 'disabled') {
    // A model that always thinks refuses "disabled"; left out, it thinks adaptively.
    if (!caps.thinkingOff) delete body.thinking;
    return;
  }
  // With thinking on, the API requires the last assistant turn to start with a thinking
  // block; once foreign ones are stripped the draft has to run without thinking.
  if (strippedThinking) {
    delete body.thinking;
    return;
  }
  if (thinking.type === 'adaptive' && !caps.adaptiveThinking) {
    const budget = Math.min(BUDGET_BY_EFFORT[effort ?? 'high'] ?? BUDGET_BY_EFFORT.high, (body.max_tokens ?? 0) - 1);
    if (caps.extendedThinking && budget >= MIN_THINKING_BUDGET) {
      body.thinking = { type: 'enabled', budget_tokens: budget };
    } else {
      delete body.thinking;
    }
  } else if (thinking.type === 'enabled' && !caps.extendedThinking) {
    if (caps.adaptiveThinking) body.thinking = { type: 'adaptive' };
    else delete body.thinking;
  } else if (thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number') {
    const max = (body.max_tokens ?? 0) - 1;
    if (thinking.budget_tokens > max) {
      if (max >= MIN_THINKING_BUDGET) body.thinking = { ...thinking, budget_tokens: max };
      else delete body.thinking;
    }
  }
}

/**
 * Whether a thinking block's signature (or redacted data) belongs to another model than
 * `model` (another family, when both are known); one the proxy never saw counts as foreign
 * unless `trustUnknown`.
 */
export function signedElsewhere(key: string, model: string, signatures: SignatureRegistry, trustUnknown: boolean): boolean {
  const owner = signatures.ownerOf(key);
  if (owner === undefined) return !trustUnknown;
  return isElsewhere(owner, model);
}

/** Another model than `model`, and of another family when both families are known. */
export function isElsewhere(owner: string, model: string): boolean {
  const family = capabilitiesOf(model)?.family;
  return owner !== model && (family === undefined || capabilitiesOf(owner)?.family !== family);
}

/**
 * Removes thinking blocks another model signed; true when any was removed. Blocks the
 * proxy never saw count as foreign for a draft (the client's model wrote them) and as
 * the model's own for the verifier (`trustUnknown`).
 */
function stripForeignThinking(
  body: MessagesRequest,
  model: string,
  signatures: SignatureRegistry,
  trustUnknown = false,
): boolean {
  const isForeignThinking = (block: ContentBlock): boolean => {
    if (block?.type !== 'thinking' && block?.type !== 'redacted_thinking') return false;
    const key = typeof block.signature === 'string' ? block.signature : typeof block.data === 'string' ? block.data : '';
    return signedElsewhere(key, model, signatures, trustUnknown);
  };

  let stripped = false;
  const messages = body.messages.map((message) => {
    // Malformed entries (null, no content list) are left for the API to refuse.
    if (message?.role !== 'assistant' || !Array.isArray(message.content)) return message;
    if (!message.content.some(isForeignThinking)) return message;
    const kept = message.content.filter((block) => !isForeignThinking(block));
    // A message cannot be empty; leave it (the draft may fail, and then the verifier answers).
    if (!kept.length) return message;
    stripped = true;
    return { ...message, content: kept };
  });
  if (stripped) body.messages = messages;
  return stripped;
}
