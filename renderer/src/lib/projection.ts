// "What if" for a rule's threshold: the checker's confidence is recorded with every
// decision, so the acceptance rate at another threshold is computable from history.
import type { DecisionRecord } from '../../../contracts/decision';

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

/** A draft that failed (draft_error) has no confidence and is never accepted. */
export function projectAcceptance(decisions: readonly DecisionRecord[], ruleId: string, threshold: number): Projection {
  let accepted = 0;
  let attempts = 0;
  for (const record of decisions) {
    if (record.ruleId !== ruleId || record.decision === 'passthrough') continue;
    attempts += 1;
    if (record.confidence !== null && record.confidence >= threshold) accepted += 1;
  }
  return { accepted, attempts, rate: attempts === 0 ? null : accepted / attempts };
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
