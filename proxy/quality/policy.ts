// The acceptance policy: given a rule and the checker's verdict on a draft, accept or escalate,
// and say why. One pure function, called by the request path and by the replay harness, so
// the harness measures exactly what the proxy decides.
import type { ActionClass } from '../../contracts/decision';
import { acceptsUnverified, thresholdFor, type CascadeRule } from '../../contracts/rules';
import type { QualityResult } from './types';

export type AcceptanceRule = Pick<CascadeRule, 'threshold' | 'classThresholds' | 'acceptUnverified'>;

export interface Acceptance {
  accept: boolean;
  /** Why, in words for the log line and the dashboard. */
  reason: string;
  /** The threshold the draft's class had to reach under the rule. */
  threshold: number;
}

const nouns: Record<ActionClass, string> = { read: 'read-only tool call', write: 'tool call that changes things', answer: 'answer' };

/**
 * Accept iff the draft was not stopped early by a decisive signal, its confidence reaches its
 * class's threshold, and, when no check found evidence for or against it (`unverified`), the
 * rule accepts unverified drafts of that class.
 */
export function judgeAcceptance(
  rule: AcceptanceRule,
  quality: Pick<QualityResult, 'confidence' | 'actionClass' | 'unverified'>,
  stoppedEarly: boolean,
): Acceptance {
  const threshold = thresholdFor(rule, quality.actionClass);
  const { confidence, actionClass } = quality;
  if (stoppedEarly) return { accept: false, reason: 'stopped early: a decisive signal ruled the draft out', threshold };
  if (confidence < threshold) {
    return { accept: false, reason: `confidence ${confidence.toFixed(2)} < threshold ${threshold.toFixed(2)} (${actionClass})`, threshold };
  }
  if (quality.unverified && !acceptsUnverified(rule, actionClass)) {
    return { accept: false, reason: `unverified ${nouns[actionClass]}: no check found evidence either way, and the rule waits for evidence`, threshold };
  }
  return { accept: true, reason: `confidence ${confidence.toFixed(2)} ≥ threshold ${threshold.toFixed(2)} (${actionClass})`, threshold };
}
