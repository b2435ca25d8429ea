// How checkQuality turns signals into a confidence, and when it says it has no evidence.
import { describe, expect, it } from 'vitest';
import { draftMessage, requestFor } from '../../test/fixtures/messages';
import { checkQuality, createChecker } from './index';
import { FEATURE_NAMES } from './learned/features';
import { silentModel } from './learned/model';

/** Weighs only coverage of the question's words: a fully covering answer shifts the odds by +1. */
const coverageModel = { ...silentModel(), weights: FEATURE_NAMES.map((f) => (f === 'answer_term_coverage' ? 1 : 0)), margin: 0.1 };
const question = requestFor('Explain the history of Rome and its emperors.');
// Covers every key term of the question (histo, rome, emper); long enough and clean for every hand-written check.
const answer =
  'The history of Rome runs from a small kingdom to a republic and then to an empire ruled by emperors, ' +
  'from Augustus in 27 BC to the last western emperor in AD 476, with the east lasting until 1453.';

describe('confidence from evidence', () => {
  it('is the prior 0.9 and unverified when no check finds anything either way', () => {
    const result = createChecker(silentModel())(question, draftMessage(answer));
    expect(result).toMatchObject({ confidence: 0.9, signals: [], unverified: true, actionClass: 'answer' });
  });

  it('lets support remove its share of the doubt: 1 - 0.1 × e^-1', () => {
    const result = createChecker(coverageModel)(question, draftMessage(answer));
    expect(result.signals).toEqual([expect.objectContaining({ name: 'learned', penalty: 0, support: 0.632 })]);
    expect(result.confidence).toBe(0.963);
    expect(result.unverified).toBe(false);
  });

  it('applies penalties after support, so support never outweighs them: (1 - 0.1 × e^-1) × (1 - 0.9)', () => {
    const result = createChecker(coverageModel)(question, draftMessage(answer, 'max_tokens'));
    expect(result.signals.map((s) => s.name)).toEqual(['truncated', 'learned']);
    expect(result.confidence).toBe(0.096);
    expect(result.unverified).toBe(false);
  });

  it('counts a penalty alone as evidence', () => {
    const result = createChecker(silentModel())(question, draftMessage(answer, 'max_tokens'));
    expect(result).toMatchObject({ confidence: 0.09, unverified: false });
  });

  it('supports a numeric answer its own working reaches', () => {
    const result = checkQuality(requestFor('Tom has 3 boxes of 4 apples. How many apples does he have?'), draftMessage('3 x 4 = 12. He has 12 apples.'));
    expect(result.signals).toContainEqual(expect.objectContaining({ name: 'derived_answer', penalty: 0, support: 0.3 }));
    expect(result.unverified).toBe(false);
    expect(result.confidence).toBe(0.93);
  });
});
