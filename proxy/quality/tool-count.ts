// The number of calls against what the question asks for. A cheap model's commonest tool-call
// failure is one call where the user listed several items ("the factorial of 5, 10 and 15") or
// asked for two things ("…and also the LCM of 15 and 25"); the reverse is the same call twice.
// This applies to one-shot function calling: an agent (Claude Code's tools, or a conversation
// already under way) works step by step, one call at a time, by design.
import type { QualitySignal } from '../../contracts/decision';
import type { ToolUseBlock } from '../wire';
import type { DraftContext, SignalCheck } from './extract';
import { agentTurn, argValues, calledStems, completeCalls, padded, placeOf, questionFacts, toolProfiles, usesMention, type Mention, type QuestionFacts } from './tool-args';

/** Between two items of a list: a comma, "and", "&", optionally after a repeated unit ("20 minutes and 15"). */
const LIST_GAP = /^\s*(?:[a-z%°$²³]+\.?\s*){0,2}(?:,\s*(?:and\s+|&\s*)?|and\s+|&\s*|as well as\s+)(?:the\s+|for\s+)?$/i;

/** Runs of two or more values of one kind that the question lists together. */
function lists(question: string, mentions: readonly Mention[]): Mention[][] {
  const out: Mention[][] = [];
  for (const kind of ['number', 'name'] as const) {
    let run: Mention[] = [];
    for (const m of mentions) {
      if (m.kind !== kind) continue;
      const last = run[run.length - 1];
      if (last && LIST_GAP.test(question.slice(last.end, m.start))) run.push(m);
      else {
        if (run.length >= 2) out.push(run);
        run = [m];
      }
    }
    if (run.length >= 2) out.push(run);
  }
  return out;
}

const key = (call: ToolUseBlock) => `${call.name}\u0000${JSON.stringify(call.input)}`;

function duplicates(calls: readonly ToolUseBlock[]): QualitySignal[] {
  if (calls.length < 2) return []; // most drafts: nothing to compare, no input to serialise
  const seen = new Set<string>();
  for (const call of calls) {
    const k = key(call);
    if (seen.has(k)) return [{ name: 'tool_duplicate_call', penalty: 0.5, reason: `calls '${call.name}' twice with the same input` }];
    seen.add(k);
  }
  return [];
}

/** Listed values the calls leave out, when they use others of the same list. */
function missingListItems(question: string, mentions: readonly Mention[], used: (m: Mention) => boolean): Mention[] {
  const missing: Mention[] = [];
  for (const list of lists(question, mentions)) {
    const usedCount = list.filter(used).length;
    if (usedCount > 0 && usedCount < list.length) missing.push(...list.filter((m) => !used(m)));
  }
  return missing;
}

/**
 * A value stated in the same words as one the draft used ("price for TSLA? … price for GOOGL?"):
 * the question repeats its request for another value.
 */
function repeatedContext(question: string, facts: QuestionFacts, mentions: readonly Mention[], used: (m: Mention) => boolean): Mention[] {
  const contexts = new Set(mentions.filter(used).map((m) => placeOf(facts, question, m).before));
  if (contexts.size === 0) return [];
  return mentions.filter((m) => !used(m) && contexts.has(placeOf(facts, question, m).before));
}

/** "Do the same for X", "also for X", "what about X": a request to repeat the call for new values. */
const REPEAT_CUE = /\b(?:(?:do|repeat)\s+(?:the\s+same|that|this|it)(?:\s+again)?\s+(?:for|with)|(?:the\s+)?same\s+(?:for|with)|also\s+for|and\s+for|what\s+about|how\s+about)\s+([^.?!;:]{1,120})/gi;
/** "100 g each of avocado and brown rice", "both X and Y": one request over several items. */
const EACH_CUE = /\b(?:each of|both|all of|for each)\s+([^.?!;:]{3,120})/gi;

