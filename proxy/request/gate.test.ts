import { describe, expect, it } from 'vitest';
import { rule } from '../../test/fixtures/contracts';
import type { RequestPathDeps } from './deps';
import { gate, planFor } from './gate';

const input = { rule: rule(), request: { model: 'm', max_tokens: 1, messages: [] }, rawBytes: 10, now: 0, policy: 'cost_aware' as const };

describe('gate', () => {
  it('drafts without a plan when planning throws, and says so', () => {
    const deps = { economics: { planDraft: () => { throw new Error('boom'); } } } as unknown as RequestPathDeps;
    const plan = planFor(deps, input);
    expect(plan).toEqual({ draft: true, signals: [{ name: 'plan_failed', penalty: 0, reason: 'cost plan failed, drafting without one: boom' }] });
    expect(gate(rule(), null, plan)).toBeNull();
  });

  it('skips while the conversation is held, with the reason and what is left', () => {
    const value = gate(rule(), { laterFailed: [], hold: { reason: "an accepted draft's Edit came back is_error", remaining: 1 } }, { draft: true, signals: [] });
    expect(value).toEqual({
      kind: 'not_worth_drafting',
      rule: rule(),
      signals: [{ name: 'after_failure', penalty: 0, reason: "an accepted draft's Edit came back is_error: the requested model answers, 1 more request to go" }],
    });
  });

  it('skips when the plan says drafting does not pay', () => {
    const signals = [{ name: 'not_worth_drafting', penalty: 0, reason: 'drafting ≈ $0.03 vs direct ≈ $0.01' }];
    expect(gate(rule(), null, { draft: false, signals })).toEqual({ kind: 'not_worth_drafting', rule: rule(), signals });
  });
});
