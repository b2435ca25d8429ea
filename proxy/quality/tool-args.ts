// What the structural tool checks share: the question's values (numbers, names, words) read once
// per request, a call's argument values, and whether a value is grounded in the user's words.
import type { JsonObject, ToolDefinition, ToolUseBlock } from '../wire';
import { CLAUDE_CODE_TOOLS } from './action-class';
import { memo, memoRequest, type DraftContext } from './extract';
import { NUMBER_SOURCE, numberValue } from './numbers';

/** A value the question states: a number, or a name (capitalised words or a quoted string). */
export interface Mention {
  kind: 'number' | 'name';
  text: string;
  start: number;
  end: number;
  value?: number;
  /** The text normalized and padded with spaces (` new york `), for whole-word matching. */
  norm: string;
}

/** A stated value in its place: the words just before it and around it. */
export interface Placed {
  /** The two words before it, normalized ("price for"). */
  before: string;
  /** Stems of the word before it and the two after it ("radius 3", "18 percent"). */
  around: string[];
}

export interface QuestionFacts {
  /** Lower case, every run of non-alphanumerics one space: substrings match across punctuation. */
  normalized: string;
  /** Word stems (first 5 letters) of the question's words of 3+ characters, digits included. */
  stems: Set<string>;
  mentions: Mention[];
  /** Places of mentions, filled in as checks ask (see placeOf). */
  places: Map<Mention, Placed>;
}

const NUMBER = new RegExp(`(?<![\\w.])-?(?:${NUMBER_SOURCE})(?![\\w])`, 'g');
/** Capitalised words in a row ("Maroon 5", "New York City"), or a quoted string. */
const NAME = /"([^"\n]{1,80})"|'([^'\n]{2,80})'|\b[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*|\s+(?:of|de|la|the)\s+[A-Z][\w&.-]*|\s+\d+\b)*/g;
/** Capitalised words that start sentences or questions, not names. */
const NOT_NAMES = new Set(
  'I A An The What Which Who Whom Whose When Where Why How Is Are Was Were Do Does Did Can Could Would Should Will Please Find Get Give Show Tell Calculate Compute List Also And Then Let Check Make Book Search Retrieve Fetch Play Help Set Create Update Delete Send Identify Provide Determine Predict Convert Plan Look Order Add Remove Use'.split(' '),
);

const isLowerOrDigit = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * Lower case, runs of anything but a-z and 0-9 made one space, none at the ends. Read in place:
 * this runs for the question, every value stated and every argument, and a regex replace
 * costs several times more; a text already in that form is returned as it is.
 */
export function normalize(text: string): string {
  const lower = text.toLowerCase();
  let out = '';
  let runStart = -1;
  let changed = false;
  for (let i = 0; i < lower.length; i++) {
    if (isLowerOrDigit(lower.charCodeAt(i))) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0) {
      out += (out ? ' ' : '') + lower.slice(runStart, i);
      runStart = -1;
    }
    // A single space between two runs is kept as it is; anything else changes the text.
    if (!(lower.charCodeAt(i) === 32 && i > 0 && i + 1 < lower.length && isLowerOrDigit(lower.charCodeAt(i - 1)) && isLowerOrDigit(lower.charCodeAt(i + 1)))) changed = true;
  }
  if (!changed) return lower;
  if (runStart >= 0) out += (out ? ' ' : '') + lower.slice(runStart);
  return out;
}

export const padded = (text: string) => ` ${normalize(text)} `;

/** Adds the stem of `text.slice(start, end)`, a lower-case word, when it has one: 3+ characters, or digits. */
function pushStem(out: string[], text: string, start: number, end: number): void {
  const length = end - start;
  if (length >= 3 || (length > 0 && text.charCodeAt(start) <= 57)) out.push(text.slice(start, start + Math.min(5, length)));
}

/** Stems (first 5 characters) of the words of an already normalized text: 3+ characters, or digits. */
function stemsOfNormalized(norm: string): string[] {
  const out: string[] = [];
  // The words between single spaces, as split(' ') gives them (empty ones included, and skipped).
  for (let start = 0; ; ) {
    const space = norm.indexOf(' ', start);
    const end = space < 0 ? norm.length : space;
    pushStem(out, norm, start, end);
    if (space < 0) return out;
    start = space + 1;
  }
}

