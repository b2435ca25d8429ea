import { describe, expect, it } from 'vitest';
import { emptyTotals } from '../../contracts/stats';
import type { CallRecord } from '../../contracts/decision';
import { decisionRecord } from '../../test/fixtures/contracts';
import { addToTotals, MODEL_KEYS_MAX, OTHER_MODELS, UNKNOWN_MODEL_KEYS } from './totals';

const usage = { input_tokens: 10, output_tokens: 5 };
const call = (model: string, cost: number | null, status = 200): CallRecord => ({ model, status, usage: cost ? usage : null, cost, latencyMs: 5 });

/** A passthrough answered (or refused) by `model`. */
function passthrough(model: string, answered: { cost: number | null; status?: number }) {
  const failed = (answered.status ?? 200) >= 400;
  return decisionRecord({
    requestedModel: model,
    answeringModel: model,
    decision: failed ? 'failed' : 'passthrough',
    ruleId: null,
    verifier: call(model, answered.cost, answered.status),
    cost: answered.cost,
    baselineCost: answered.cost,
    savings: answered.cost === null ? null : 0,
    ...(answered.cost === null && { unpricedModels: [model] }),
  });
}

describe('model keys in the totals', () => {
  it('names no model for calls refused before any token (a $0 call), nor a failed request’s model', () => {
    const totals = emptyTotals();
    for (let i = 0; i < 5_000; i++) addToTotals(totals, passthrough(`nope-${i}`, { cost: 0, status: 404 }));
    expect(totals.queries).toBe(5_000);
    expect(totals.failed).toBe(5_000);
    expect(totals.modelsUsed).toEqual({});
    expect(totals.costByModel).toEqual({});
  });

  it(`folds unpriced answering models beyond ${UNKNOWN_MODEL_KEYS} keys into "${OTHER_MODELS}"`, () => {
    const totals = emptyTotals();
    addToTotals(totals, passthrough('claude-sonnet-4-6', { cost: 0.01 }));
    for (let i = 0; i < 5_000; i++) addToTotals(totals, passthrough(`local-${i}`, { cost: null }));
    expect(Object.keys(totals.modelsUsed)).toHaveLength(UNKNOWN_MODEL_KEYS + 1);
    expect(totals.modelsUsed[OTHER_MODELS]).toBe(5_000 - (UNKNOWN_MODEL_KEYS - 1));
    expect(totals.modelsUsed['local-0']).toBe(1);
    // A billed model still gets its own key, and one already known keeps counting under its name.
    addToTotals(totals, passthrough('claude-opus-4-6', { cost: 0.02 }));
    addToTotals(totals, passthrough('local-0', { cost: null }));
    expect(totals.modelsUsed['claude-opus-4-6']).toBe(1);
    expect(totals.modelsUsed['local-0']).toBe(2);
    expect(totals.costByModel).toEqual({ 'claude-sonnet-4-6': 0.01, 'claude-opus-4-6': 0.02 });
  });

  it(`bounds billed models too, at ${MODEL_KEYS_MAX} keys (a price pattern prices endless made-up ids)`, () => {
    const totals = emptyTotals();
    for (let i = 0; i < 1_000; i++) addToTotals(totals, passthrough(`claude-haiku-4-5-${i}`, { cost: 0.001 }));
    expect(Object.keys(totals.modelsUsed)).toHaveLength(MODEL_KEYS_MAX + 1);
    expect(Object.keys(totals.costByModel)).toHaveLength(MODEL_KEYS_MAX + 1);
    expect(totals.modelsUsed[OTHER_MODELS]).toBe(1_000 - MODEL_KEYS_MAX);
    expect(totals.costByModel[OTHER_MODELS]).toBeCloseTo((1_000 - MODEL_KEYS_MAX) * 0.001, 9);
  });
});
