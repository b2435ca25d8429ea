// Cross-validation folds by group: rows that share a prompt (the same request, answered by
// several drafts) always fall in the same fold, so no test prompt was seen in training.
import { seededRandom } from '../../simulator/seeded-random';

/** The fold (0 … k-1) of each row: groups shuffled with the seed, then dealt round-robin. */
export function groupFolds(groups: readonly string[], k: number, seed: number): number[] {
  const distinct = [...new Set(groups)];
  const next = seededRandom(seed);
  const order = distinct.map((g) => ({ g, r: next() })).sort((a, b) => a.r - b.r);
  const foldOf = new Map(order.map(({ g }, i) => [g, i % k]));
  return groups.map((g) => foldOf.get(g) as number);
}
