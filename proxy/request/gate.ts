// The gate step, before any draft: a rule matched, but is drafting this request worth it?
// Not while the conversation is held after one of its accepted drafts later failed, nor when
// the economics say drafting would not pay (proxy/economics/plan.ts). The answer is a
// decision value (not_worth_drafting, with named reasons and both cost estimates) or null: draft.
import type { CostEstimate } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import type { TurnStart } from '../conversations/memory';
import type { DraftPlan, PlanInput } from '../economics/plan';
import { describeError } from '../upstream/failures';
import type { RequestPathDeps } from './deps';
import type { DecisionValue } from './exchange';

/** The economics' plan; a bug of the proxy's own while planning drafts as if no plan were made (the request must not fail for it). */
export function planFor(deps: RequestPathDeps, input: PlanInput): DraftPlan {
  try {
    return deps.economics.planDraft(input);
  } catch (err) {
    return { draft: true, signals: [{ name: 'plan_failed', penalty: 0, reason: `cost plan failed, drafting without one: ${describeError(err)}` }] };
  }
}

export function gate(rule: CascadeRule, turn: TurnStart | null, plan: DraftPlan): DecisionValue | null {
  const estimate = estimateOf(plan);
  if (turn?.hold) {
    const more = turn.hold.remaining > 0 ? `, ${turn.hold.remaining} more request${turn.hold.remaining > 1 ? 's' : ''} to go` : '';
    return {
      kind: 'not_worth_drafting',
      rule,
      signals: [{ name: 'after_failure', penalty: 0, reason: `${turn.hold.reason}: the requested model answers${more}` }],
      ...(estimate && { estimate }),
    };
  }
  if (!plan.draft) return { kind: 'not_worth_drafting', rule, signals: plan.signals, ...(estimate && { estimate }) };
  return null;
}

/** A drafted request keeps the plan's estimate and notes (e.g. a probe after a pause) on its record. */
export function withPlan(decision: DecisionValue, plan: DraftPlan): DecisionValue {
  if (decision.kind === 'passthrough' || decision.kind === 'not_worth_drafting') return decision;
  const estimate = estimateOf(plan);
  return { ...decision, ...(estimate && { estimate }), ...(plan.signals.length > 0 && { notes: plan.signals }) };
}

/** The contract's fields only: the plan's working figures stay out of the record. */
function estimateOf(plan: DraftPlan): CostEstimate | undefined {
  if (!plan.estimate) return undefined;
  const { direct, draft, acceptance, acceptanceBasis } = plan.estimate;
  return { direct, draft, acceptance, acceptanceBasis };
}
