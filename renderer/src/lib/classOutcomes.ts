// How often a rule's drafts of each action class were accepted in the decisions the dashboard
// holds (the recent log): the proxy's quality stats count accepted drafts and what came of them,
// this adds how many were judged, for the acceptance rate next to the per-class threshold.
import { ACTION_CLASSES, type ActionClass, type DecisionRecord } from '../../../contracts/decision';

export interface ClassOutcome {
  /** Drafts judged (accepted or escalated). */
  drafts: number;
  accepted: number;
}

export function classOutcomes(decisions: readonly DecisionRecord[], ruleId: string): Record<ActionClass, ClassOutcome> {
  const out = Object.fromEntries(ACTION_CLASSES.map((c) => [c, { drafts: 0, accepted: 0 }])) as Record<ActionClass, ClassOutcome>;
  for (const record of decisions) {
    const judged = record.decision === 'accepted' || record.decision === 'escalated';
    if (record.ruleId !== ruleId || !judged || !record.actionClass) continue;
    out[record.actionClass].drafts += 1;
    if (record.decision === 'accepted') out[record.actionClass].accepted += 1;
  }
  return out;
}
