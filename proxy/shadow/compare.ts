// Do a draft and the verifier's answer to the same request agree? Pure. Three comparisons, the
// first that applies decides:
//   tool calls  when either answer calls a tool: the same tools with the same deciding input
//               (key order, surrounding and repeated whitespace, and equivalent paths ignored;
//               an Edit is the same when it edits the same file at the same `old_string`);
//   number      when the question asks for a quantity (the checker's own test) and both
//               answers end on a number: the same final number;
//   wording     any other text: character 4-gram cosine similarity at or above WORDING_CUTOFF.
// Wording sees shared words, names, numbers and code; it cannot see meaning. A paraphrase of the
// same answer can fall below the cut-off, and an answer that copies the other's words but flips
// one fact ("is" / "is not", 41 / 42) stays above it. See README "Shadow verification".
import path from 'node:path';
import type { ShadowResult } from '../../contracts/decision';
import { buildContext } from '../quality/extract';
import { concludingLine, finalNumber } from '../quality/final-answer';
import { numericQuestion } from '../quality/numbers';
import { isToolUse, type AssistantMessage, type MessagesRequest, type ToolUseBlock } from '../wire';

export type ComparisonMethod = NonNullable<ShadowResult['method']>;

export interface Comparison {
  agreed: boolean;
  /** Names tools, fields and numbers, never text or file contents (it is stored with the record). */
  reason: string;
  method: ComparisonMethod;
}

export interface CompareInput {
  request: MessagesRequest;
  draft: AssistantMessage;
  verifier: AssistantMessage;
  /** The client's working directory: relative and absolute paths inside it compare equal. */
  workingDirectory?: string;
}

/**
 * Texts at least this similar agree. Chosen on arena-claude-dev (open-ended and coding answers,
 * `npx tsx scripts/shadow/calibrate.ts`): the cut-off that best separates drafts a judge scored
 * 8/10 or more from the rest.
 */
export const WORDING_CUTOFF = 0.55;
/** Only the start of very long answers is compared, so one comparison stays a few milliseconds. */
const WORDING_CHARS = 32_000;

/** Per tool, what decides what a call does; other tools compare their whole input. */
interface CallShape {
  /** Input fields that must be the same (the rest is commentary or a model's own wording). */
  fields: readonly string[];
  /** A field compared by wording, e.g. a written file's content. */
  worded?: string;
}
const CALL_SHAPES: Readonly<Record<string, CallShape>> = {
  // Same place, same text replaced; the replacement is the model's own wording.
  Edit: { fields: ['file_path', 'old_string'] },
  Write: { fields: ['file_path'], worded: 'content' },
  // `description` is a note for the user, `timeout` a limit: the command is the call.
  Bash: { fields: ['command'] },
};
/** Inputs that name a file or folder. */
const PATH_FIELDS = new Set(['file_path', 'path', 'notebook_path']);

