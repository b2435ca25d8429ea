// What the simulated upstream answers: a behaviour per request, chosen by a test's
// script, by a `[sim:…]` marker in the prompt (for clients a test does not control,
// such as Claude Code), or by default a good answer. Pure: request in, answer plan out.
import type { ContentBlock, JsonObject, Message, MessagesRequest, ToolDefinition } from '../proxy/wire';
import type { Usage } from '../contracts/decision';

export type BehaviourKind =
  | 'good'
  | 'hedging'
  | 'refusal'
  | 'truncated'
  | 'short'
  | 'tool'
  | 'tool_invalid'
  | 'tool_unknown'
  | 'json_bad'
  | 'error'
  | 'break'
  /** A stream that stops midway with an `error` event (overloaded), as the API does. */
  | 'stream_error'
  | 'invalid_json';

export interface Behaviour {
  kind: BehaviourKind;
  /** Answer text for `good` (default: a generic helpful answer); for `tool`, the text before the call. */
  text?: string;
  /** Tool name for `tool` (default: the first tool in the request). */
  tool?: string;
  /** Tool input for `tool` (default: generated from the tool's input_schema). */
  input?: unknown;
  /** HTTP status for `error` (400, 429, 500, 529, …). */
  status?: number;
  /** Error message for `error`. */
  message?: string;
  /** Pause before each streamed event, and before a JSON answer (ms). */
  delayMs?: number;
  /** Answer only once this settles: a test holds the call until it has seen what it waits for. */
  until?: Promise<unknown>;
  /** Usage fields reported instead of the estimated ones (cache tokens, exact counts). */
  usage?: Partial<Usage>;
}

export interface Answer {
  content: ContentBlock[];
  stopReason: 'end_turn' | 'max_tokens' | 'tool_use';
  usage: Usage;
}

/** Every default good answer starts with this. */
export const GOOD_OPENING = 'Here is a complete answer';

/** A good, on-topic answer: it restates the question, then answers in a few plain sentences. */
function goodText(request: MessagesRequest): string {
  const user = lastUser(request);
  // Claude Code puts <system-reminder> blocks before the prompt: skip them.
  const blocks = typeof user?.content === 'string' ? [user.content] : (user?.content ?? []).map((b) => (b?.type === 'text' ? String(b.text) : ''));
  const prompt = blocks.filter((t) => !t.trimStart().startsWith('<system-reminder>')).join(' ');
  const question = prompt.replace(MARKER, '').replace(/\s+/g, ' ').trim().slice(0, 300);
  // As long as a real answer to an explanatory question (the checker expects that much), and
  // in the question's own terms.
  return (
    `${GOOD_OPENING} to "${question}". To answer it properly, start from what the question ` +
    'asks and the terms it uses, then go through it in order. First, the context: what the question is ' +
    'about and why it matters. Second, the main point, stated plainly and in the words the question uses, ' +
    'so that nothing it asks for is left out. Third, the details that make the main point concrete: how ' +
    'each part follows from the one before it, what happens at each step, and what would go differently ' +
    'if a step were skipped. The simulated upstream produced this reply deterministically so that tests ' +
    'can assert on it; it covers the question directly, gives the relevant details in plain words, and ' +
    'ends with a short summary. In short: the answer is the sequence above, taken one step at a time.'
  );
}

const TEXTS: Partial<Record<BehaviourKind, string>> = {
  hedging:
    "I'm not entirely sure, but I think the answer might possibly be around forty-two. It's hard to say " +
    'without more information, and I could be wrong, so perhaps double-check this with another source.',
  refusal: "I can't help with that request. Please ask something else.",
  short: 'Yes.',
  json_bad:
    'Here is the configuration you asked for, ready to paste into your project settings file:\n\n' +
    '```json\n{"name": "demo", "version": 1,, "private": true\n```\n\nSave it as settings.json next to the project.',
};

/** `[sim:KIND]` or `[sim:MODELPART=KIND]`; KIND may be `tool:Name` or `tool:Name:{json input}`. */
const MARKER = /\[sim:([^\]=]+=)?([^\]]+)\]/g;

function textOf(content: Message['content']): string {
  if (typeof content === 'string') return content;
  return content.map((b) => (b?.type === 'text' ? String(b.text ?? '') : '')).join('\n');
}

function lastUser(request: MessagesRequest): Message | undefined {
  return [...request.messages].reverse().find((m) => m.role === 'user');
}

