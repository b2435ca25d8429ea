import { describe, expect, it } from 'vitest';
import { buildContext } from '../extract';
import { draftMessage, requestFor } from '../../../test/fixtures/messages';
import type { AssistantMessage, MessagesRequest } from '../../wire';
import { FEATURE_NAMES, type FeatureName } from './features';
import { learnedCheck } from './index';
import { loadModel, silentModel, type LearnedModel } from './model';
import { SHIPPED_MODEL } from './shipped';

/** A model that weighs only the given features, on unstandardised values. */
function modelWith(weights: Partial<Record<FeatureName, number>>, margin = 0.1): LearnedModel {
  return { ...silentModel(), weights: FEATURE_NAMES.map((f) => weights[f] ?? 0), margin };
}

const run = (model: LearnedModel, request: MessagesRequest, draft: AssistantMessage) => learnedCheck(model)(buildContext(request, draft, false, undefined));

describe('the learned check', () => {
  const question = requestFor('Write a Python function that reverses a string.');

  it('penalises a draft below its prior: keeps e^shift of the confidence, and says what weighed most', () => {
    // Two claims of inability: x = ln 3, weight -1, so the shift is -ln 3 and e^shift = 1/3.
    const [signal] = run(modelWith({ answer_inability: -1 }), question, draftMessage('Unfortunately I cannot write Python.'));
    expect(signal.name).toBe('learned');
    expect(signal.penalty).toBeCloseTo(2 / 3, 12);
    expect(signal.support).toBeUndefined();
    expect(signal.reason).toBe('weaker than a typical draft for this question (log-odds -1.10; mostly claims of inability)');
  });

  it('supports a draft above its prior: removes 1 - e^-shift of the doubt', () => {
    // Coverage 1/4 (pytho of pytho, funct, rever, strin) with weight +1: shift 0.25.
    const [signal] = run(modelWith({ answer_term_coverage: 1 }), question, draftMessage('Unfortunately I cannot write Python.'));
    expect(signal).toMatchObject({ name: 'learned', penalty: 0 });
    expect(signal.support).toBeCloseTo(1 - Math.exp(-0.25), 12);
    expect(signal.reason).toMatch(/^stronger than a typical draft for this question \(log-odds \+0\.25; mostly how much of the question the answer addresses\)$/);
  });

  it('stays silent within its margin of the prior', () => {
    expect(run(modelWith({ answer_term_coverage: 1 }, 0.3), question, draftMessage('Unfortunately I cannot write Python.'))).toEqual([]);
  });

  it('leaves numeric questions, worked calculations, tool calls and unfinished drafts to other checks', () => {
    const model = modelWith({ answer_inability: -1 });
    expect(run(model, requestFor('A farmer has 15 cows and buys 25 more. How many cows does he have?'), draftMessage('Unfortunately 40.'))).toEqual([]);
    expect(run(model, requestFor('Grace weighs 125 pounds and Alex 2 less than 4 times that. Their weights together?'), draftMessage('4 x 125 = 500, 500 - 2 = 498, 498 + 125 = 623. Unfortunately heavy.'))).toEqual([]);
    const call = draftMessage([{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } }], 'tool_use');
    expect(run(model, question, call)).toEqual([]);
    const partial = learnedCheck(model)(buildContext(question, draftMessage('Unfortunately I cannot'), true, undefined));
    expect(partial).toEqual([]);
  });
});

describe('the learned model file', () => {
  it('refuses weights made for other features', () => {
    expect(() => loadModel({ ...silentModel(), features: ['answer_log_chars'] })).toThrow(/retrain with npm run train:quality/);
    expect(() => loadModel({ ...silentModel(), weights: [1] })).toThrow(/one mean, scale and weight per feature/);
  });

  it('ships weights for these features with their held-out figures', () => {
    expect(SHIPPED_MODEL.features).toEqual([...FEATURE_NAMES]);
    expect(SHIPPED_MODEL.training).toMatchObject({ heldOut: [expect.objectContaining({ auroc: expect.objectContaining({ mean: expect.any(Number) }) })] });
  });
});
