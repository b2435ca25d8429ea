// Empty drafts, and drafts too short or too long for what the question asks. A tool call is an
// answer in itself, so drafts with tool_use blocks are judged by the tool checks.
import { memoRequest, type DraftContext, type SignalCheck } from './extract';

/** Questions that ask for an explanation, a piece of writing or code. */
const ELABORATE =
  /\b(?:explain|describe|why|compare|contrast|discuss|elaborate|write|implement|design|refactor|summari[sz]e|outline|step[- ]by[- ]step|in detail|detailed|essay|pros and cons|how (?:do|does|can|should|would|to))\b/i;
const ELABORATE_MIN_WORDS = 20;
const BRIEF_MAX_WORDS = 80;
/** Questions that ask for a short answer on purpose. */
const BRIEF = /\b(?:one word|single word|yes or no|true or false|only (?:the|a) (?:number|answer|name)|just (?:the|a) (?:number|answer|name)|briefly|in one sentence)\b/i;

/** The question asks for a brief answer: read once per request (the learned check reads it too). */
export const asksBrief = (ctx: DraftContext): boolean => memoRequest(ctx, 'asksBrief', ({ question }) => BRIEF.test(question));
/** The question asks for an explanation, writing or code: read once per request. */
export const asksElaborate = (ctx: DraftContext): boolean => memoRequest(ctx, 'asksElaborate', ({ question }) => ELABORATE.test(question));

/** Words in the text, counted up to `limit` (the checks only compare against small bounds). */
function wordCount(text: string, limit: number): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length && words <= limit; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

export const length: SignalCheck = (ctx) => {
  if (ctx.partial) return [];
  if (ctx.hasToolUse) return [];
  if (!ctx.text.trim()) return [{ name: 'empty', penalty: 1, reason: 'the draft has no text and no tool call' }];
  if (ctx.afterToolResults) return [];
  if (asksBrief(ctx)) {
    // Asked for a word, a yes/no or one sentence, and given an essay.
    return wordCount(ctx.text, BRIEF_MAX_WORDS) > BRIEF_MAX_WORDS
      ? [{ name: 'too_long', penalty: 0.25, reason: `more than ${BRIEF_MAX_WORDS} words for a question that asks for a brief answer` }]
      : [];
  }
  // Only questions that ask for an explanation or a piece of work have a floor: "Bonjour."
  // is a full answer to a translation, and numeric answers are judged by the final-answer check.
  if (!asksElaborate(ctx)) return [];
  const expected = ELABORATE_MIN_WORDS;
  const words = wordCount(ctx.text, expected);
  if (words >= expected) return [];
  const penalty = 0.6 * (1 - words / expected);
  if (penalty < 0.05) return [];
  return [
    {
      name: 'too_short',
      penalty,
      reason: `${words} word${words === 1 ? '' : 's'} for a question that asks for an explanation or a piece of work`,
    },
  ];
};
