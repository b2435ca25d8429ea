import { describeFailure, penalisingSignals, type DecisionRecord } from '../../contracts/decision';

function money(value: number | null): string {
  return value === null ? 'cost unknown' : `$${value.toFixed(6)}`;
}

function unpriced(record: DecisionRecord): string {
  return record.unpricedModels?.length ? ` [no price for ${record.unpricedModels.join(', ')}]` : '';
}

function failureText(record: DecisionRecord): string {
  return record.failure ? describeFailure(record.failure) : 'unknown failure';
}

/** The signals that lowered confidence, in words; the threshold comparison when none did. */
function escalationReason(record: DecisionRecord): string {
  const reasons = penalisingSignals(record.signals).map((s) => s.reason);
  if (reasons.length > 0) return reasons.join('; ');
  if (record.confidence !== null && record.threshold !== null) {
    return `confidence ${record.confidence.toFixed(2)} < threshold ${record.threshold.toFixed(2)}`;
  }
  return 'quality check failed';
}

/**
 * The one log line per request, in the seed's format. It never contains keys, and prompt
 * text only as the excerpt the caller passes when the user turned settings.logPrompts on:
 * otherwise only model ids, amounts, signal reasons and upstream error messages.
 */
export function formatDecisionLine(record: DecisionRecord, prompt: string | null = null): string {
  // Model ids come from clients and error messages from the upstream: control characters
  // (newlines, terminal escapes) would forge log lines.
  const line = decisionLine(record).replace(/\p{Cc}+/gu, ' ');
  return prompt === null ? line : `${line} | prompt: ${JSON.stringify(prompt)}`;
}

function decisionLine(record: DecisionRecord): string {
  const { decision, answeringModel, requestedModel } = record;
  if (decision === 'accepted') {
    const savings =
      record.savings !== null && record.baselineCost
        ? ` (~${Math.round((record.savings / record.baselineCost) * 100)}% savings vs ${requestedModel})`
        : ` (vs ${requestedModel})`;
    return `✅ Draft accepted: ${answeringModel}, ${money(record.cost)}${savings}${unpriced(record)}`;
  }
  if (decision === 'escalated') {
    return `❌ Escalated to verifier: ${answeringModel} (reason: ${escalationReason(record)}), ${money(record.cost)}${unpriced(record)}`;
  }
  if (decision === 'draft_error') {
    // Without a draft call the failure says why none was made ("skipped: …").
    const why = failureText(record);
    const cause = record.draft ? `${record.draft.model}: ${why}` : why;
    return `⚠️ Draft error (${cause}), answered by ${answeringModel}, ${money(record.cost)}${unpriced(record)}`;
  }
  const status = record.status >= 400 ? ` (HTTP ${record.status}${record.failure ? `: ${failureText(record)}` : ''})` : '';
  return `➡️  Passthrough: ${answeringModel}, ${money(record.cost)}${status}${unpriced(record)}`;
}
