// The gate step, before any draft: a rule matched, but is drafting this request worth it?
// Not while the conversation is held after one of its accepted drafts later failed. The
// answer is a decision value (not_worth_drafting, with named reasons) or null: draft.
import type { CascadeRule } from '../../contracts/rules';
import type { TurnStart } from '../conversations/memory';
import type { DecisionValue } from './exchange';

export function gate(rule: CascadeRule, turn: TurnStart | null): DecisionValue | null {
  if (turn?.hold) {
    const more = turn.hold.remaining > 0 ? `, ${turn.hold.remaining} more request${turn.hold.remaining > 1 ? 's' : ''} to go` : '';
    return {
      kind: 'not_worth_drafting',
      rule,
      signals: [{ name: 'after_failure', penalty: 0, reason: `${turn.hold.reason}: the requested model answers${more}` }],
    };
  }
  return null;
}
