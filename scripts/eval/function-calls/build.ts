// Builds the self-built function-calling replay dataset (scripts/eval/data/function-calls.jsonl):
// single-turn requests with tools — one function, a choice of functions, parallel calls, several
// functions at once, and no relevant function — each answered by a simulated cheap draft model
// and a simulated stronger verifier, with per-item correctness (quality 1/0).
//
// No public per-model results could be brought into the repo (see ../data/README.md), so the
// answers are generated. The cheap model's mistakes follow the proportions public leaderboard
// reports give for Haiku-class models on one-shot function calling: mostly one call where the
// task needed several, a call when no offered tool fits (with invented or forced values), and a
// smaller share of wrong values that look right (swapped arguments, a wrong enum choice, a
// dropped option, a reworded name), which no structural check can see. The stronger model makes
// fewer mistakes of the same kinds. Deterministic: `npx tsx scripts/eval/function-calls/build.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPECS, type Param, type Spec } from './tools';
import { seededRandom } from '../../../simulator/seeded-random';

type Value = string | number | boolean;
type Args = Record<string, Value>;
interface Call {
  name: string;
  args: Args;
}
type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Args };

const random = seededRandom(20250611);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number) => random() < p;
function sample<T>(items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return out;
}

// ---- Questions -----------------------------------------------------------------------------

const percent = (v: Value) => `${Math.round(Number(v) * 1000) / 10}%`;
const listOf = (values: string[]) => (values.length <= 2 ? values.join(' and ') : `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`);

/** A template filled in: `{x}` the value, `{x%}` a rate as a percentage, `{x*}` the list. */
function render(template: string, args: Args, many: Value[] = []): string {
  return template.replace(/\{(\w+)(\*|%)?\}/g, (_, name: string, mark?: string) => {
    if (mark === '*') return listOf(many.map((v) => (String(name).includes('rate') ? percent(v) : String(v))));
    if (mark === '%') return percent(args[name]);
    return String(args[name]);
  });
}

const uses = (template: string, param: string) => new RegExp(`\\{${param}[*%]?\\}`).test(template);

function valuesFor(spec: Spec, template: string): Args {
  const args: Args = {};
  const taken = new Set<Value>();
  for (const param of spec.params) {
    if (param.optional && !uses(template, param.name)) continue;
    const value = pick(param.pool.filter((v) => !taken.has(v)));
    args[param.name] = value;
    taken.add(value); // origin and destination differ
  }
  return args;
}

interface Item {
  category: 'simple' | 'multiple' | 'parallel' | 'parallel_multiple' | 'irrelevance';
  question: string;
  tools: Spec[];
  /** The right calls; empty when no tool fits. */
  calls: Call[];
}

function simple(spec: Spec): { question: string; call: Call } {
  const template = pick(spec.ask);
  const args = valuesFor(spec, template);
  return { question: render(template, args), call: { name: spec.name, args } };
}

function parallel(spec: Spec): Item {
  const vary = spec.params.find((p) => p.name === spec.vary) as Param;
  const count = chance(0.6) ? 2 : 3;
  const form = random();
  if (form < 0.5) {
    const template = pick(spec.askMany);
    const base = valuesFor(spec, template);
    const many = sample(vary.pool, count);
    return { category: 'parallel', question: render(template, base, many), tools: [spec], calls: many.map((v) => ({ name: spec.name, args: { ...base, [vary.name]: v } })) };
  }
  const template = pick(spec.ask.filter((t) => uses(t, vary.name)));
  const base = valuesFor(spec, template);
  const many = [base[vary.name], ...sample(vary.pool.filter((v) => v !== base[vary.name]), count - 1)];
  const shown = many.map((v) => (vary.name.includes('rate') ? percent(v) : String(v)));
  const first = render(template, base);
  const question =
    form < 0.8
      ? `${first} ${pick(['Then do the same for', 'Also for', 'And repeat it for', 'Please do the same with'])} ${listOf(shown.slice(1))}.`
      : many.map((v) => render(template, { ...base, [vary.name]: v })).join(' ');
  return { category: 'parallel', question, tools: [spec], calls: many.map((v) => ({ name: spec.name, args: { ...base, [vary.name]: v } })) };
}

const JOINS = [' Also, ', ' And ', ' Then ', ' After that, ', ' In addition, '];
const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function parallelMultiple(specs: Spec[]): Item {
  const parts = specs.map(simple);
  const question = parts.map((part, i) => (i === 0 ? part.question : `${pick(JOINS).trim()} ${lower(part.question)}`)).join(' ');
  return { category: 'parallel_multiple', question, tools: shuffle([...specs, ...sample(SPECS.filter((s) => !specs.includes(s)), 1)]), calls: parts.map((p) => p.call) };
}

function shuffle<T>(items: T[]): T[] {
  return sample(items, items.length);
}

// ---- Answers -------------------------------------------------------------------------------

/**
 * A value that looks right and is wrong, the kind a structural check cannot see: two arguments
 * of one type swapped, another enum choice, a name reworded, a rate given in percent.
 */
