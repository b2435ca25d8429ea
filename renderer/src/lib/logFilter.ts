// Decision log: filter, order and bound the records the dashboard holds.
import {
  DECISIONS,
  DEFAULT_DECISION_LIMIT,
  describeFailure,
  FAILURE_KINDS,
  penalisingSignals,
  POLICY_SIGNAL,
  type Decision,
  type DecisionRecord,
  type QualitySignal,
} from '../../../contracts/decision';

export type DecisionFilter = Decision | 'all';

export const DECISION_FILTERS: DecisionFilter[] = ['all', ...DECISIONS];

/** Most decisions the dashboard keeps in memory: what the proxy answers without a limit. */
export const LOG_CAPACITY = DEFAULT_DECISION_LIMIT;

export function filterDecisions(records: readonly DecisionRecord[], filter: DecisionFilter, search = ''): DecisionRecord[] {
  const needle = search.trim().toLowerCase();
  return records.filter(
    (r) =>
      (filter === 'all' || r.decision === filter) &&
      (needle === '' ||
        r.requestedModel.toLowerCase().includes(needle) ||
        r.answeringModel.toLowerCase().includes(needle) ||
        r.signals.some((s) => s.reason.toLowerCase().includes(needle)) ||
        (r.failure?.message ?? '').toLowerCase().includes(needle) ||
        (r.failure?.kind ?? '').includes(needle) ||
        (r.actionClass ?? '').includes(needle) ||
        (r.conversationId ?? '').toLowerCase().includes(needle) ||
        (r.project ?? '').toLowerCase().includes(needle) ||
        (r.laterFailed?.reason ?? '').toLowerCase().includes(needle)),
  );
}

/** Merge new records into the list: one entry per id, newest first, bounded. */
export function mergeDecisions(
  current: readonly DecisionRecord[],
  incoming: readonly DecisionRecord[],
  capacity = LOG_CAPACITY,
): DecisionRecord[] {
  const byId = new Map<string, DecisionRecord>();
  for (const record of current) byId.set(record.id, record);
  for (const record of incoming) byId.set(record.id, record);
  return [...byId.values()].sort((a, b) => b.time - a.time).slice(0, capacity);
}

/**
 * The signals that decided it, strongest first; when nothing penalised, the policy's verdict
 * (why the class threshold or the unverified rule let it through or not), else the rest.
 */
export function decidingSignals(signals: readonly QualitySignal[]): QualitySignal[] {
  const penalising = penalisingSignals(signals);
  if (penalising.length > 0) return penalising;
  const policy = signals.filter((s) => s.name === POLICY_SIGNAL);
  return policy.length > 0 ? policy : [...signals];
}

export interface SignalGroups {
  /** Lowered confidence or ruled the draft out, strongest first. */
  against: QualitySignal[];
  /** Evidence for the draft, strongest first. */
  support: QualitySignal[];
  /** The policy's verdict, skip reasons and the rest (penalty 0, no support). */
  notes: QualitySignal[];
}

export function groupSignals(signals: readonly QualitySignal[]): SignalGroups {
  const against = penalisingSignals(signals);
  const support = signals.filter((s) => !against.includes(s) && (s.support ?? 0) > 0).sort((a, b) => (b.support ?? 0) - (a.support ?? 0));
  const notes = signals.filter((s) => !against.includes(s) && !support.includes(s));
  return { against, support, notes };
}

/**
 * What the client got instead of an answer, e.g. "overloaded_error: Overloaded (HTTP 529)": the
 * upstream's words (without the status it starts with, shown once at the end), else the kind's.
 */
export function failedInWords(record: DecisionRecord): string {
  const { failure, status } = record;
  const message = failure?.message.replace(new RegExp(`^${status} `), '').trim();
  const words = message || (failure ? FAILURE_KINDS[failure.kind] : 'unknown failure');
  // A stream that had started (200) failed with an error event in it.
  return `${words} (${status >= 400 ? `HTTP ${status}` : 'error in the stream'})`;
}

/** One line in words for the log row. */
export function summarizeDecision(record: DecisionRecord): string {
  if (record.decision === 'failed') return failedInWords(record);
  if (record.decision === 'draft_error') {
    const failure = record.failure ?? record.draft?.failure;
    return failure ? describeFailure(failure) : 'the draft call failed';
  }
  if (record.decision === 'passthrough') {
    if (record.failure) return describeFailure(record.failure);
    return record.status >= 400 ? `upstream answered ${record.status}` : 'no rule applied (no match, or cascade paused)';
  }
  const reasons = decidingSignals(record.signals).map((s) => s.reason);
  if (reasons.length > 0) return reasons.join('; ');
  if (record.decision === 'not_worth_drafting') return 'a rule matched, but drafting was not expected to pay';
  return record.decision === 'accepted' ? 'no quality problem found' : 'confidence below threshold';
}
