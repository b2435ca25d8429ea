import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import { decisionRecord, rule } from '../../test/fixtures/contracts';
import { ModelCatalog } from '../models/catalog';
import { createMemoryDecisionStore } from '../store/memory-store';
import { REACH_WINDOW, RuleChecksState } from './rule-checks';

const opus = rule({ id: 'opus', match: 'claude-opus-4*', draftModel: 'claude-haiku-4.5', threshold: 0.7 });

/** No key and no upstream: the price table alone knows models. */
const priceTableOnly = () =>
  new ModelCatalog({ upstreamUrl: () => 'http://127.0.0.1:9', fallbackApiKey: () => null, priceOverrides: () => ({}), onChange: () => undefined, warn: () => undefined });

function checks(rules = [opus]) {
  const counter = { changes: 0 };
  const state = new RuleChecksState({ rules, models: priceTableOnly(), onChange: () => counter.changes++ });
  return { state, counter };
}

/** A draft call the upstream refused as not found, then the verifier's answer. */
const refused = (model = 'claude-haiku-4.5', ruleId = 'opus'): DecisionRecord =>
  decisionRecord({
    ruleId,
    decision: 'draft_error',
    confidence: null,
    draft: { model, status: 404, usage: null, cost: null, latencyMs: 20, failure: { kind: 'http_status', message: '404 not_found_error: model: claude-haiku-4.5' } },
  });
const judged = (confidence: number, over: Partial<DecisionRecord> = {}): DecisionRecord =>
  decisionRecord({
    ruleId: 'opus',
    decision: 'escalated',
    confidence,
    actionClass: 'answer',
    draft: { model: 'claude-haiku-4-5', status: 200, usage: null, cost: 0.001, latencyMs: 50 },
    ...over,
  });

const kinds = (state: RuleChecksState) => state.warnings().map((w) => `${w.ruleId}:${w.kind}`);

describe('rule checks', () => {
  it('warns about an unknown draft model from the start; a fixed rule clears it', () => {
    const { state, counter } = checks();
    expect(kinds(state)).toEqual(['opus:unknown_model']);
    state.rulesChanged([{ ...opus, draftModel: 'claude-haiku-4-5' }]);
    expect(kinds(state)).toEqual([]);
    expect(counter.changes).toBe(1);
  });

  it('warns after 3 drafts in a row refused as not found, with one status change; a draft that succeeds clears it', () => {
    const { state, counter } = checks();
    const before = counter.changes;
    state.observe(refused());
    state.observe(refused());
    expect(kinds(state)).toEqual(['opus:unknown_model']);
    state.observe(refused());
    expect(kinds(state)).toEqual(['opus:unknown_model', 'opus:model_not_found']);
    expect(counter.changes).toBe(before + 1);
    // A fourth: the words move on, the set does not (no extra status event).
    state.observe(refused());
    expect(state.warnings()[1].message).toMatch(/the last 4 draft calls to claude-haiku-4\.5/);
    expect(counter.changes).toBe(before + 1);

    state.observe(judged(0.9, { draft: { model: 'claude-haiku-4.5', status: 200, usage: null, cost: 0.001, latencyMs: 50 } }));
    expect(kinds(state)).toEqual(['opus:unknown_model']);
    expect(counter.changes).toBe(before + 2);
  });

  it('starts a rule afresh when its draft model changes', () => {
    const { state } = checks();
    for (let i = 0; i < 3; i++) state.observe(refused());
    expect(kinds(state)).toContain('opus:model_not_found');
    state.rulesChanged([{ ...opus, draftModel: 'claude-haiku-4-5' }]);
    expect(kinds(state)).toEqual([]);
    expect(state.current().reach).toEqual([{ ruleId: 'opus', drafts: 0, passing: 0, highest: null }]);
  });

  it('measures recent drafts against the rule as it is now, and warns when none reaches its threshold', () => {
    const strict = { ...opus, draftModel: 'claude-haiku-4-5', threshold: 0.95 };
    const { state, counter } = checks([strict]);
    for (let i = 0; i < 9; i++) state.observe(judged(0.9));
    expect(kinds(state)).toEqual([]);
    state.observe(judged(0.91));
    expect(state.warnings()).toEqual([
      {
        ruleId: 'opus',
        kind: 'threshold_unreachable',
        field: 'threshold',
        message: 'No recent draft reaches 0.95 (highest 0.91 of 10 drafts): every request pays for the draft and the verifier.',
      },
    ]);
    expect(state.current().reach).toEqual([{ ruleId: 'opus', drafts: 10, passing: 0, highest: 0.91 }]);
    expect(counter.changes).toBe(1);
    // The slider moved to 0.9: the same drafts, all ten through.
    state.rulesChanged([{ ...strict, threshold: 0.9 }]);
    expect(state.current().reach).toEqual([{ ruleId: 'opus', drafts: 10, passing: 10, highest: 0.91 }]);
    expect(kinds(state)).toEqual([]);
    expect(counter.changes).toBe(2);
  });

  it(`keeps the last ${REACH_WINDOW} judged drafts of each rule, and only judged ones`, () => {
    const { state } = checks([{ ...opus, draftModel: 'claude-haiku-4-5' }]);
    state.observe(judged(0.99));
    for (let i = 0; i < REACH_WINDOW; i++) state.observe(judged(0.5));
    state.observe(decisionRecord({ ruleId: 'opus', decision: 'not_worth_drafting', confidence: null }));
    state.observe(judged(0.99, { ruleId: 'elsewhere' }));
    // The 0.99 fell out of the window.
    expect(state.current().reach).toEqual([{ ruleId: 'opus', drafts: REACH_WINDOW, passing: 0, highest: 0.5 }]);
  });

  it('rebuilds drafts and a not-found run from the store at start, and forgets them on a statistics reset', async () => {
    const store = createMemoryDecisionStore();
    store.append(judged(0.8, { draft: { model: 'claude-haiku-4.5', status: 200, usage: null, cost: 0.001, latencyMs: 50 } }));
    for (let i = 0; i < 3; i++) store.append(refused());
    const { state, counter } = checks();
    await state.load(store);
    expect(kinds(state)).toEqual(['opus:unknown_model', 'opus:model_not_found']);
    expect(state.current().reach).toEqual([{ ruleId: 'opus', drafts: 1, passing: 1, highest: 0.8 }]);
    expect(counter.changes).toBe(1);

    state.forgetDrafts();
    expect(kinds(state)).toEqual(['opus:unknown_model']);
    expect(state.current().reach).toEqual([{ ruleId: 'opus', drafts: 0, passing: 0, highest: null }]);
  });

  it('answers every known model and why the upstream list is missing', () => {
    const { state } = checks();
    const { models, upstreamModelsError } = state.current();
    expect(upstreamModelsError).toMatch(/no key to ask with yet/);
    expect(models.every((m) => m.priced && !m.listed && !m.id.includes('*'))).toBe(true);
    expect(models.map((m) => m.id)).toContain('claude-sonnet-5');
  });
});
