// What the simulated upstream answers: a behaviour per request, chosen by a test's
// script, by a `[sim:…]` marker in the prompt (for clients a test does not control,
// such as Claude Code), or by default a good answer. Several tool markers for the same model
// make one answer with that many calls (parallel tool use). A marker of no known kind is named in
// the answer; one that cannot be read (bad tool JSON, no closing `]`) is the server's 400.
// Pure: request in, answer plan out.
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
  /** Answer text for `good` (default: a generic helpful answer); for `tool`, the text before the calls. */
  text?: string;
  /** Tool name for `tool` (default: the first tool in the request). */
  tool?: string;
  /** Tool input for `tool` (default: generated from the tool's input_schema). */
  input?: unknown;
  /** For `tool`: further calls in the same answer, after the first and in order (parallel tool use). */
  parallel?: ToolCall[];
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

export type ToolCall = Pick<Behaviour, 'tool' | 'input'>;

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
  const question = withoutMarkers(prompt).replace(/\s+/g, ' ').trim().slice(0, 300);
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

function textOf(content: Message['content']): string {
  if (typeof content === 'string') return content;
  return content.map((b) => (b?.type === 'text' ? String(b.text ?? '') : '')).join('\n');
}

function lastUser(request: MessagesRequest): Message | undefined {
  return [...request.messages].reverse().find((m) => m.role === 'user');
}

/** Kinds a marker may name; `tool` and `error` take arguments (`tool:Name:{json}`, `error:529`). */
export const MARKER_KINDS = [
  'good',
  'hedging',
  'refusal',
  'truncated',
  'short',
  'tool',
  'tool_invalid',
  'tool_unknown',
  'json_bad',
  'error',
  'break',
  'stream_error',
  'invalid_json',
] as const satisfies readonly BehaviourKind[];

const OPEN = '[sim:';
/** `MODELPART=` before a kind: letters, digits and `.-_` (a `=` inside tool JSON is not a scope). */
const SCOPE = /^([\w.-]+)=/;

interface Marker {
  /** As written, from `[sim:` to its `]` (to the next space when unterminated). */
  raw: string;
  /** Between `[sim:` and the `]`; null when no `]` closes it. */
  spec: string | null;
}

/**
 * The `[sim:…]` markers in `text`. A `]` inside tool JSON (an array, a string) does not close
 * the marker: brackets and braces are counted and JSON strings skipped.
 */
function markersIn(text: string): Marker[] {
  const markers: Marker[] = [];
  let start = text.indexOf(OPEN);
  while (start >= 0) {
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start + OPEN.length; i < text.length && end < 0; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || (c === ']' && depth > 0)) depth--;
      else if (c === ']') end = i;
    }
    if (end < 0) {
      // Up to the first space only: what follows is the prompt, not the marker.
      markers.push({ raw: text.slice(start).split(/\s/, 1)[0], spec: null });
      break;
    }
    markers.push({ raw: text.slice(start, end + 1), spec: text.slice(start + OPEN.length, end) });
    start = text.indexOf(OPEN, end + 1);
  }
  return markers;
}

function withoutMarkers(text: string): string {
  return markersIn(text).reduce((rest, marker) => rest.replace(marker.raw, ''), text);
}

/** A marker for messages and logs: a tool's JSON input is shown as `{…}`, and long ones are cut. */
export function shortMarker(raw: string): string {
  const short = raw.replace(/^(\[sim:(?:[\w.-]+=)?tool:[^:\]]+:)[\s\S]*?(\]?)$/, '$1{…}$2');
  return short.length > 80 ? `${short.slice(0, 79)}…` : short;
}

type Reading = { behaviour: Behaviour } | { problem: string } | { unknown: true };

