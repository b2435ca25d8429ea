import { DECISION_COUNTER, type DecisionCounts, type Totals } from '../../contracts/stats';
import type { DecisionRecord } from '../../contracts/decision';

/**
 * The money sums take only requests whose cost and baseline are both known, so cost, baseline
 * and savings always describe the same requests (cost + savings = baseline, and savings_pct
 * is not skewed); the others are counted in Totals.unpricedQueries.
 */
export function addCounts(counts: DecisionCounts, record: DecisionRecord): void {
  counts.queries += 1;
  if (record.cost !== null && record.baselineCost !== null) {
    counts.cost += record.cost;
    counts.baselineCost += record.baselineCost;
    counts.savings += record.baselineCost - record.cost;
  }
  counts[DECISION_COUNTER[record.decision]] += 1;
}

export function addToTotals(totals: Totals, record: DecisionRecord): void {
  addCounts(totals, record);
  if (record.cost === null || record.baselineCost === null) totals.unpricedQueries += 1;
  totals.tokens.input += record.tokens.input;
  totals.tokens.output += record.tokens.output;
  totals.tokens.cacheWrite += record.tokens.cacheWrite;
  totals.tokens.cacheRead += record.tokens.cacheRead;
  addTo(totals.modelsUsed, record.answeringModel, 1);
  for (const call of [record.draft, record.verifier]) {
    if (call && call.cost !== null) addTo(totals.costByModel, call.model, call.cost);
  }
}

/**
 * Model ids come from clients: "constructor" or "__proto__" must be counted like any other id,
 * not read from (or written to) Object.prototype.
 */
function addTo(sums: Record<string, number>, key: string, amount: number): void {
  const value = (Object.hasOwn(sums, key) ? sums[key] : 0) + amount;
  Object.defineProperty(sums, key, { value, enumerable: true, writable: true, configurable: true });
}
