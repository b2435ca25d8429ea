// Refusals and apology openings. Only the opening counts: "I can't" deep inside a
// helpful answer ("I can't see your config, so check X") is not a refusal.
import type { QualitySignal } from '../../contracts/decision';
import type { SignalCheck } from './extract';
import { saysNoToolFits } from './tool-fit';

const OPENING_CHARS = 280;

const REFUSAL =
  /\b(?:I|we)\s*(?:can(?:not|['\u2019]t)|won['\u2019]t|will not|(?:am|['\u2019]m) (?:unable|not able)|must (?:respectfully )?decline|do(?:n['\u2019]t| not) feel comfortable)\s+(?:to\s+)?(?:help|assist|provide|comply|fulfil+|do (?:that|this)|create|write|generate|answer|engage|share|support|complete|give|offer|produce|discuss|continue)\b/i;
const AI_DISCLAIMER = /\bas an AI(?: language model| assistant)?\b/i;
const APOLOGY = /^(?:I['\u2019]m sorry|I am sorry|I apologi[sz]e|Sorry|My apologies|Unfortunately)\b/i;

export const refusal: SignalCheck = (ctx) => {
  // The API's own verdict: the model stopped because it declined.
  if (ctx.draft.stop_reason === 'refusal') {
    return [{ name: 'refusal', penalty: 0.95, reason: 'stop_reason is refusal', decisive: true }];
  }
  const opening = ctx.text.trimStart().slice(0, OPENING_CHARS);
  if (!opening) return [];
  // "Sorry, none of the available functions can do that" is the right answer when no tool fits.
  if (ctx.tools.length > 0 && !ctx.hasToolUse && saysNoToolFits(ctx)) return [];
  const signals: QualitySignal[] = [];
  const refused = REFUSAL.exec(opening);
  if (refused) {
    signals.push({ name: 'refusal', penalty: 0.9, reason: `refusal opening: "${refused[0]}"`, decisive: true });
  } else if (AI_DISCLAIMER.test(opening)) {
    signals.push({ name: 'refusal', penalty: 0.6, reason: 'opens with an "as an AI" disclaimer', decisive: true });
  } else if (APOLOGY.test(opening)) {
    signals.push({ name: 'apology', penalty: 0.3, reason: 'opens with an apology' });
  }
  return signals;
};
