import { describe, expect, it } from 'vitest';
import { fitLogistic, solve, standardise } from './logistic';

describe('logistic regression', () => {
  it('solves a small linear system', () => {
    // 2a + b = 5, a + 3b = 10 → a = 1, b = 3
    const [a, b] = solve([[2, 1], [1, 3]], [5, 10]);
    expect(a).toBeCloseTo(1, 12);
    expect(b).toBeCloseTo(3, 12);
  });

  it('standardises features, a constant one to scale 1', () => {
    expect(standardise([{ x: [1, 5], y: 0 }, { x: [3, 5], y: 1 }])).toEqual({ mean: [2, 5], scale: [1, 1] });
  });

  it('finds the closed-form fit of two points (hand-computed)', () => {
    // x = -1 with target 0.25 and x = +1 with target 0.75 (standardised: ±1): the fit passes
    // through both, so bias 0 and weight logit(0.75) = ln 3.
    const fit = fitLogistic([{ x: [-1], y: 0.25 }, { x: [1], y: 0.75 }], 0);
    expect(fit.bias).toBeCloseTo(0, 9);
    expect(fit.weights[0]).toBeCloseTo(Math.log(3), 9);
  });

  it('learns the base rate as the intercept, and shrinks weights with the penalty', () => {
    // Three of four positive and a feature that never varies: bias ln 3, weight 0.
    const rate = fitLogistic([1, 1, 1, 0].map((y) => ({ x: [5], y })), 1);
    expect(rate.bias).toBeCloseTo(Math.log(3), 9);
    expect(rate.weights[0]).toBe(0);
    const free = fitLogistic([{ x: [-1], y: 0.25 }, { x: [1], y: 0.75 }], 0).weights[0];
    const shrunk = fitLogistic([{ x: [-1], y: 0.25 }, { x: [1], y: 0.75 }], 1).weights[0];
    expect(shrunk).toBeGreaterThan(0);
    expect(shrunk).toBeLessThan(free);
  });

  it('counts an example of weight 3 as three copies of it', () => {
    const predict = (fit: ReturnType<typeof fitLogistic>, x: number) => 1 / (1 + Math.exp(-(fit.bias + (fit.weights[0] * (x - fit.mean[0])) / fit.scale[0])));
    const weighted = fitLogistic([{ x: [0], y: 1, weight: 3 }, { x: [1], y: 0 }, { x: [2], y: 1 }], 0);
    const repeated = fitLogistic([{ x: [0], y: 1 }, { x: [0], y: 1 }, { x: [0], y: 1 }, { x: [1], y: 0 }, { x: [2], y: 1 }], 0);
    for (const x of [0, 1, 2]) expect(predict(weighted, x)).toBeCloseTo(predict(repeated, x), 9);
  });

  it('clips standardised values as inference does', () => {
    // With the outlier clipped to +1 standard deviation, the two far points weigh like near ones.
    const examples = [{ x: [0], y: 0.2 }, { x: [0], y: 0.2 }, { x: [0], y: 0.2 }, { x: [10], y: 0.9 }];
    expect(fitLogistic(examples, 0, 1).weights[0]).not.toBeCloseTo(fitLogistic(examples, 0).weights[0], 3);
  });
});