/** The items a cue introduces ("X, Y and Z"), each a few words, with their place in the question. */
function cueItems(question: string, cue: RegExp): Mention[][] {
  const out: Mention[][] = [];
  for (const match of question.matchAll(cue)) {
    const start = match.index + match[0].length - match[1].length;
    const items: Mention[] = [];
    let offset = 0;
    for (const part of match[1].split(/(,\s*(?:and\s+)?|\s+and\s+)/)) {
      const text = part.trim();
      if (text && text !== ',' && text !== 'and' && !text.startsWith(',') && text.split(/\s+/).length <= 4) {
        items.push({ kind: 'name', text, start: start + offset, end: start + offset + part.length, norm: padded(text) });
      }
      offset += part.length;
    }
    if (items.length > 0) out.push(items);
  }
  return out;
}

/** An offered tool the draft did not call whose name the question spells out ("…and the LCM"). */
function namedButUncalled(ctx: DraftContext, calls: readonly ToolUseBlock[]): string | null {
  const stems = questionFacts(ctx).stems;
  const calledNames = new Set(calls.map((c) => c.name));
  const called = new Set(calls.flatMap((c) => calledStems(ctx, c.name)));
  for (const { tool, distinctive } of toolProfiles(ctx).values()) {
    if (calledNames.has(tool.name)) continue;
    const own = distinctive.filter((s) => !called.has(s));
    if (own.length === 0) continue;
    const found = own.filter((s) => stems.has(s)).length;
    if (found === own.length || (own.length >= 3 && found >= own.length - 1)) return tool.name;
  }
  return null;
}

export const toolCount: SignalCheck = (ctx) => {
  const calls = completeCalls(ctx);
  if (calls.length === 0 || ctx.partial) return [];
  const signals = duplicates(calls);
  if (agentTurn(ctx)) return signals;
  const facts = questionFacts(ctx);
  const values = calls.flatMap((c) => argValues(ctx, c));
  const usedCache = new Map<Mention, boolean>();
  const used = (m: Mention) => {
    let hit = usedCache.get(m);
    if (hit === undefined) usedCache.set(m, (hit = values.some((v) => usesMention(v, m))));
    return hit;
  };
  const names = facts.mentions.filter((m) => m.kind === 'name');
  // A number inside a name ("Maroon 5") belongs to the name.
  const mentions = facts.mentions.filter((m) => m.kind === 'name' || !names.some((n) => n.start <= m.start && m.end <= n.end));
  // Most drafts use every value stated: then only the cues can point at items left out.
  const anyUnused = mentions.some((m) => !used(m));
  const missing = [
    ...new Set([
      ...(anyUnused ? missingListItems(ctx.question, mentions, used) : []),
      ...(anyUnused ? repeatedContext(ctx.question, facts, mentions, used) : []),
      ...cueItems(ctx.question, REPEAT_CUE).flatMap((items) => items.filter((m) => !used(m))),
      ...cueItems(ctx.question, EACH_CUE).flatMap((items) => (items.length > 1 && items.some(used) ? items.filter((m) => !used(m)) : [])),
    ]),
  ];
  if (missing.length > 0) {
    signals.push({
      name: 'tool_call_count',
      penalty: calls.length === 1 ? 0.7 : 0.5,
      reason: `the question lists ${missing.map((m) => `'${m.text}'`).join(', ')} too, but no call uses ${missing.length > 1 ? 'them' : 'it'} (${calls.length} call${calls.length > 1 ? 's' : ''})`,
    });
  }
  const uncalled = namedButUncalled(ctx, calls);
  if (uncalled) {
    signals.push({ name: 'tool_not_called', penalty: 0.5, reason: `the question also asks for what '${uncalled}' does, which the draft does not call` });
  }
  const unusedNumbers = mentions.filter((m) => m.kind === 'number' && !used(m) && !missing.includes(m));
  if (unusedNumbers.length > 0 && missing.length === 0) {
    signals.push({
      name: 'tool_unused_values',
      penalty: unusedNumbers.length > 1 ? 0.35 : 0.2,
      reason: `no call uses ${unusedNumbers.map((m) => m.text).slice(0, 4).join(', ')} from the question`,
    });
  }
  return signals;
};
