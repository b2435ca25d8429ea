// Measured quality per rule and action class, shown where the user tunes thresholds: how many
// accepted drafts later failed, how often sampled drafts matched the verifier (shadow
// verification) with a Wilson 95 % interval and what the sampling cost, and the lowest threshold
// whose sampled drafts met the user's target agreement. Built by proxy/stats/quality.ts; the
// sentences at the end are what every UI says about them.
import { z } from 'zod';
import { actionClassSchema, amount, type ActionClass } from './decision';

const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);

export const shadowAgreementSchema = z.object({
  /** Sampled drafts the verifier answered and the proxy compared. */
  n: count,
  agreed: count,
  /** agreed / n; null before the first sample (as are low and high). */
  rate: share.nullable(),
  /** Wilson 95 % interval of the rate. */
  low: share.nullable(),
  high: share.nullable(),
  /** Money the shadow calls cost, failed ones included (known prices only; see `unpriced`). */
  cost: amount,
  /** Shadow calls whose price is unknown, not in `cost`. */
  unpriced: count,
  /** Shadow calls that failed: no comparison, not in n. */
  failed: count,
  /** Of n, answers in free text compared by wording only, the weakest comparison. */
  byWording: count,
  /** The verifier of the latest sample; null before the first. */
  model: z.string().nullable(),
});
export type ShadowAgreement = z.infer<typeof shadowAgreementSchema>;

/** The samples a threshold suggestion needs at or above it before it says anything. */
export const MIN_SUGGESTION_SAMPLES = 20;

export const thresholdSuggestionSchema = z.discriminatedUnion('kind', [
  /** The lowest threshold (0.01 steps) whose sampled drafts at or above it met the target. */
  z.object({ kind: z.literal('threshold'), threshold: share, agreement: share, n: count }),
  /** None met it: the threshold whose sampled drafts came closest. */
  z.object({ kind: z.literal('unreachable'), threshold: share, agreement: share, n: count }),
  z.object({ kind: z.literal('not_enough_samples'), n: count, needed: count }),
]);
export type ThresholdSuggestion = z.infer<typeof thresholdSuggestionSchema>;

/**
 * What the rule's "accept unverified drafts" choice did for a class: drafts no check found
 * evidence for or against, accepted (with what they saved and how they fared) or escalated
 * (with what accepting them would have saved, their quality unknown).
 */
export const unverifiedOutcomesSchema = z.object({
  accepted: count,
  /** Savings of the accepted ones (known prices only). */
  savings: amount,
  /** Of the accepted ones: later failed, shadow-sampled, and agreed when sampled. */
  laterFailed: count,
  sampled: count,
  agreed: count,
  escalated: count,
  /** What accepting the escalated ones would have saved: their baseline minus the draft's cost. */
  forgone: amount,
});
export type UnverifiedOutcomes = z.infer<typeof unverifiedOutcomesSchema>;

export const classQualitySchema = z.object({
  /** Accepted drafts of this class under the rule. */
  accepted: count,
  /** Of those, drafts whose tool call came back failed on the conversation's next request. */
  laterFailed: count,
  laterFailedShare: share.nullable(),
  shadow: shadowAgreementSchema,
  /** The rule's target agreement; null when the user set none. */
  target: share.nullable(),
  /** The threshold that would meet the target, from the sampled drafts' confidences; null without a target. */
  suggestion: thresholdSuggestionSchema.nullable(),
  unverified: unverifiedOutcomesSchema,
});
export type ClassQuality = z.infer<typeof classQualitySchema>;

export const ruleQualitySchema = z.object({
  /**
   * What the verifier would have cost for the rule's accepted drafts, per day over the last 7
   * days: sampling at rate r costs about r × this.
   */
  sampleCostPerDay: amount,
  classes: z.record(actionClassSchema, classQualitySchema),
});
export type RuleQuality = z.infer<typeof ruleQualitySchema>;

/** Per rule id (the current rules only). */
export const qualityStatsSchema = z.object({ byRule: z.record(z.string(), ruleQualitySchema) });
export type QualityStats = z.infer<typeof qualityStatsSchema>;

const percent = (ratio: number) => `${Math.round(100 * ratio)} %`;
/** Made on first use: making it touches ICU's locale data, ~5 MB of resident memory a proxy otherwise never needs. */
let fractionOfCent: Intl.NumberFormat | undefined;

