// The learned check for open-ended answers: a small model trained on replayed drafts (see
// scripts/train/quality.ts) reads the question's demands against the answer and says whether
// the draft looks better or worse than a typical draft for such a question. It speaks as one
// signal, like every other family: a penalty when it is confidently below its prior, `support`
// when confidently above, nothing in between. Numeric questions are left to the arithmetic and
// final-answer checks, which verify the working itself; tool calls to the tool checks.
import type { QualitySignal } from '../../../contracts/decision';
import { equationsOf } from '../arithmetic';
import { memoRequest, type DraftContext, type SignalCheck } from '../extract';
import { numericQuestion, quantities } from '../numbers';
import { saysNoToolFits } from '../tool-fit';
import { FEATURE_NAMES, demands, featuresOf, type FeatureName } from './features';
import { contributions, type LearnedModel } from './model';

/** What each feature means to a reader of the log, for the reason of the signal. */
const PLAIN: Record<FeatureName, string> = {
  question_log_chars: 'the length of the question',
  answer_length_for_demand: "the answer's length for what was asked",
  answer_term_coverage: 'how much of the question the answer addresses',
  answer_inability: 'claims of inability',
};

/**
 * The drafts the model was trained for: a finished text answer to an open-ended question that
 * calls for a substantial answer (a short plain question is not what it learned from). A
 * question that asks for a number, or a draft that works a calculation over the question's
 * quantities, is judged by the arithmetic and final-answer checks instead: there the working
 * can be verified, and length or wording says little.
 */
export function learnedApplies(ctx: DraftContext): boolean {
  if (ctx.partial || ctx.hasToolUse || ctx.afterToolResults || !ctx.text.trim() || !ctx.question.trim()) return false;
  // "None of the offered tools fits this" is judged by the tool checks (tool-fit), not as an essay.
  if (ctx.tools.length > 0 && saysNoToolFits(ctx)) return false;
  // What the other families have read already comes first: the numeric question and the
  // draft's equations; the demands and the question's quantities are read only when they decide.
  if (numericQuestion(ctx) !== null || !demands(ctx).substantial) return false;
  return equationsOf(ctx).length === 0 || memoRequest(ctx, 'quantityCount', ({ question }) => quantities(question).length) < 2;
}

/** The learned check under a given model (the shipped one in production; a fold's while training). */
export function learnedCheck(model: LearnedModel): SignalCheck {
  return (ctx) => {
    if (!learnedApplies(ctx)) return [];
    const parts = contributions(model, featuresOf(ctx));
    let total = 0;
    for (const part of parts) total += part;
    if (Math.abs(total) < model.margin) return [];
    // The feature that moved the score most in its direction says why.
    let top = 0;
    for (let i = 1; i < parts.length; i++) if (parts[i] * Math.sign(total) > parts[top] * Math.sign(total)) top = i;
    const why = PLAIN[FEATURE_NAMES[top]];
    const signal: QualitySignal =
      total < 0
        ? { name: 'learned', penalty: 1 - Math.exp(total), reason: `weaker than a typical draft for this question (log-odds ${total.toFixed(2)}; mostly ${why})` }
        : { name: 'learned', penalty: 0, support: 1 - Math.exp(-total), reason: `stronger than a typical draft for this question (log-odds +${total.toFixed(2)}; mostly ${why})` };
    return [signal];
  };
}
