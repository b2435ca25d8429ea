// For a question that asks for a quantity: the draft must end on a clear number, that
// number must be what its own working arrives at, and it must have the right shape
// (a count is a whole number; an exact answer is not "approximately 93.33").
import type { QualitySignal } from '../../contracts/decision';
import { equationsOf } from './arithmetic';
import type { SignalCheck } from './extract';
import { NUMBER_SOURCE, numberValue, numericQuestion } from './numbers';

const NUMBER = new RegExp(NUMBER_SOURCE, 'g');
/** Working longer than this for a word problem is a model going round in circles. */
const OVERLONG_CHARS = 700;
/** Problems stated at more length than this have more steps to slip on. */
const COMPLEX_CHARS = 250;
/** "how many apples", not "how many hours" (a duration or measure may be fractional). */
const COUNT_QUESTION =
  /\bhow many (?!(?:more |fewer |less |total )?(?:hours?|minutes?|seconds?|days?|weeks?|months?|years?|miles?|kilometers?|km|meters?|metres?|feet|foot|inches?|yards?|pounds?|lbs?|kg|kilograms?|grams?|ounces?|liters?|litres?|gallons?|cups?|quarts?|pints?|dollars?|cents?|percent|times|square|cubic|degrees?|calories?|points?|units?|servings?)\b)/i;
const ROUNDING_ASKED = /\b(?:round|rounded|nearest|approximate(?:ly)?|estimate|about how|roughly|decimal)\b/i;
const APPROXIMATE = /\b(?:approximately|approx\.|roughly|about|around|nearly|almost|rounded)\b|\u2248/i;
/** 13.333…, 0.6666: a division that did not come out even. */
const REPEATING = /\.\d{0,6}([1-9])\1\1/;

/** Closing pleasantries after the answer: "I hope this helps!" */
const CLOSER = /^\W*(?:I hope|hope this|let me know|feel free|good luck|happy|thanks|thank you|if you have|any other questions)/i;

/** A horizontal rule or heading marks, not an answer. */
const RULE = /^[-=*_#\s]+$/;

/** The closing line that carries the answer: blank lines, rules and pleasantries after it are skipped. */
function conclusion(text: string): string {
  // Read line by line from the end: the answer is near it, so the rest is never split.
  const trimmed = text.trimEnd();
  for (let end = trimmed.length; end >= 0; ) {
    const start = end === 0 ? 0 : trimmed.lastIndexOf('\n', end - 1) + 1;
    const line = trimmed.slice(start, end).trim();
    if (line && !RULE.test(line) && !CLOSER.test(line)) return line;
    end = start - 1;
  }
  return '';
}

/** The end of the closing line carries the answer; bounding it keeps the regexes that read it linear. */
export const concludingLine = (text: string): string => conclusion(text).slice(-300);

/** The last number of a line, as written and as a value. */
export function finalNumber(line: string): { text: string; value: number } | null {
  const numbers = line.match(NUMBER);
  if (!numbers) return null;
  const text = numbers[numbers.length - 1];
  return { text, value: numberValue(text) };
}

export const finalAnswer: SignalCheck = (ctx) => {
  const givenQuantities = numericQuestion(ctx);
  if (ctx.partial || ctx.afterToolResults || !ctx.text || !givenQuantities) return [];
  if (ctx.hasToolUse) return [];
  const line = concludingLine(ctx.text);
  const final = finalNumber(line);
  if (!final) return [{ name: 'no_final_number', penalty: 0.35, reason: 'the question asks for a number but the answer does not end on one' }];
  const signals: QualitySignal[] = [];
  // Asked only when it matters: most answers end on an exact whole number.
  const roundingAsked = () => ROUNDING_ASKED.test(ctx.question);
  const whole = Number.isInteger(final.value) || final.text.endsWith('%') || /^[$\u20ac£]\d+\.\d\d$/.test(final.text);
  if (!Number.isInteger(final.value) && COUNT_QUESTION.test(ctx.question)) {
    signals.push({ name: 'inexact_answer', penalty: 0.45, reason: `asks "how many" but the answer is ${final.text}` });
  } else if ((REPEATING.test(line) || APPROXIMATE.test(line)) && !roundingAsked()) {
    signals.push({ name: 'inexact_answer', penalty: 0.35, reason: `the final answer is approximate: "${line.trim().slice(0, 80)}"` });
  } else if (!whole && !roundingAsked()) {
    // Word problems are usually built to come out even.
    signals.push({ name: 'inexact_answer', penalty: 0.25, reason: `the final answer ${final.text} is not a whole number` });
  }
  const equations = equationsOf(ctx);
  const given = givenQuantities.length;
  if (equations.length === 0) {
    signals.push({ name: 'unchecked_work', penalty: given >= 3 ? 0.35 : 0.15, reason: 'states no calculation that can be checked' });
  } else if (equations.length === 1 && given >= 3) {
    signals.push({ name: 'unchecked_work', penalty: 0.15, reason: `one checkable calculation for ${given} given quantities` });
  }
  if (ctx.text.length > OVERLONG_CHARS) {
    signals.push({
      name: 'overlong',
      penalty: Math.min(0.45, 0.1 + (ctx.text.length - OVERLONG_CHARS) / 1000),
      reason: `${ctx.text.length} characters of working for a numeric question`,
    });
  }
  // Long, many-step problems are where cheap models slip; the draft carries that risk.
  if (ctx.question.length > COMPLEX_CHARS) {
    signals.push({
      name: 'complex_question',
      penalty: Math.min(0.25, (ctx.question.length - COMPLEX_CHARS) / 1000),
      reason: `a ${ctx.question.length}-character, ${given}-quantity problem`,
    });
  }
  const last = equations[equations.length - 1];
  if (last && last.result !== null) {
    const derived = equations.some((e) => e.result !== null && Math.abs(e.result - final.value) <= 1e-9 * Math.abs(final.value) + 1e-9);
    if (!derived) {
      signals.push({
        name: 'final_not_derived',
        penalty: 0.25,
        reason: `the final answer ${final.text} is not the result of any calculation in the answer`,
      });
    } else {
      // Evidence for: the answer is what its own working reaches (the arithmetic check says whether that working holds).
      signals.push({ name: 'derived_answer', penalty: 0, support: 0.3, reason: `the final answer ${final.text} is the result of the draft's own calculation` });
    }
  }
  return signals;
};
