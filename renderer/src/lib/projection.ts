// "What if" for a rule's threshold: the checker's confidence, the draft's action class and
// whether it was unverified are recorded with every decision, so the acceptance rate under
// other settings is computable from history.
import type { DecisionRecord } from '../../../contracts/decision';
import { acceptsUnverified, thresholdFor, type CascadeRule } from '../../../contracts/rules';

export const THRESHOLD_MIN = 0.5;
export const THRESHOLD_MAX = 0.95;
export const THRESHOLD_STEP = 0.01;
export const THRESHOLD_PRESETS = [
  { value: 0.6, label: 'Aggressive' },
  { value: 0.7, label: 'Balanced' },
  { value: 0.8, label: 'Conservative' },
] as const;

export interface Projection {
  /** Drafts that would have been accepted. */
  accepted: number;
  /** Drafts attempted by the rule in the sample. */
  attempts: number;
  /** accepted / attempts; null with no attempts. */
  rate: number | null;
}

export type ProjectedRule = Pick<CascadeRule, 'id' | 'threshold' | 'classThresholds' | 'acceptUnverified'>;

/**
 * The drafts of the rule that these settings would accept, judged as the proxy's policy judges
 * them: the class's threshold, and unverified drafts only where the rule accepts them. A draft
 * that failed (draft_error) or that a decisive signal stopped is never accepted; requests that
 * made no draft (passthrough, not_worth_drafting) are not counted.
 */
export function projectAcceptance(decisions: readonly DecisionRecord[], rule: ProjectedRule): Projection {
  let accepted = 0;
  let attempts = 0;
  for (const record of decisions) {
    if (record.ruleId !== rule.id || record.decision === 'passthrough' || record.decision === 'not_worth_drafting') continue;
    attempts += 1;
    if (wouldAccept(record, rule)) accepted += 1;
  }
  return { accepted, attempts, rate: attempts === 0 ? null : accepted / attempts };
}

function wouldAccept(record: DecisionRecord, rule: ProjectedRule): boolean {
  if (record.confidence === null || record.signals.some((s) => s.decisive)) return false;
  // Records from before action classes were judged against the one threshold.
  const cls = record.actionClass;
  if (!cls) return record.confidence >= rule.threshold;
  return record.confidence >= thresholdFor(rule, cls) && (!record.unverified || acceptsUnverified(rule, cls));
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
