// The record step: one DecisionRecord per request, built from the decision value, the answer
// and the cost the respond step settled.
import { randomUUID } from 'node:crypto';
import { POLICY_SIGNAL, type CallRecord, type DecisionRecord, type QualitySignal, type TokenCounts } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import type { Answer } from './respond';
import { answeringModelOf, draftCallOf, type DecisionValue, type Exchange } from './exchange';

export interface Settled {
  rule: CascadeRule | null;
  decision: DecisionValue;
  answer: Answer;
  startedAt: number;
}

export function decisionRecord(ex: Exchange, { rule, decision, answer, startedAt }: Settled): DecisionRecord {
  const draft = draftCallOf(decision);
  const { verifier, costs } = answer;
  const judged = decision.kind === 'accepted' || decision.kind === 'escalated' ? decision : null;
  const quality = judged?.draft.quality;
  // 499: the client closed the connection before an answer went out (nginx's convention).
  const { client } = ex;
  const status = client.headersSent || !ex.signal.aborted ? client.res.statusCode : 499;
  const failure = answer.failure ?? (decision.kind === 'draft_error' ? decision.failure : verifier?.failure);
  const record: DecisionRecord = {
    id: randomUUID(),
    time: startedAt,
    requestedModel: ex.request.model,
    answeringModel: answeringModelOf(decision, ex.request),
    decision: decision.kind,
    ruleId: rule?.id ?? null,
    stream: ex.request.stream === true,
    confidence: quality?.confidence ?? null,
    threshold: judged?.acceptance.threshold ?? rule?.threshold ?? null,
    signals: signalsOf(decision),
    tokens: tokensOf([draft, verifier]),
    cost: costs.cost,
    baselineCost: costs.baselineCost,
    savings: costs.savings,
    latencyMs: Date.now() - startedAt,
    ttfbMs: client.ttfbMs,
    status,
  };
  if (draft) record.draft = draft;
  if (verifier) record.verifier = verifier;
  if (failure) record.failure = failure;
  if (costs.unpricedModels.length) record.unpricedModels = costs.unpricedModels;
  if (ex.conversation) {
    record.conversationId = ex.conversation.id;
    if (ex.conversation.project) record.project = ex.conversation.project;
  }
  if (quality) {
    record.actionClass = quality.actionClass;
    record.unverified = quality.unverified;
  }
  if (decision.kind !== 'passthrough' && decision.estimate) record.estimate = decision.estimate;
  return record;
}

/** The checker's signals and the policy's verdict for a judged draft; the gate's reasons for a skip. */
function signalsOf(decision: DecisionValue): QualitySignal[] {
  if (decision.kind === 'passthrough') return [];
  if (decision.kind === 'not_worth_drafting') return decision.signals;
  const notes = decision.notes ?? [];
  if (decision.kind === 'draft_error') return notes;
  return [...notes, ...decision.draft.quality.signals, { name: POLICY_SIGNAL, penalty: 0, reason: decision.acceptance.reason }];
}

function tokensOf(calls: Array<CallRecord | undefined>): TokenCounts {
  const tokens: TokenCounts = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  for (const call of calls) {
    const usage = call?.usage;
    if (!usage) continue;
    tokens.input += usage.input_tokens ?? 0;
    tokens.output += usage.output_tokens ?? 0;
    tokens.cacheWrite += usage.cache_creation_input_tokens ?? 0;
    tokens.cacheRead += usage.cache_read_input_tokens ?? 0;
  }
  return tokens;
}
