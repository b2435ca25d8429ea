// The conversation side of one request. Before deciding: the tool results it hands back tell
// whether an accepted draft of the conversation later failed (its record is amended; the
// conversation's memory and economics learn of it). After recording: an accepted draft's tool
// calls are remembered, every outcome feeds the economics (caches, acceptance), and a sampled
// accepted draft is shadow-verified in the background.
import type { DecisionRecord } from '../../contracts/decision';
import type { ConversationRef } from '../conversations/identify';
import type { TurnStart } from '../conversations/memory';
import { isToolUse, type MessagesRequest } from '../wire';
import type { RequestPathDeps } from './deps';
import type { DecisionValue, Exchange } from './exchange';

export function beginTurn(deps: RequestPathDeps, conversation: ConversationRef | null, request: MessagesRequest, now: number): TurnStart | null {
  if (!conversation) return null;
  const turn = deps.conversations.begin(conversation.id, request.messages, now, deps.config.escalateAfterFailure);
  for (const { recordId, failure } of turn.laterFailed) {
    deps.amend({ id: recordId, laterFailed: failure });
    deps.economics.laterFailed(recordId, conversation.id, now);
  }
  return turn;
}

export function endTurn(ex: Exchange, decision: DecisionValue, record: DecisionRecord): void {
  const { deps, conversation } = ex;
  deps.economics.observe(record, ex.raw.length);
  if (decision.kind !== 'accepted') return;
  const { message } = decision.draft;
  if (conversation) deps.conversations.accepted(conversation.id, record.id, message.content.filter(isToolUse), Date.now());
  deps.shadow.consider({
    recordId: record.id,
    rule: decision.rule,
    request: ex.request,
    headers: ex.headers,
    pathAndQuery: ex.pathAndQuery,
    draft: message,
    ...(conversation?.project && { workingDirectory: conversation.project }),
  });
}
