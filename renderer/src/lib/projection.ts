// "What if" for a rule's threshold: the checker's confidence and the draft's action class are
// recorded with every decision, so how many recent drafts another threshold lets through is
// computable from history.
import type { DecisionRecord } from '../../../contracts/decision';
import { draftReach, type JudgedDraft, type RuleDraftReach } from '../../../contracts/rule-checks';
import type { CascadeRule } from '../../../contracts/rules';

export const THRESHOLD_MIN = 0.5;
export const THRESHOLD_MAX = 0.95;
export const THRESHOLD_STEP = 0.01;
export const THRESHOLD_PRESETS = [
  { value: 0.6, label: 'Aggressive' },
  { value: 0.7, label: 'Balanced' },
  { value: 0.8, label: 'Conservative' },
] as const;

export type ProjectedRule = Pick<CascadeRule, 'id' | 'threshold' | 'classThresholds'>;

/**
 * The rule's judged drafts among `decisions` against thresholds not saved yet (a slider being
 * dragged), counted as the proxy counts its reach for the saved ones.
 */
export function projectReach(decisions: readonly DecisionRecord[], rule: ProjectedRule): RuleDraftReach {
  const drafts: JudgedDraft[] = [];
  for (const { ruleId, confidence, actionClass } of decisions) {
    if (ruleId === rule.id && confidence !== null && actionClass) drafts.push({ confidence, actionClass });
  }
  return draftReach(rule, drafts);
}

/** Whether two versions of a rule have the same thresholds (a reach measured under one holds for the other). */
export function sameThresholds(a: ProjectedRule, b: ProjectedRule): boolean {
  return a.threshold === b.threshold && JSON.stringify(a.classThresholds ?? {}) === JSON.stringify(b.classThresholds ?? {});
}

/** Slider values snap to hundredths so 0.7 is exactly 0.7 when compared with confidences. */
export function clampThreshold(value: number): number {
  const snapped = Math.round(value * 100) / 100;
  return Math.min(THRESHOLD_MAX, Math.max(THRESHOLD_MIN, snapped));
}

/** The preset a threshold sits closest to, for the slider's caption. */
export function thresholdLabel(threshold: number): string {
  let best: (typeof THRESHOLD_PRESETS)[number] = THRESHOLD_PRESETS[0];
  for (const preset of THRESHOLD_PRESETS) {
    if (Math.abs(preset.value - threshold) < Math.abs(best.value - threshold)) best = preset;
  }
  const exact = Math.abs(best.value - threshold) < 1e-9;
  return exact ? best.label : `near ${best.label}`;
}
