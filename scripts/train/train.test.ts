import { describe, expect, it } from 'vitest';
import type { Row } from '../eval/dataset';
import { crossValidate, examplesOf, promptKey, qualityKept } from './train';

const row = (id: string, question: string, answer: string, draftQuality: number, verifierQuality = 1): Row => ({
  id,
  messages: [{ role: 'user', content: question }],
  draft: { text: answer, quality: draftQuality },
  verifier: { text: 'A thorough answer.', quality: verifierQuality },
});

describe('training data', () => {
  it('labels each draft with the share of the verifier quality it keeps', () => {
    expect(qualityKept(row('a', 'q', 'a', 0.9, 0.8))).toBe(1);
    expect(qualityKept(row('a', 'q', 'a', 0.5, 0.8))).toBeCloseTo(0.7, 12);
  });

  it('groups rows by their request, whatever their ids', () => {
    expect(promptKey(row('x', 'Explain DNS', 'one', 1))).toBe(promptKey(row('y', 'Explain DNS', 'two', 0)));
    expect(promptKey(row('x', 'Explain DNS', 'one', 1))).not.toBe(promptKey(row('x', 'Explain TCP', 'one', 1)));
  });

  it('takes only the drafts the learned check judges', () => {
    const big = { file: 'big', rows: [row('1', 'Explain how DNS resolves a name.', 'DNS asks resolvers.', 1), row('2', 'Explain TCP handshakes.', 'SYN, SYN-ACK, ACK.', 0)] };
    const small = { file: 'small', rows: [row('3', 'Explain UDP.', 'No handshake.', 1), row('4', 'What is 3 apples plus 4 apples?', '3 + 4 = 7 apples.', 1)] };
    const examples = examplesOf([big, small]);
    expect(examples).toHaveLength(3); // the numeric question is left to the arithmetic checks
    expect(examples.map((e) => e.y)).toEqual([1, 0, 1]);
  });
});

describe('cross-validation', () => {
  it('scores every row held out and compares with the checker without the learned check', () => {
    const rows = Array.from({ length: 12 }, (_, i) =>
      row(`r${i}`, `Explain topic number ${i % 6} in depth, with examples.`, i % 2 ? 'Short.' : `A long and careful explanation of topic ${i % 6}. `.repeat(20), i % 2 ? 0.2 : 1),
    );
    const [heldOut] = crossValidate([{ file: 'tiny', rows }], { l2: 1, margin: 0.1, folds: 3, repeats: 2, priceRatio: 5 });
    expect(heldOut).toMatchObject({ file: 'tiny', rows: 12 });
    // Length for the demand separates these drafts perfectly, held out too.
    expect(heldOut.auroc.min).toBe(1);
    expect(heldOut.withoutLearned.auroc).toBeLessThan(1);
    expect(heldOut.otherModelOtherPrompts).toBeNull(); // one draft model only

    // Two draft models: each model's drafts are scored by a model trained on the other's, on other prompts.
    const twoModels = rows.map((r, i) => ({ ...r, draft: { ...r.draft, model: i % 4 < 2 ? 'a' : 'b' } }));
    const [across] = crossValidate([{ file: 'tiny', rows: twoModels }], { l2: 1, margin: 0.1, folds: 3, repeats: 1, priceRatio: 5 });
    expect(across.otherModelOtherPrompts).toMatchObject({ runs: 4 }); // a→b and b→a, each on both halves
  });
});
