import { describe, expect, it } from 'vitest';
import { buildContext } from '../extract';
import { draftMessage, requestFor } from '../../../test/fixtures/messages';
import { FEATURE_NAMES, featuresOf } from './features';

const features = (question: string, answer: string) => {
  const values = featuresOf(buildContext(requestFor(question), draftMessage(answer), false, undefined));
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, values[i]]));
};

describe('learned features', () => {
  it('reads the demand and the answer (hand-computed)', () => {
    // 47 characters; asks for code, so a page is expected: 600 + 900 = 1,500 characters.
    // Its key terms (stemmed, stopwords out): pytho, funct, rever, strin; the answer has 1 of them.
    // "Unfortunately" and "I cannot write" are two claims of inability.
    const f = features('Write a Python function that reverses a string.', 'Unfortunately I cannot write Python.');
    expect(f.question_log_chars).toBeCloseTo(Math.log(48), 12);
    expect(f.answer_length_for_demand).toBeCloseTo(Math.log(37) - Math.log(1500), 12);
    expect(f.answer_term_coverage).toBe(0.25);
    expect(f.answer_inability).toBeCloseTo(Math.log(3), 12);
  });

  it('expects more of a question in several parts, and nothing of a plain one', () => {
    // An explanation (900 characters) in three parts, two items and a question: 900 + 2 × 150.
    const parts = features('Compare these:\n1. cats\n2. dogs\nWhich is better?', 'Cats.');
    expect(parts.answer_length_for_demand).toBeCloseTo(Math.log(6) - Math.log(1200), 12);
    // Only a shortfall counts: a longer answer than asked for is not a merit in itself.
    expect(features('Who wrote Hamlet?', 'Shakespeare. '.repeat(40)).answer_length_for_demand).toBe(0);
    const plain = features('Hi', 'Hello there.');
    expect(plain.answer_term_coverage).toBe(1); // no content word to cover
    expect(plain.answer_inability).toBe(0);
  });

  it('counts claims of inability anywhere, in any case, each once, up to five', () => {
    const question = 'Explain how the tides work.';
    // "I apologize", "UNFORTUNATELY", "as an AI", "I can't browse", "I’m not comfortable": five;
    // "I can" (no verb it cannot), "without a doubt" and "xunfortunately" are not claims.
    const answer = 'I apologize. UNFORTUNATELY, as an AI I can\'t browse. I can help. Without a doubt, xunfortunately: I’m not comfortable.';
    expect(features(question, answer).answer_inability).toBeCloseTo(Math.log(6), 12);
    expect(features(question, `${answer} Unfortunately.`).answer_inability).toBeCloseTo(Math.log(6), 12); // capped at five
    // A character that lower-cases to two ("İ") shifts positions: the same claims are found.
    expect(features(question, `İ ${answer}`).answer_inability).toBeCloseTo(Math.log(6), 12);
    expect(features(question, 'The tides follow the moon.').answer_inability).toBe(0);
  });
});