function slip(spec: Spec, args: Args): Args | null {
  const out = { ...args };
  const numeric = spec.params.filter((p) => (p.type === 'number' || p.type === 'integer') && p.name in args);
  const strings = spec.params.filter((p) => p.type === 'string' && !p.enum && p.name in args);
  const enums = spec.params.filter((p) => p.enum && p.name in args);
  const options: Array<() => void> = [];
  if (numeric.length >= 2 && args[numeric[0].name] !== args[numeric[1].name]) {
    options.push(() => ([out[numeric[0].name], out[numeric[1].name]] = [args[numeric[1].name], args[numeric[0].name]]));
  }
  if (strings.length >= 2 && args[strings[0].name] !== args[strings[1].name]) {
    options.push(() => ([out[strings[0].name], out[strings[1].name]] = [args[strings[1].name], args[strings[0].name]]));
  }
  for (const e of enums) options.push(() => (out[e.name] = pick((e.enum ?? []).filter((v) => v !== args[e.name]))));
  for (const n of numeric.filter((p) => p.name.includes('rate'))) options.push(() => (out[n.name] = Math.round(Number(args[n.name]) * 1000) / 10));
  for (const s of strings) options.push(() => (out[s.name] = `${String(args[s.name])}${pick([' city', ' (main)', ' area'])}`));
  const optional = spec.params.filter((p) => p.optional && p.name in args);
  for (const o of optional) options.push(() => delete out[o.name]);
  if (options.length === 0) return null;
  pick(options)();
  return out;
}

/** A value the user never gave: what a model writes to fill an argument it was not told. */
function invent(param: Param): Value {
  if (param.enum) return pick(param.enum);
  if (param.type === 'boolean') return chance(0.5);
  if (param.type === 'integer') return pick([1, 2, 3, 5, 10, 30, 100, 2024]);
  if (param.type === 'number') return pick([0.5, 1, 2.5, 9.8, 20, 45, 100, 1000]);
  return pick(param.pool.map(String));
}

function inventedCall(spec: Spec, question: string): Call {
  const args: Args = {};
  for (const param of spec.params) {
    if (param.optional && !chance(0.3)) continue;
    // Forced: a value from the question when one of the right type is there, else invented.
    const stated = param.pool.find((v) => question.includes(String(v)));
    args[param.name] = stated ?? invent(param);
  }
  return { name: spec.name, args };
}

const NO_TOOL_TEXTS = [
  'None of the available functions can answer this: {tool} only {what}.',
  "I'm sorry, but the provided tools cannot help with that. The {tool} function only {what}, which does not answer your question.",
  'The tools I have available are not suitable for this question; {tool} only {what}.',
  'I cannot answer this with the available functions. {tool} {what}, which is unrelated.',
  "Unfortunately I don't have a tool for that. The only function here, {tool}, {what}.",
  'That question is outside what the given function does ({tool} {what}), so no function call applies.',
];
/** Declines that do not mention the tools, and plain answers from the model's own knowledge. */
const PLAIN_TEXTS = [
  "I'm sorry, I can't look that up for you.",
  'Good question! In short, it depends on several factors, and the details vary from case to case; a reliable reference will give you the specifics.',
  'There is no single answer to this, but the usual explanation is that several well-understood factors combine here.',
];

function toolNote(spec: Spec): { tool: string; what: string } {
  return { tool: spec.name, what: lower(spec.description).replace(/\.$/, '') };
}

function noToolText(tools: Spec[]): string {
  const { tool, what } = toolNote(pick(tools));
  const template = chance(0.8) ? pick(NO_TOOL_TEXTS) : pick(PLAIN_TEXTS);
  return template.replace('{tool}', tool).replace('{what}', what);
}

let nextId = 0;
function blocks(calls: Call[], preamble: boolean): Block[] {
  const out: Block[] = preamble ? [{ type: 'text', text: pick(["I'll look that up.", 'Let me call the function for this.', 'Sure.']) }] : [];
  for (const call of calls) out.push({ type: 'tool_use', id: `toolu_${String(++nextId).padStart(6, '0')}`, name: call.name, input: call.args });
  return out;
}

interface Answer {
  content: Block[];
  quality: 0 | 1;
}

/** Error rates of one model by category: what share of items it gets wrong, and how. */
interface Profile {
  /** Share of parallel items answered with a single call (the cheap model's commonest error). */
  singleCall: number;
  /** Share of parallel items that miss one call of several. */
  missOne: number;
  /** Share of items with a wrong value that looks right. */
  slip: number;
  /** Share of items with a value the user never gave. */
  invent: number;
  /** Share of no-fit items where the model calls a tool anyway. */
  callAnyway: number;
  /** Share of fitting items where the model answers in text. */
  textInstead: number;
  /** Share of choice items where it calls a neighbouring tool. */
  wrongTool: number;
}

