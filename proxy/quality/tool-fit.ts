// Does the offered tool fit the request? A cheap model calls a tool even when none fits,
// filling the arguments the question never gave with invented values or with examples copied
// from the tool's description; or it answers in text where a tool plainly fits. Values taken
// from the user's words are evidence for the call. One-shot function calling only: in an agent's
// turn values come from earlier tool results (see agentTurn).
import type { QualitySignal } from '../../contracts/decision';
import type { ToolDefinition, ToolUseBlock } from '../wire';
import { memo, type DraftContext, type SignalCheck } from './extract';
import {
  agentTurn,
  argSchema,
  argStems,
  argValues,
  completeCalls,
  describedText,
  grounded,
  isChoice,
  placeOf,
  questionFacts,
  requiredArgs,
  toolProfiles,
  usesMention,
  type QuestionFacts,
  type ToolProfile,
} from './tool-args';

/**
 * Text that says the offered tools do not fit the request ("none of the available functions
 * can…", "the provided tool only calculates…"): a correct answer when no tool fits, not an apology.
 */
const NO_TOOL_FITS = new RegExp(
  [
    String.raw`none of the (?:available |provided |given |listed )?(?:tools|functions)`,
    String.raw`no (?:available |suitable |relevant |appropriate |matching )?(?:tool|function)s?\b.{0,40}\b(?:can|could|that|for|to|available|provided|applies|fits)`,
    String.raw`(?:there is|there['\u2019]s|there are|i have) no (?:\w+ )?(?:tool|function)s?\b`,
    String.raw`(?:do|does)(?: not|n['\u2019]t) have (?:a|any|an appropriate|a suitable|a relevant) (?:\w+ )?(?:tool|function)`,
    String.raw`(?:available|provided|given) (?:tools?|functions?)\b.{0,80}\b(?:cannot|can['\u2019]t|(?:do|does|is|are)(?: not|n['\u2019]t)|only|unable)`,
    String.raw`(?:tools?|functions?) (?:i have |you(?:['\u2019]ve| have) )?(?:available |provided |given )?(?:to me )?(?:cannot|can['\u2019]t|(?:do|does|is|are)(?: not|n['\u2019]t)|only) (?:\w+ )?(?:suitable|relevant|applicable|designed|meant|able|help|for|answer|provide|support)`,
    String.raw`(?:cannot|can['\u2019]t|unable to|not able to|not possible to)\b.{0,60}\b(?:with|using|through|via) (?:the |these |those |any of the |my )?(?:available |provided |given |current )?(?:tools|functions)`,
    String.raw`outside (?:the scope of |what )(?:the |these )?(?:available |provided |given )?(?:tools?|functions?)`,
  ].join('|'),
  'i',
);

/** The draft's text says that no offered tool fits: read once per check, as four families ask. */
export const saysNoToolFits = (ctx: DraftContext): boolean => memo(ctx, 'noToolFits', ({ text }) => NO_TOOL_FITS.test(text.slice(0, 1500)));

interface Unstated {
  arg: string;
  value: string | number;
  required: boolean;
  /** Found in the tool's own description (an example or default), not in the question. */
  fromDescription: boolean;
}

function unstatedValues(ctx: DraftContext, call: ToolUseBlock, tool: ToolProfile | undefined, facts: QuestionFacts): { unstated: Unstated[]; stated: number } {
  const required = new Set(requiredArgs(tool?.tool));
  const unstated: Unstated[] = [];
  let stated = 0;
  for (const argValue of argValues(ctx, call)) {
    const { arg, value, norm } = argValue;
    if (isChoice(argSchema(tool?.tool, arg)) || norm === '  ') continue;
    if (grounded(argValue, facts)) {
      stated++;
      continue;
    }
    unstated.push({ arg, value, required: required.has(arg), fromDescription: tool !== undefined && describedText(ctx, tool.tool).includes(norm) });
  }
  return { unstated, stated };
}

/**
 * Two numbers put in each other's place ("1500 meters in 7299 s" as distance 7299, time 1500):
 * the words around each stated value name the other argument better than its own.
 */
