// One record counted into the totals (and the counters history and spending share). Model ids
// become keys here, bounded in number (modelKey below).
import { DECISION_COUNTER, type DecisionCounts, type Totals } from '../../contracts/stats';
import type { CallRecord, DecisionRecord } from '../../contracts/decision';

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
  addTo(totals.costByModel, modelKey(totals.costByModel, model, true), cost);
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
  // A failed request was not answered: its model is not an answering model.
  if (record.decision !== 'failed') {
    const answered = [record.draft, record.verifier].some((call) => call?.model === record.answeringModel && isBilled(call));
    addTo(totals.modelsUsed, modelKey(totals.modelsUsed, record.answeringModel, answered), 1);
  }
  // Calls that cost nothing (refused before any token) name no model worth a key.
  for (const call of [record.draft, record.verifier]) {
    if (call && isBilled(call)) addTo(totals.costByModel, modelKey(totals.costByModel, call.model, true), call.cost);
  }
}

/**
 * Where model ids in `modelsUsed` and `costByModel` stop being keys of their own. The ids come
 * from clients (records cut them to 200 characters): a model that is not known to be real (no
 * priced, billed answer) gets a key only while a map has fewer than UNKNOWN_MODEL_KEYS; a billed
 * one while it has fewer than MODEL_KEYS_MAX (a price pattern matches endless made-up ids). The
 * rest is counted under OTHER_MODELS.
 */
export const UNKNOWN_MODEL_KEYS = 100;
export const MODEL_KEYS_MAX = 200;
export const OTHER_MODELS = '(other models)';

function modelKey(sums: Record<string, number>, model: string, billed: boolean): string {
  if (Object.hasOwn(sums, model)) return model;
  return Object.keys(sums).length < (billed ? MODEL_KEYS_MAX : UNKNOWN_MODEL_KEYS) ? model : OTHER_MODELS;
}

/** A priced call that reported usage: its model answered for real. */
function isBilled(call: CallRecord): call is CallRecord & { cost: number } {
  return call.cost !== null && call.cost > 0;
}

/**
 * Model ids come from clients: "constructor" or "__proto__" must be counted like any other id,
 * not read from (or written to) Object.prototype.
 */
function addTo(sums: Record<string, number>, key: string, amount: number): void {
  const value = (Object.hasOwn(sums, key) ? sums[key] : 0) + amount;
  Object.defineProperty(sums, key, { value, enumerable: true, writable: true, configurable: true });
}