/** The behaviour a `[sim:…]` marker in the last user turn asks of `model`, if any. */
export function markerBehaviour(request: MessagesRequest, model: string): Behaviour | null {
  const user = lastUser(request);
  if (!user) return null;
  let generic: Behaviour | null = null;
  for (const match of textOf(user.content).matchAll(MARKER)) {
    const scope = match[1]?.slice(0, -1);
    const behaviour = parseMarker(match[2].trim());
    if (!behaviour) continue;
    if (scope && model.includes(scope)) return behaviour;
    if (!scope) generic ??= behaviour;
  }
  return generic;
}

function parseMarker(spec: string): Behaviour | null {
  const [kind, ...rest] = spec.split(':');
  if (kind === 'tool' && rest.length) {
    const [tool, ...input] = rest;
    return input.length ? { kind: 'tool', tool, input: JSON.parse(input.join(':')) } : { kind: 'tool', tool };
  }
  if (kind === 'error') return { kind: 'error', status: Number(rest[0] ?? 500) };
  const known: BehaviourKind[] = ['good', 'hedging', 'refusal', 'truncated', 'short', 'tool', 'tool_invalid', 'tool_unknown', 'json_bad', 'break', 'stream_error', 'invalid_json'];
  return known.includes(kind as BehaviourKind) ? { kind: kind as BehaviourKind } : null;
}

/** The last user turn carries tool results: answer them (the end of a tool round trip). */
function toolResultSummary(request: MessagesRequest): string | null {
  const user = lastUser(request);
  if (!user || typeof user.content === 'string') return null;
  const results = user.content.filter((b) => b?.type === 'tool_result');
  if (!results.length) return null;
  const text = results
    .map((r) => (typeof r.content === 'string' ? r.content : Array.isArray(r.content) ? textOf(r.content as ContentBlock[]) : ''))
    .join('\n')
    .trim();
  return `The tool finished and reported: ${text.slice(0, 400)}. That completes the task you asked for; the output above is the result.`;
}

function exampleValue(schema: JsonObject | undefined, name: string): unknown {
  const type = schema?.type;
  if (Array.isArray(schema?.enum) && schema.enum.length) return schema.enum[0];
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (type === 'object') return exampleInput(schema);
  return name === 'command' ? 'echo simulator' : `example ${name}`;
}

/** An input satisfying the required properties of a tool's schema. */
function exampleInput(schema: JsonObject | undefined): JsonObject {
  const properties = (schema?.properties ?? {}) as Record<string, JsonObject>;
  const required = (schema?.required ?? []) as string[];
  return Object.fromEntries(required.map((name) => [name, exampleValue(properties[name], name)]));
}

function findTool(request: MessagesRequest, name: string | undefined): ToolDefinition | undefined {
  const tools = request.tools ?? [];
  return name ? tools.find((t) => t.name === name) : tools.find((t) => t.input_schema);
}

let toolIds = 0;
function toolUse(name: string, input: unknown): ContentBlock {
  toolIds += 1;
  return { type: 'tool_use', id: `toolu_sim_${toolIds.toString().padStart(6, '0')}`, name, input };
}

/** The simulator's token count: characters of JSON per token, deterministic and as good as it needs. */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / CHARS_PER_TOKEN));
}

export function planAnswer(request: MessagesRequest, behaviour: Behaviour): Answer {
  let content: ContentBlock[];
  let stopReason: Answer['stopReason'] = 'end_turn';
  switch (behaviour.kind) {
    case 'tool': {
      const tool = findTool(request, behaviour.tool);
      if (!tool) {
        content = [{ type: 'text', text: goodText(request) }];
        break;
      }
      content = [
        { type: 'text', text: behaviour.text ?? `I'll use the ${tool.name} tool for this.` },
        toolUse(tool.name, behaviour.input ?? exampleInput(tool.input_schema)),
      ];
      stopReason = 'tool_use';
      break;
    }
    case 'tool_invalid': {
      const tool = (request.tools ?? []).find((t) => ((t.input_schema?.required as unknown[]) ?? []).length > 0);
      content = [toolUse(tool?.name ?? 'missing_tool', { unexpected_argument: true })];
      stopReason = 'tool_use';
      break;
    }
    case 'tool_unknown':
      content = [toolUse(behaviour.tool ?? 'NonexistentTool', { query: 'anything' })];
      stopReason = 'tool_use';
      break;
    case 'truncated':
      content = [{ type: 'text', text: goodText(request).slice(0, 120) }];
      stopReason = 'max_tokens';
      break;
    default:
      content = [{ type: 'text', text: behaviour.text ?? TEXTS[behaviour.kind] ?? toolResultSummary(request) ?? goodText(request) }];
  }
  const usage: Usage = {
    input_tokens: estimateTokens([request.system, request.messages, request.tools]),
    output_tokens: estimateTokens(content),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    ...behaviour.usage,
  };
  return { content, stopReason, usage };
}
