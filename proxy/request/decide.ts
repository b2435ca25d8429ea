// The decide step: draft with the rule's cheap model, judge the draft, apply the rule's
// acceptance policy (per action class), and conclude with a decision value. Nothing here
// writes to the client.
import type { CascadeRule } from '../../contracts/rules';
import { buildDraftRequest, type DraftRequest } from '../models/adapt-request';
import { groundDraft } from '../grounding/ground';
import { withEvidence } from '../quality';
import { judgeAcceptance } from '../quality/policy';
import { isToolUse } from '../wire';
import { describeError, failure } from '../upstream/failures';
import { runDraft, type JudgedDraft } from './draft';
import type { DecisionValue, Exchange } from './exchange';

export async function decide(ex: Exchange, rule: CascadeRule): Promise<DecisionValue> {
  try {
    return await draftAndJudge(ex, rule);
  } catch (err) {
    // A bug of the proxy's own while drafting is a draft failure like any other: the verifier answers.
    return { kind: 'draft_error', rule, failure: failure('proxy_error', describeError(err)) };
  }
}

async function draftAndJudge(ex: Exchange, rule: CascadeRule): Promise<DecisionValue> {
  const draftRequest = adaptForDraft(ex, rule);
  if (draftRequest.unsupported) {
    // No draft call at all: the requested model answers, and the record says why.
    return { kind: 'draft_error', rule, failure: failure('skipped', draftRequest.unsupported) };
  }
  const headers = { ...ex.headers };
  if (draftRequest.beta) headers['anthropic-beta'] = draftRequest.beta;
  else delete headers['anthropic-beta'];

  const { deadlines } = ex.options;
  const model = draftRequest.body.model;
  const stream = draftRequest.body.stream === true;
  const draft = await runDraft({
    request: draftRequest.body,
    body: ex.body.serialize(draftRequest.body),
    headers,
    baseUrl: ex.deps.config.upstreamUrl,
    pathAndQuery: ex.pathAndQuery,
    signal: ex.signal,
    firstByteTimeoutMs: deadlines.deadlineFor(model, stream),
    timeoutMs: deadlines.capMs,
    accounting: ex.deps.accounting,
    onFirstByte: (ms) => deadlines.observe(model, stream, ms),
  });
  if (ex.signal.aborted) {
    // Nobody waits for an answer any more: the draft was cut short, and nothing is escalated.
    return { kind: 'draft_error', rule, failure: failure('client_gone', 'client disconnected'), draftCall: draft.call };
  }
  if (draft.kind === 'failed') return { kind: 'draft_error', rule, failure: draft.failure, draftCall: draft.call };
  const grounded = ground(ex, draft);
  // A draft stopped early by a decisive signal, or whose call grounding refutes, is never acceptable.
  const refuted = draft.stoppedEarly || grounded.quality.signals.some((s) => s.decisive);
  const acceptance = judgeAcceptance(rule, grounded.quality, refuted);
  return { kind: acceptance.accept ? 'accepted' : 'escalated', rule, draft: grounded, acceptance };
}

/**
 * When the client shares this machine (loopback), states its working directory and grounding is
 * on: the draft's tool calls checked against the files they name (read-only, bounded).
 */
function ground(ex: Exchange, draft: JudgedDraft): JudgedDraft {
  const workingDirectory = ex.conversation?.project;
  if (!workingDirectory || !ex.localClient || !ex.deps.config.grounding) return draft;
  const calls = draft.message.content.filter(isToolUse);
  if (calls.length === 0) return draft;
  return { ...draft, quality: withEvidence(draft.quality, groundDraft(calls, { workingDirectory })) };
}

/**
 * The draft model's version of the request. A request shaped in a way adaptation cannot read
 * (e.g. a null message) is not drafted: the requested model gets it as it came and the API's
 * own 400 answers the client, not a proxy 502 its SDK would retry.
 */
function adaptForDraft(ex: Exchange, rule: CascadeRule): DraftRequest {
  try {
    return buildDraftRequest(ex.request, ex.headers['anthropic-beta'], rule.draftModel, ex.options.signatures);
  } catch (err) {
    return { body: ex.request, beta: undefined, unsupported: `request could not be adapted for ${rule.draftModel} (${describeError(err)})` };
  }
}