export const CHEAP: Profile = { singleCall: 0.42, missOne: 0.08, slip: 0.06, invent: 0.02, callAnyway: 0.36, textInstead: 0.02, wrongTool: 0.07 };
export const STRONG: Profile = { singleCall: 0.06, missOne: 0.04, slip: 0.04, invent: 0.01, callAnyway: 0.12, textInstead: 0.01, wrongTool: 0.03 };

function answer(item: Item, profile: Profile): Answer {
  const preamble = chance(0.25);
  if (item.calls.length === 0) {
    if (chance(profile.callAnyway)) return { content: blocks([inventedCall(pick(item.tools), item.question)], preamble), quality: 0 };
    return { content: [{ type: 'text', text: noToolText(item.tools) }], quality: 1 };
  }
  if (chance(profile.textInstead)) {
    return { content: [{ type: 'text', text: pick(["I don't have enough information to do that.", 'Could you tell me more about what you need?', ...PLAIN_TEXTS]) }], quality: 0 };
  }
  let calls = item.calls.map((c) => ({ name: c.name, args: { ...c.args } }));
  if (calls.length > 1) {
    const r = random();
    if (r < profile.singleCall) return { content: blocks([calls[0]], preamble), quality: 0 };
    if (r < profile.singleCall + profile.missOne) {
      calls = calls.slice(0, -1);
      return { content: blocks(calls, preamble), quality: 0 };
    }
  }
  if (item.category === 'multiple' && chance(profile.wrongTool)) {
    const other = item.tools.find((t) => t.name !== calls[0].name) as Spec;
    return { content: blocks([inventedCall(other, item.question)], preamble), quality: 0 };
  }
  const r = random();
  if (r < profile.slip) {
    const target = pick(calls);
    const slipped = slip(SPECS.find((s) => s.name === target.name) as Spec, target.args);
    if (slipped) {
      target.args = slipped;
      return { content: blocks(calls, preamble), quality: 0 };
    }
  } else if (r < profile.slip + profile.invent) {
    const target = pick(calls);
    const spec = SPECS.find((s) => s.name === target.name) as Spec;
    const param = pick(spec.params.filter((p) => !p.enum));
    const value = invent(param);
    if (value !== target.args[param.name]) {
      target.args = { ...target.args, [param.name]: value };
      return { content: blocks(calls, preamble), quality: 0 };
    }
  }
  return { content: blocks(calls, preamble), quality: 1 };
}

// ---- Items ---------------------------------------------------------------------------------

function neighbours(spec: Spec, n: number): Spec[] {
  return sample(
    SPECS.filter((s) => s !== spec),
    n,
  );
}

function items(): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < 160; i++) {
    const spec = pick(SPECS);
    const { question, call } = simple(spec);
    out.push({ category: 'simple', question, tools: [spec], calls: [call] });
  }
  for (let i = 0; i < 120; i++) {
    const spec = pick(SPECS);
    const { question, call } = simple(spec);
    out.push({ category: 'multiple', question, tools: shuffle([spec, ...neighbours(spec, chance(0.5) ? 2 : 3)]), calls: [call] });
  }
  for (let i = 0; i < 110; i++) out.push(parallel(pick(SPECS)));
  for (let i = 0; i < 80; i++) out.push(parallelMultiple(sample(SPECS, chance(0.75) ? 2 : 3)));
  for (let i = 0; i < 130; i++) {
    const spec = pick(SPECS);
    // Half ask a question of the tool's own domain it cannot answer, half another tool's task.
    if (chance(0.5)) out.push({ category: 'irrelevance', question: pick(spec.near), tools: [spec], calls: [] });
    else {
      const other = pick(SPECS.filter((s) => s !== spec));
      out.push({ category: 'irrelevance', question: simple(other).question, tools: [spec], calls: [] });
    }
  }
  return out;
}

function schemaOf(spec: Spec) {
  const properties = Object.fromEntries(
    spec.params.map((param) => [param.name, { type: param.type, description: param.description, ...(param.enum && { enum: param.enum }) }]),
  );
  return { type: 'object', properties, required: spec.params.filter((param) => !param.optional).map((param) => param.name) };
}

function textOf(content: Block[]): string {
  return content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n\n');
}

function build(): string {
  const rows = items().map((item, index) => {
    const draft = answer(item, CHEAP);
    const verifier = answer(item, STRONG);
    const stop = (a: Answer) => (a.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    return JSON.stringify({
      id: `fc-${String(index).padStart(4, '0')}`,
      source: `self-built, ${item.category}`,
      messages: [{ role: 'user', content: item.question }],
      tools: item.tools.map((spec) => ({ name: spec.name, description: spec.description, input_schema: schemaOf(spec) })),
      draft: { model: 'simulated-cheap', text: textOf(draft.content), content: draft.content, stop_reason: stop(draft), quality: draft.quality },
      verifier: { model: 'simulated-strong', text: textOf(verifier.content), content: verifier.content, stop_reason: stop(verifier), quality: verifier.quality },
    });
  });
  return `${rows.join('\n')}\n`;
}

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'function-calls.jsonl');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, build());
console.log(`wrote ${out}`);