export function stemsOf(text: string): string[] {
  return stemsOfNormalized(normalize(text));
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** The last `n` words before `end`, lower case: read backwards in place, no regex. */
function wordsBefore(text: string, end: number, n: number): string[] {
  const words: string[] = [];
  let i = end - 1;
  while (words.length < n && i >= 0 && end - i < 60) {
    while (i >= 0 && !isWordChar(text.charCodeAt(i))) i--;
    const stop = i;
    while (i >= 0 && isWordChar(text.charCodeAt(i))) i--;
    if (stop > i) words.unshift(text.slice(i + 1, stop + 1).toLowerCase());
  }
  return words;
}

function readFacts(question: string): QuestionFacts {
  const mentions: Mention[] = [];
  for (const match of question.matchAll(NUMBER)) {
    const text = match[0];
    const sign = text.startsWith('-') ? -1 : 1;
    mentions.push({ kind: 'number', text, start: match.index, end: match.index + text.length, value: sign * numberValue(text.replace(/^-/, '')), norm: padded(text) });
  }
  for (const match of question.matchAll(NAME)) {
    const quoted = match[1] ?? match[2];
    let text = quoted ?? match[0];
    let start = match.index + (quoted ? 1 : 0);
    if (!quoted) {
      // Drop a leading sentence word: "Find Taylor Swift" names "Taylor Swift".
      const words = text.split(/\s+/);
      while (words.length && NOT_NAMES.has(words[0])) {
        start += words[0].length + 1;
        words.shift();
      }
      text = words.join(' ');
    }
    if (text.length >= 2) mentions.push({ kind: 'name', text, start, end: start + text.length, norm: padded(text) });
  }
  mentions.sort((a, b) => a.start - b.start);
  const normalized = normalize(question);
  return { normalized: ` ${normalized} `, stems: new Set(stemsOfNormalized(normalized)), mentions, places: new Map() };
}

/** Where a mention sits in the question, read once per request and mention, when a check asks. */
export function placeOf(facts: QuestionFacts, question: string, mention: Mention): Placed {
  let place = facts.places.get(mention);
  if (!place) {
    const before = wordsBefore(question, mention.start, 2);
    const around: string[] = [];
    if (before.length > 0) pushStem(around, before[before.length - 1], 0, before[before.length - 1].length);
    // The first two words of the normalized 30 characters after it: its lower-case a-z0-9 runs.
    const after = question.slice(mention.end, mention.end + 30).toLowerCase();
    for (let i = 0, words = 0; i < after.length && words < 2; ) {
      if (!isLowerOrDigit(after.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < after.length && isLowerOrDigit(after.charCodeAt(i))) i++;
      pushStem(around, after, start, i);
      words++;
    }
    place = { before: before.join(' '), around };
    facts.places.set(mention, place);
  }
  return place;
}

export const questionFacts = (ctx: DraftContext): QuestionFacts => memoRequest(ctx, 'toolQuestionFacts', ({ question }) => readFacts(question));

/** A leaf of a call's input: a string or number (booleans and nulls choose, they state nothing). */
export interface ArgValue {
  /** Top-level argument name. */
  arg: string;
  value: string | number;
  /** The value normalized and padded, as Mention.norm. */
  norm: string;
}

/** A call's argument values, read once per check: several checks read the same call. */
export function argValues(ctx: DraftContext, call: ToolUseBlock): ArgValue[] {
  const byCall = memo(ctx, 'argValues', () => new Map<ToolUseBlock, ArgValue[]>());
  let values = byCall.get(call);
  if (!values) byCall.set(call, (values = readArgValues(call.input)));
  return values;
}

function readArgValues(input: unknown): ArgValue[] {
  if (!input || typeof input !== 'object') return [];
  const out: ArgValue[] = [];
  const visit = (arg: string, value: unknown, depth: number) => {
    if (typeof value === 'string' || typeof value === 'number') out.push({ arg, value, norm: padded(String(value)) });
    else if (depth < 4 && Array.isArray(value)) for (const item of value) visit(arg, item, depth + 1);
    else if (depth < 4 && value && typeof value === 'object') for (const inner of Object.values(value)) visit(arg, inner, depth + 1);
  };
  if (!Array.isArray(input)) for (const [arg, value] of Object.entries(input)) visit(arg, value, 0);
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** The question states this number: as written, as a percentage (3 % and 0.03), or negated. */
function numberGrounded(value: number, facts: QuestionFacts): boolean {
  return facts.mentions.some(
    (m) => m.kind === 'number' && m.value !== undefined && (close(m.value, value) || close(m.value, -value) || close(m.value / 100, value) || close(m.value * 100, value)),
  );
}

/** The question states this text: as a phrase, or most of its words. */
function textGrounded(norm: string, facts: QuestionFacts): boolean {
  if (norm.trim() === '' || facts.normalized.includes(norm)) return true;
  let words = 0;
  let found = 0;
  for (const word of norm.trim().split(' ')) {
    if (word.length < 3 && !/^\d+$/.test(word)) continue;
    words++;
    if (facts.stems.has(word.slice(0, 5))) found++;
  }
  return words > 0 && found / words >= 0.6;
}

export function grounded({ value, norm }: ArgValue, facts: QuestionFacts): boolean {
  if (typeof value === 'number') return numberGrounded(value, facts);
  const asNumber = /^-?\d+(?:\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isNaN(asNumber) ? textGrounded(norm, facts) : numberGrounded(asNumber, facts) || textGrounded(norm, facts);
}

/** The value comes from this stated mention (for counting which stated values a draft used). */
export function usesMention({ value, norm }: ArgValue, mention: Mention): boolean {
  if (mention.kind === 'number') {
    if (mention.value === undefined) return false;
    const n = typeof value === 'number' ? value : Number(value.trim());
    if (!Number.isNaN(n) && (close(n, mention.value) || close(n, mention.value / 100))) return true;
    return typeof value === 'string' && norm.includes(mention.norm);
  }
  if (typeof value !== 'string') return false;
  return norm.includes(mention.norm) || (mention.norm.includes(norm) && norm.length >= 5);
}

/** The schema of one argument, when the tool declares it. */
export function argSchema(tool: ToolDefinition | undefined, arg: string): JsonObject | undefined {
  const properties = tool?.input_schema?.properties as Record<string, JsonObject> | undefined;
  return properties?.[arg];
}

/** The argument's values are chosen from a list, or are flags: nothing for the user to state. */
export function isChoice(schema: JsonObject | undefined): boolean {
  if (!schema) return false;
  const items = schema.items as JsonObject | undefined;
  return Array.isArray(schema.enum) || schema.type === 'boolean' || Array.isArray(items?.enum);
}

export function requiredArgs(tool: ToolDefinition | undefined): string[] {
  const required = tool?.input_schema?.required;
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
}

/** Complete tool calls of the draft (a streaming draft's last block may be unfinished). */
export function completeCalls(ctx: DraftContext): ToolUseBlock[] {
  return memo(ctx, 'completeCalls', (c) =>
    c.content.slice(0, c.completeBlocks).filter((b): b is ToolUseBlock => b.type === 'tool_use'),
  );
}

/** Words a tool's name is made of (`get_stock_price`, `getStockPrice`, `weather.forecast`), stemmed. */
export function nameStems(name: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    if (!isWordChar(c) || (upper && word !== '' && !/[A-Z]$/.test(name[i - 1]))) {
      if (word) words.push(word);
      word = '';
    }
    if (isWordChar(c)) word += upper ? String.fromCharCode(c + 32) : name[i];
  }
  if (word) words.push(word);
  return stemsOfNormalized(words.join(' '));
}

/** Verbs and generic words of tool names that say nothing about what a tool is for. */
const GENERIC_NAME_STEMS = new Set(
  'get set calcu compu find fetch searc list creat updat delet retri run check make add remov show query look info detai data value resul tool funct api by for the and of to from with new all'
    .split(' ')
    .map((w) => w.slice(0, 5)),
);

/** What the checks read from an offered tool's name, derived once per request. */
export interface ToolProfile {
  tool: ToolDefinition;
  /** Stems of the name. */
  stems: string[];
  /** The name's words that say what it is for (not "get", "calculate", "info"). */
  distinctive: string[];
}

/** The offered tools' profiles by name, derived once per request. */
export function toolProfiles(ctx: DraftContext): Map<string, ToolProfile> {
  return memoRequest(ctx, 'toolProfiles', (c) =>
    new Map(
      c.tools.map((tool) => {
        const stems = nameStems(tool.name);
        return [tool.name, { tool, stems, distinctive: [...new Set(stems.filter((s) => !GENERIC_NAME_STEMS.has(s)))] }];
      }),
    ),
  );
}

/** Stems of a name as a called tool's name (called tools may be unknown). */
export function calledStems(ctx: DraftContext, name: string): string[] {
  return toolProfiles(ctx).get(name)?.stems ?? nameStems(name);
}

type Properties = Record<string, { description?: unknown; default?: unknown }> | undefined;

/** A tool's description and its parameters' descriptions and defaults, normalized and padded (read when needed). */
export function describedText(ctx: DraftContext, tool: ToolDefinition): string {
  return memoRequest(ctx, `described:${tool.name}`, () => {
    let text = typeof tool.description === 'string' ? tool.description : '';
    for (const property of Object.values((tool.input_schema?.properties as Properties) ?? {})) {
      if (typeof property?.description === 'string') text += ` ${property.description}`;
      if (property?.default !== undefined) text += ` ${JSON.stringify(property.default)}`;
    }
    return padded(text);
  });
}

/** Stems of an argument's name and description: what the words around its value should say. */
export function argStems(ctx: DraftContext, tool: ToolDefinition, arg: string): Set<string> {
  return memoRequest(ctx, `argStems:${tool.name}:${arg}`, () => {
    const description = ((tool.input_schema?.properties as Properties) ?? {})[arg]?.description;
    return new Set([...nameStems(arg), ...stemsOf(typeof description === 'string' ? description : '')]);
  });
}

/**
 * An agent's turn rather than one-shot function calling: Claude Code's tools, or a conversation
 * already under way. An agent works step by step and takes its values from tool results, so
 * the question alone does not say how many calls or which values a turn needs.
 */
export function agentTurn(ctx: DraftContext): boolean {
  return memoRequest(ctx, 'agentTurn', (c) =>
    c.afterToolResults || c.request.messages.some((m) => m.role === 'assistant') || c.tools.some((t) => Object.hasOwn(CLAUDE_CODE_TOOLS, t.name)),
  );
}
