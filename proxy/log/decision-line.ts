import { describeFailure, penalisingSignals, POLICY_SIGNAL, type DecisionAmend, type DecisionRecord } from '../../contracts/decision';

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
  const policy = record.signals.find((s) => s.name === POLICY_SIGNAL);
  if (policy) return policy.reason;
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
  const via = record.clientApi === 'openai' ? ' via OpenAI API' : '';
  const token = record.tokenName ? ` (token ${record.tokenName})` : '';
  const line = `[${record.id}] ${oneLine(decisionLine(record))}${via}${token}`;
  return prompt === null ? line : `${line} | prompt: ${JSON.stringify(prompt)}`;
}

/** Model ids come from clients and error messages from the upstream: control characters (newlines, terminal escapes) would forge log lines. */
function oneLine(text: string): string {
  return text.replace(/\p{Cc}+/gu, ' ');
}

/** The log line of a later change to a decision, naming it by the start of its id. */
export function formatAmendLine(change: DecisionAmend): string {
  const lines: string[] = [];
  if (change.laterFailed) lines.push(`↩️  Later failed: accepted draft (${change.laterFailed.reason}); escalating the conversation's next requests`);
  if (change.shadow) {
    const { shadow } = change;
    const verdict = shadow.failure ? `no comparison (${describeFailure(shadow.failure)})` : `${shadow.agreed ? 'agreed' : 'disagreed'} (${shadow.reason})`;
    lines.push(`🔍 Shadow check by ${shadow.model}${retried(shadow)}: ${verdict}, ${money(shadow.cost)}`);
  }
  return `[${change.id}] ${oneLine(lines.join(' · '))}`;
}

/** " after 2 retries": the call was asked again after 429, 529 or 5xx answers. */
function retried(call: { retries?: number } | undefined): string {
  const n = call?.retries ?? 0;
  return n > 0 ? ` after ${n} ${n === 1 ? 'retry' : 'retries'}` : '';
}

/** " (write)": the draft's action class, when one was judged. */
function actionClass(record: DecisionRecord): string {
  return record.actionClass ? ` (${record.actionClass}${record.unverified ? ', unverified' : ''})` : '';
}

/** The skip's reasons: the signals it carries. */
function skipReason(record: DecisionRecord): string {
  return record.signals.map((s) => s.reason).join('; ') || 'no reason recorded';
}

function decisionLine(record: DecisionRecord): string {
  const { decision, answeringModel, requestedModel } = record;
  if (decision === 'accepted') {
    const savings =
      record.savings !== null && record.baselineCost
        ? ` (~${Math.round((record.savings / record.baselineCost) * 100)}% savings vs ${requestedModel})`
        : ` (vs ${requestedModel})`;
    return `✅ Draft accepted${actionClass(record)}: ${answeringModel}, ${money(record.cost)}${savings}${unpriced(record)}`;
  }
  if (decision === 'escalated') {
    return `❌ Escalated${actionClass(record)} to verifier: ${answeringModel}${retried(record.verifier)} (reason: ${escalationReason(record)}), ${money(record.cost)}${unpriced(record)}`;
  }
  if (decision === 'draft_error') {
    // Without a draft call the failure says why none was made ("skipped: …").
    const why = failureText(record);
    const cause = record.draft ? `${record.draft.model}: ${why}` : why;
    return `⚠️ Draft error (${cause}), answered by ${answeringModel}${retried(record.verifier)}, ${money(record.cost)}${unpriced(record)}`;
  }
  if (decision === 'failed') {
    // The calls that were made say what was tried before the client got its error.
    const draft = record.draft ? `, after a draft by ${record.draft.model}` : '';
    return `⛔ Failed: ${answeringModel}${retried(record.verifier)}: ${failureText(record)} (HTTP ${record.status})${draft}, ${money(record.cost)}${unpriced(record)}`;
  }
  if (decision === 'not_worth_drafting') {
    return `⏭️  Not worth drafting: answered by ${answeringModel} (${skipReason(record)}), ${money(record.cost)}${unpriced(record)}`;
  }
  return `➡️  Passthrough: ${answeringModel}, ${money(record.cost)}${unpriced(record)}`;
}