export function compareAnswers({ request, draft, verifier, workingDirectory }: CompareInput): Comparison {
  const ours = buildContext(request, draft, false, undefined);
  const theirs = buildContext(request, verifier, false, undefined);
  if (ours.hasToolUse || theirs.hasToolUse) return compareCalls(ours.content.filter(isToolUse), theirs.content.filter(isToolUse), workingDirectory);
  if (numericQuestion(theirs)) {
    const a = finalNumber(concludingLine(ours.text));
    const b = finalNumber(concludingLine(theirs.text));
    if (a && b) {
      const same = Math.abs(a.value - b.value) <= 1e-9 * Math.max(Math.abs(a.value), Math.abs(b.value)) + 1e-9;
      return { agreed: same, method: 'number', reason: same ? `same final number ${a.text}` : `final numbers differ: ${a.text} vs ${b.text}` };
    }
  }
  const similarity = wordingSimilarity(ours.text, theirs.text);
  const agreed = similarity >= WORDING_CUTOFF;
  return {
    agreed,
    method: 'wording',
    reason: `wording similarity ${similarity.toFixed(2)} ${agreed ? '≥' : '<'} ${WORDING_CUTOFF}`,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function compareCalls(draft: ToolUseBlock[], verifier: ToolUseBlock[], cwd: string | undefined): Comparison {
  const differ = (reason: string): Comparison => ({ agreed: false, method: 'tool_calls', reason });
  if (verifier.length === 0) return differ(`the draft calls ${draft.map((c) => c.name).join(', ')}; the verifier answers in text`);
  if (draft.length === 0) return differ(`the verifier calls ${verifier.map((c) => c.name).join(', ')}; the draft answers in text`);
  if (draft.length !== verifier.length) return differ(`the draft makes ${plural(draft.length, 'tool call')}, the verifier ${verifier.length}`);
  // Order-free: parallel calls may come in any order.
  const unmatched = [...verifier];
  for (const call of draft) {
    const i = unmatched.findIndex((other) => callDifference(call, other, cwd) === null);
    if (i >= 0) {
      unmatched.splice(i, 1);
      continue;
    }
    const namesake = unmatched.find((other) => other.name === call.name);
    return differ(namesake ? (callDifference(call, namesake, cwd) as string) : `the verifier makes no ${call.name} call`);
  }
  const names = draft.map((c) => c.name).join(', ');
  return { agreed: true, method: 'tool_calls', reason: draft.length === 1 ? `same ${names} call` : `same ${draft.length} calls (${names})` };
}

/** Null when two calls do the same; else which part differs (field names only). */
function callDifference(a: ToolUseBlock, b: ToolUseBlock, cwd: string | undefined): string | null {
  if (a.name !== b.name) return `the draft calls ${a.name}, the verifier ${b.name}`;
  const inputA = asObject(a.input);
  const inputB = asObject(b.input);
  const shape = CALL_SHAPES[a.name];
  const fields = shape?.fields ?? [...new Set([...Object.keys(inputA), ...Object.keys(inputB)])].sort();
  for (const field of fields) {
    if (canonicalJson(inputA[field], cwd, field) !== canonicalJson(inputB[field], cwd, field)) return `${a.name}: ${field} differs`;
  }
  if (shape?.worded) {
    const similarity = wordingSimilarity(String(inputA[shape.worded] ?? ''), String(inputB[shape.worded] ?? ''));
    if (similarity < WORDING_CUTOFF) return `${a.name}: ${shape.worded} differs (wording similarity ${similarity.toFixed(2)} < ${WORDING_CUTOFF})`;
  }
  return null;
}

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** JSON with sorted keys, trimmed strings with whitespace runs as one space, and paths resolved. */
function canonicalJson(value: unknown, cwd: string | undefined, field?: string): string {
  return JSON.stringify(canonical(value, cwd, field)) ?? 'undefined';
}

function canonical(value: unknown, cwd: string | undefined, field?: string): unknown {
  if (typeof value === 'string') return field !== undefined && PATH_FIELDS.has(field) ? normalisePath(value, cwd) : value.trim().replace(/\s+/g, ' ');
  if (Array.isArray(value)) return value.map((item) => canonical(item, cwd));
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(object).sort().map((key) => [key, canonical(object[key], cwd, key)]));
  }
  return value;
}

/** `./a/b`, `a/b/` and `/cwd/a/b` (given the working directory /cwd) all become one path. */
export function normalisePath(value: string, cwd: string | undefined): string {
  const given = value.trim();
  const resolved = cwd ? path.posix.resolve(cwd, given) : path.posix.normalize(given);
  return resolved.length > 1 ? resolved.replace(/\/+$/, '') : resolved;
}

/**
 * Cosine similarity of the character 4-gram counts of two texts (lower case, whitespace runs
 * as one space), in [0, 1]. Texts shorter than a 4-gram are similar only when equal.
 */
export function wordingSimilarity(a: string, b: string): number {
  const ga = ngramCounts(a);
  const gb = ngramCounts(b);
  if (ga.size === 0 || gb.size === 0) return normalised(a) === normalised(b) ? 1 : 0;
  let dot = 0;
  for (const [gram, count] of ga) dot += count * (gb.get(gram) ?? 0);
  // One square root of exact integer products: identical texts come out exactly 1.
  return dot / Math.sqrt(squares(ga) * squares(gb));
}

const normalised = (text: string) => text.slice(0, WORDING_CHARS).toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Counts of character 4-grams (long enough to carry a word stem, short enough to survive
 * inflection), each hashed to a 30-bit number (FNV-1a over its UTF-16 code units): a Map counts
 * small integers several times faster than strings, and two 4-grams share a number about once
 * in a billion pairs.
 */
function ngramCounts(text: string): Map<number, number> {
  const t = normalised(text);
  const counts = new Map<number, number>();
  for (let i = 0; i + 4 <= t.length; i++) {
    let hash = 0x811c9dc5;
    for (let j = i; j < i + 4; j++) hash = Math.imul(hash ^ t.charCodeAt(j), 0x01000193);
    const gram = hash >>> 2;
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function squares(counts: Map<number, number>): number {
  let sum = 0;
  for (const count of counts.values()) sum += count * count;
  return sum;
}