function readSpec(spec: string): Reading {
  const [kind, ...rest] = spec.trim().split(':');
  if (kind === 'tool') {
    if (!rest.length) return { behaviour: { kind: 'tool' } };
    const [tool, ...input] = rest;
    if (!tool) return { problem: 'the tool name is empty' };
    if (!input.length) return { behaviour: { kind: 'tool', tool } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.join(':'));
    } catch (err) {
      return { problem: `the tool input is not valid JSON (${(err as Error).message})` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { problem: 'the tool input must be a JSON object' };
    return { behaviour: { kind: 'tool', tool, input: parsed } };
  }
  if (kind === 'error') {
    if (!rest.length) return { behaviour: { kind: 'error', status: 500 } };
    const status = Number(rest.join(':'));
    if (!Number.isInteger(status) || status < 400 || status > 599) return { problem: 'the error status must be an HTTP status from 400 to 599' };
    return { behaviour: { kind: 'error', status } };
  }
  if (!(MARKER_KINDS as readonly string[]).includes(kind)) return { unknown: true };
  return rest.length ? { problem: `${kind} takes no argument` } : { behaviour: { kind: kind as BehaviourKind } };
}

/** What the `[sim:…]` markers in the last user turn ask of one model. */
export interface MarkerReading {
  /** A marker scoped to this model wins over a generic one; null: none applies. */
  behaviour: Behaviour | null;
  /** The marker(s) that chose the behaviour (shortMarker; several tool markers joined by a space). */
  applied: string | null;
  /** Markers of no known kind (shortMarker): the answer names them. */
  unknown: string[];
  /** The first marker that cannot be read and why: the request is refused with a 400. */
  malformed: { marker: string; problem: string } | null;
}

interface Chosen {
  behaviour: Behaviour;
  markers: string[];
}

/** The first marker chooses; a later tool marker after a tool marker adds a call, any other is ignored. */
function choose(chosen: Chosen | null, behaviour: Behaviour, marker: string): Chosen {
  if (!chosen) return { behaviour, markers: [marker] };
  if (chosen.behaviour.kind === 'tool' && behaviour.kind === 'tool') {
    chosen.behaviour.parallel = [...(chosen.behaviour.parallel ?? []), { tool: behaviour.tool, input: behaviour.input }];
    chosen.markers.push(marker);
  }
  return chosen;
}

export function readMarkers(request: MessagesRequest, model: string): MarkerReading {
  const reading: MarkerReading = { behaviour: null, applied: null, unknown: [], malformed: null };
  const user = lastUser(request);
  if (!user) return reading;
  let scoped: Chosen | null = null;
  let generic: Chosen | null = null;
  for (const { raw, spec } of markersIn(textOf(user.content))) {
    const marker = shortMarker(raw);
    if (spec === null) {
      reading.malformed ??= { marker, problem: 'it has no closing "]"' };
      continue;
    }
    const scope = SCOPE.exec(spec)?.[1];
    const read = readSpec(scope ? spec.slice(scope.length + 1) : spec);
    if ('problem' in read) reading.malformed ??= { marker, problem: read.problem };
    else if ('unknown' in read) reading.unknown.push(marker);
    else if (!scope) generic = choose(generic, read.behaviour, marker);
    else if (model.includes(scope)) scoped = choose(scoped, read.behaviour, marker);
  }
  const chosen = scoped ?? generic;
  if (chosen) Object.assign(reading, { behaviour: chosen.behaviour, applied: chosen.markers.join(' ') });
  return reading;
}

/** The sentence an answer carries for markers of no known kind. */
export function unknownMarkersNote(unknown: string[]): string {
  return `(Simulator: ${unknown.map((m) => `unknown simulator marker ${m}`).join(', ')}; known kinds: ${MARKER_KINDS.join(', ')}.)`;
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
  // The closing sentence gets a line of its own: an excerpt cut at 400 characters may leave a bracket open.
  return `The tool finished and reported: ${text.slice(0, 400)}\nThat completes the task you asked for; the output above is the result.`;
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

/** The answer a behaviour gives; `notes` (e.g. unknownMarkersNote) end its text. */
export function planAnswer(request: MessagesRequest, behaviour: Behaviour, notes: string[] = []): Answer {
  let content: ContentBlock[];
  let stopReason: Answer['stopReason'] = 'end_turn';
  switch (behaviour.kind) {
    case 'tool': {
      // A call of a tool the request does not offer is left out; with none left, a good answer.
      const calls = [behaviour, ...(behaviour.parallel ?? [])].flatMap((call) => {
        const tool = findTool(request, call.tool);
        return tool ? [toolUse(tool.name, call.input ?? exampleInput(tool.input_schema))] : [];
      });
      if (!calls.length) {
        content = [{ type: 'text', text: goodText(request) }];
        break;
      }
      const names = [...new Set(calls.map((call) => String(call.name)))];
      content = [{ type: 'text', text: behaviour.text ?? `I'll use the ${names.join(' and ')} tool${names.length > 1 ? 's' : ''} for this.` }, ...calls];
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
  if (notes.length) {
    const text = content.find((block) => block.type === 'text');
    if (text) text.text = `${String(text.text)}\n\n${notes.join(' ')}`;
    else content.unshift({ type: 'text', text: notes.join(' ') });
  }
  // max_tokens 0 fills the prompt cache and generates nothing, as the API does.
  if (request.max_tokens === 0) {
    content = [];
    stopReason = 'max_tokens';
  }
  const usage: Usage = {
    input_tokens: estimateTokens([request.system, request.messages, request.tools]),
    output_tokens: content.length ? estimateTokens(content) : 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    ...behaviour.usage,
  };
  return { content, stopReason, usage };
}
