// The conversation side of one request. Before deciding: the conversation's shared state is
// loaded (replicas; bounded wait, else the local state decides), then the tool results it hands
// back tell whether an accepted draft of the conversation later failed (its record is amended;
// the conversation's memory and economics learn of it). After recording: an accepted draft's
// tool calls are remembered, every outcome feeds the economics (caches, acceptance), the
// conversation's state is saved for the other replicas, and a sampled accepted draft is
// shadow-verified in the background.
import type { DecisionRecord } from '../../contracts/decision';
import type { ConversationRef } from '../conversations/identify';
import type { TurnStart } from '../conversations/memory';
import { exportConversation, importConversation } from '../conversations/shared-state';
import { isToolUse } from '../wire';
import type { RequestBody } from './request-body';
import type { RequestPathDeps } from './deps';
import type { DecisionValue, Exchange } from './exchange';

export async function beginTurn(deps: RequestPathDeps, conversation: ConversationRef | null, body: RequestBody, now: number): Promise<TurnStart | null> {
  if (!conversation) return null;
  const shared = await deps.conversationState.load(conversation.id);
  if (shared) importConversation(deps.conversations, deps.economics, conversation.id, shared);
  const turn = deps.conversations.begin(conversation.id, () => body.tryRequest()?.messages ?? [], now, deps.config.escalateAfterFailure);
  for (const { recordId, failure } of turn.laterFailed) {
    deps.amend({ id: recordId, laterFailed: failure });
    deps.economics.laterFailed(recordId, conversation.id, now);
  }
  return turn;
}

export function endTurn(ex: Exchange, decision: DecisionValue, record: DecisionRecord): void {
  const { deps, conversation } = ex;
  deps.economics.observe(record, ex.body.raw.length);
  const accepted = decision.kind === 'accepted' ? decision : null;
  if (conversation) {
    if (accepted) deps.conversations.accepted(conversation.id, record.id, accepted.draft.message.content.filter(isToolUse), Date.now());
    deps.conversationState.save(conversation.id, () => exportConversation(deps.conversations, deps.economics, conversation.id));
  }
  if (!accepted) return;
  deps.shadow.consider({
    recordId: record.id,
    rule: accepted.rule,
    request: ex.request,
    headers: ex.headers,
    pathAndQuery: ex.pathAndQuery,
    draft: accepted.draft.message,
    ...(conversation?.project && { workingDirectory: conversation.project }),
  });
}
