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

/**
 * Money spent after the record was counted (a shadow verification's call): cost up, savings
 * down, on requests whose money is counted at all.
 */
export function addLaterCost(counts: DecisionCounts, record: DecisionRecord, cost: number): void {
  if (record.cost === null || record.baselineCost === null) return;
  counts.cost += cost;
  counts.savings -= cost;
}

/** A later call's cost (see addLaterCost), also under its model. */
export function addLaterCostToTotals(totals: Totals, record: DecisionRecord, model: string, cost: number): void {
  if (record.cost === null || record.baselineCost === null) return;
  addLaterCost(totals, record, cost);
  addTo(totals.costByModel, model, cost);
}

/** What drafting was estimated to lose against going direct, on a request the proxy chose not to draft. */
export function skippedDraftLoss(record: DecisionRecord): number {
  return record.decision === 'not_worth_drafting' && record.estimate ? Math.max(0, record.estimate.draft - record.estimate.direct) : 0;
}

export function addToTotals(totals: Totals, record: DecisionRecord): void {
  addCounts(totals, record);
  if (record.cost === null || record.baselineCost === null) totals.unpricedQueries += 1;
  totals.skippedDraftLossAvoided += skippedDraftLoss(record);
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