/** Dollars with cents; below a cent, two significant digits ("$0.0042"). */
export function formatCost(dollars: number): string {
  if (dollars === 0 || Math.abs(dollars) >= 0.01) return `$${dollars.toFixed(2)}`;
  fractionOfCent ??= new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 });
  return fractionOfCent.format(dollars);
}

/** "Measured: 91 % of sampled drafts matched claude-opus-5-5 (±4 %, n = 120, cost $0.83)". */
export function describeAgreement(shadow: ShadowAgreement): string {
  const { n, rate, low, high, model } = shadow;
  if (n === 0 || rate === null || low === null || high === null) {
    const failed = shadow.failed ? ` (${shadow.failed} shadow call${shadow.failed === 1 ? '' : 's'} failed, cost ${formatCost(shadow.cost)})` : '';
    return `Not measured yet: no sampled draft compared${failed}.`;
  }
  const unpriced = shadow.unpriced ? ` + ${shadow.unpriced} unpriced` : '';
  const wording = shadow.byWording ? `; ${shadow.byWording} compared by wording only` : '';
  return `Measured: ${percent(rate)} of sampled drafts matched ${model ?? 'the verifier'} (±${percent((high - low) / 2)}, n = ${n}, cost ${formatCost(shadow.cost)}${unpriced}${wording})`;
}

/**
 * The class against the user's target at the rule's current threshold for it: whether it meets
 * it, and which threshold would have. Null when the user set no target.
 */
export function describeTarget(quality: ClassQuality, threshold: number): string | null {
  const { target, suggestion, shadow } = quality;
  if (target === null || suggestion === null) return null;
  if (shadow.rate === null) return `Target ${percent(target)}: not measured yet.`;
  const at = (s: { threshold: number; agreement: number; n: number }) =>
    `${percent(s.agreement)} of the ${s.n} sampled drafts at ${s.threshold.toFixed(2)} or above matched`;
  if (shadow.rate >= target) {
    return suggestion.kind === 'threshold' && suggestion.threshold < threshold
      ? `Meets your ${percent(target)} target. A threshold as low as ${suggestion.threshold.toFixed(2)} would still have met it: ${at(suggestion)}.`
      : `Meets your ${percent(target)} target.`;
  }
  const below = `Below your ${percent(target)} target.`;
  switch (suggestion.kind) {
    case 'threshold':
      return `${below} A threshold of ${suggestion.threshold.toFixed(2)} would have met it: ${at(suggestion)}.`;
    case 'unreachable':
      return `${below} No threshold would have met it: at best, ${at(suggestion)}.`;
    case 'not_enough_samples':
      return `${below} ${suggestion.n} of the ${suggestion.needed} samples needed to suggest a threshold so far.`;
  }
}

/** "3 of 120 accepted write drafts later failed (3 %)". */
export function describeLaterFailed(quality: ClassQuality, actionClass: ActionClass): string {
  const { accepted, laterFailed, laterFailedShare } = quality;
  const share = laterFailedShare === null ? '' : ` (${percent(laterFailedShare)})`;
  return `${laterFailed} of ${accepted} accepted ${actionClass} drafts later failed${share}`;
}

/**
 * "Unverified answer drafts: 12 accepted (saved $0.31; 1 later failed; 4 of 5 sampled matched) ·
 * 3 escalated (accepting them would have saved $0.05 more)".
 */
export function describeUnverified(u: UnverifiedOutcomes, actionClass: ActionClass): string {
  if (u.accepted === 0 && u.escalated === 0) return `No unverified ${actionClass} drafts yet.`;
  const parts: string[] = [];
  if (u.accepted > 0) {
    const fared = [`saved ${formatCost(u.savings)}`];
    if (u.laterFailed > 0) fared.push(`${u.laterFailed} later failed`);
    if (u.sampled > 0) fared.push(`${u.agreed} of ${u.sampled} sampled matched`);
    parts.push(`${u.accepted} accepted (${fared.join('; ')})`);
  }
  if (u.escalated > 0) parts.push(`${u.escalated} escalated (accepting them would have saved ${formatCost(u.forgone)} more)`);
  return `Unverified ${actionClass} drafts: ${parts.join(' · ')}`;
}
