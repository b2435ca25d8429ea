import { describe, expect, it } from 'vitest';
import { groupFolds } from './folds';

describe('folds by group', () => {
  const groups = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e'];

  it('keeps the rows of one group in one fold, deals the groups evenly, and repeats with its seed', () => {
    const folds = groupFolds(groups, 5, 1);
    for (let i = 0; i < groups.length; i += 2) expect(folds[i]).toBe(folds[i + 1]);
    expect([...new Set(folds)].sort()).toEqual([0, 1, 2, 3, 4]); // five groups, five folds: one each
    expect(groupFolds(groups, 5, 1)).toEqual(folds);
  });

  it('assigns groups differently under another seed', () => {
    const seeds = [1, 2, 3, 4].map((seed) => groupFolds(groups, 5, seed).join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});
