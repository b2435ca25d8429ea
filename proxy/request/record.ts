// The record step: one DecisionRecord per request, built from the decision value, the answer
// and the cost the respond step settled; model ids bounded in length (MODEL_ID_MAX_CHARS).
import { randomFillSync } from 'node:crypto';
import { POLICY_SIGNAL, type CallRecord, type DecisionRecord, type Failure, type QualitySignal, type TokenCounts } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import type { Answer } from './respond';
import { answeringModelOf, draftCallOf, type DecisionValue, type Exchange } from './exchange';

export interface Settled {
  rule: CascadeRule | null;
  decision: DecisionValue;
  answer: Answer;
  startedAt: number;
}

/**
 * Longest model id a record keeps. Ids come from clients, and a record's ids become keys in the
 * stats, lines in the store and the log: a 20 MB id must not stay in them for good.
 */
export const MODEL_ID_MAX_CHARS = 200;

export function boundedModelId(id: string): string {
  return id.length > MODEL_ID_MAX_CHARS ? `${id.slice(0, MODEL_ID_MAX_CHARS - 1)}…` : id;
}

function boundedCall(call: CallRecord): CallRecord {
  return call.model.length > MODEL_ID_MAX_CHARS ? { ...call, model: boundedModelId(call.model) } : call;
}

/** Random bytes for REQUEST_IDS_PER_FILL ids, drawn at once: one call into the CSPRNG instead of one per request. */
const REQUEST_IDS_PER_FILL = 512;
const ID_BYTES = 8;
const idPool = Buffer.alloc(ID_BYTES * REQUEST_IDS_PER_FILL);
let idOffset = idPool.length;

/**
 * A request id: 16 hex digits (64 random bits), short for a log line, unique for a lifetime of
 * records across processes and replicas (the team store's key). Every id has bits of its own,
 * never a counter's, so ids from processes that started alike cannot collide more than random.
 */
export function newRequestId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const id = idPool.toString('hex', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

/**
 * Why the client got an error instead of an answer, or undefined when it got one (or left
 * first: 499 is the client's doing). An accepted draft is replayed whole, so it never fails here.
 */
function clientFailure(status: number, answer: Answer, decision: DecisionValue): Failure | undefined {
  if (status === 499 || decision.kind === 'accepted') return undefined;
  const failure = answer.failure ?? answer.verifier?.failure;
  return failure && failure.kind !== 'client_gone' ? failure : undefined;
}

export function decisionRecord(ex: Exchange, { rule, decision, answer, startedAt }: Settled): DecisionRecord {
  const draft = draftCallOf(decision);
  const { verifier, costs } = answer;
  const judged = decision.kind === 'accepted' || decision.kind === 'escalated' ? decision : null;
  const quality = judged?.draft.quality;
  // 499: the client closed the connection before an answer went out (nginx's convention).
  const { client } = ex;
  const status = client.headersSent || !ex.signal.aborted ? client.res.statusCode : 499;
  const failed = clientFailure(status, answer, decision);
  const failure = failed ?? answer.failure ?? (decision.kind === 'draft_error' ? decision.failure : verifier?.failure);
  const record: DecisionRecord = {
    id: ex.id,
    time: startedAt,
    requestedModel: boundedModelId(ex.model),
    // For a failed request: the model that was asked to answer and did not.
    answeringModel: boundedModelId(answeringModelOf(decision, ex.model)),
    decision: failed ? 'failed' : decision.kind,
    ruleId: rule?.id ?? null,
    stream: ex.stream,
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
  if (draft) record.draft = boundedCall(draft);
  if (verifier) record.verifier = boundedCall(verifier);
  if (failure) record.failure = failure;
  if (costs.unpricedModels.length) record.unpricedModels = costs.unpricedModels.map(boundedModelId);
  if (ex.conversation) {
    record.conversationId = ex.conversation.id;
    if (ex.conversation.project) record.project = ex.conversation.project;
  }
  if (quality) {
    record.actionClass = quality.actionClass;
    record.unverified = quality.unverified;
  }
  if (decision.kind !== 'passthrough' && decision.estimate) record.estimate = decision.estimate;
  if (ex.clientApi) record.clientApi = ex.clientApi;
  if (ex.tokenName) record.tokenName = ex.tokenName;
  if (ex.deps.replica) record.replica = ex.deps.replica;
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