function swappedNumbers(ctx: DraftContext, call: ToolUseBlock, tool: ToolProfile | undefined, facts: QuestionFacts): string | null {
  const numbers = argValues(ctx, call).filter((v) => typeof v.value === 'number');
  if (!tool || numbers.length < 2) return null;
  const placed: Array<{ arg: string; around: string[]; stems: Set<string> }> = [];
  for (const value of numbers) {
    const at = facts.mentions.filter((m) => m.kind === 'number' && usesMention(value, m));
    if (at.length === 1) placed.push({ arg: value.arg, around: placeOf(facts, ctx.question, at[0]).around, stems: argStems(ctx, tool.tool, value.arg) });
  }
  if (placed.length < 2) return null;
  const affinity = (stems: Set<string>, around: string[]) => around.filter((s) => stems.has(s)).length;
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const [a, b] = [placed[i], placed[j]];
      if (a.arg === b.arg) continue;
      const kept = affinity(a.stems, a.around) + affinity(b.stems, b.around);
      const crossed = affinity(a.stems, b.around) + affinity(b.stems, a.around);
      if (crossed > kept) return `${a.arg} and ${b.arg}`;
    }
  }
  return null;
}

const show = (value: string | number) => (typeof value === 'string' ? `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'` : String(value));

function checkCall(ctx: DraftContext, call: ToolUseBlock, tool: ToolProfile | undefined, facts: QuestionFacts): QualitySignal[] {
  const { unstated, stated } = unstatedValues(ctx, call, tool, facts);
  const signals: QualitySignal[] = [];
  const swapped = swappedNumbers(ctx, call, tool, facts);
  if (swapped) {
    signals.push({ name: 'tool_swapped_args', penalty: 0.5, reason: `'${call.name}' seems to swap ${swapped}: the request states each next to the other's name` });
  }
  const copied = unstated.filter((u) => u.required && u.fromDescription);
  const invented = unstated.filter((u) => !u.fromDescription);
  if (copied.length > 0) {
    signals.push({
      name: 'tool_value_from_description',
      penalty: 0.35,
      reason: `'${call.name}' takes ${copied.map((u) => `${u.arg}=${show(u.value)}`).join(', ')} from the tool's description, not from the request`,
    });
  }
  if (invented.length > 0) {
    // Each unstated value is separate evidence; a number nobody gave is stronger than a phrase
    // the model may have paraphrased, and a required argument stronger than an optional one.
    let kept = 1;
    for (const u of invented) kept *= 1 - (typeof u.value === 'number' ? 0.45 : 0.3) * (u.required ? 1 : 0.5);
    signals.push({
      name: 'tool_unstated_value',
      penalty: Math.min(0.85, 1 - kept),
      reason: `'${call.name}' uses ${invented.map((u) => `${u.arg}=${show(u.value)}`).slice(0, 3).join(', ')}, which the request does not state`,
    });
  }
  if (unstated.length === 0 && stated > 0 && !swapped) {
    if (tool?.distinctive.some((s) => facts.stems.has(s))) {
      signals.push({ name: 'tool_grounded', penalty: 0, support: 0.5, reason: `'${call.name}' fits the request and every value it passes is in the user's words` });
    }
  }
  return signals;
}

/** An offered tool the request names outright, with at least as many stated values as it requires. */
function obviousTool(ctx: DraftContext, facts: QuestionFacts): ToolDefinition | null {
  for (const { tool, distinctive } of toolProfiles(ctx).values()) {
    if (distinctive.length === 0 || !distinctive.every((s) => facts.stems.has(s))) continue;
    if (facts.mentions.length >= Math.max(1, requiredArgs(tool).length)) return tool;
  }
  return null;
}

function textAnswer(ctx: DraftContext, facts: QuestionFacts): QualitySignal[] {
  if (ctx.request.tool_choice && (ctx.request.tool_choice as { type?: string }).type === 'none') return [];
  const tool = obviousTool(ctx, facts);
  if (tool) {
    return [{ name: 'tool_not_called', penalty: 0.5, reason: `the request asks for what '${tool.name}' does, with its values, but the draft answered in text` }];
  }
  if (saysNoToolFits(ctx)) {
    return [{ name: 'no_tool_fits', penalty: 0, support: 0.3, reason: 'says the offered tools do not fit the request, and none is named in it' }];
  }
  return [];
}

export const toolFit: SignalCheck = (ctx) => {
  if (ctx.tools.length === 0 || agentTurn(ctx)) return [];
  const facts = questionFacts(ctx);
  const calls = completeCalls(ctx);
  if (calls.length === 0) return ctx.partial || !ctx.question ? [] : textAnswer(ctx, facts);
  const profiles = toolProfiles(ctx);
  return calls.flatMap((call) => checkCall(ctx, call, profiles.get(call.name), facts));
};
