import type { DecisionRecord, Totals } from '../types';

export function emptyTotals(): Totals {
  return {
    queries: 0,
    cost: 0,
    baselineCost: 0,
    savings: 0,
    accepted: 0,
    escalated: 0,
    passthrough: 0,
    draftErrors: 0,
    unpricedQueries: 0,
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    modelsUsed: {},
    costByModel: {},
  };
}

/** Unknown amounts are left out of the sums and the query is counted in `unpricedQueries`. */
export function addToTotals(totals: Totals, record: DecisionRecord): void {
  totals.queries += 1;
  totals.cost += record.cost ?? 0;
  totals.baselineCost += record.baselineCost ?? 0;
  totals.savings += record.savings ?? 0;
  if (record.cost === null || record.baselineCost === null) totals.unpricedQueries += 1;
  switch (record.decision) {
    case 'accepted':
      totals.accepted += 1;
      break;
    case 'escalated':
      totals.escalated += 1;
      break;
    case 'passthrough':
      totals.passthrough += 1;
      break;
    case 'draft_error':
      totals.draftErrors += 1;
      break;
  }
  totals.tokens.input += record.tokens.input;
  totals.tokens.output += record.tokens.output;
  totals.tokens.cacheWrite += record.tokens.cacheWrite;
  totals.tokens.cacheRead += record.tokens.cacheRead;
  totals.modelsUsed[record.answeringModel] = (totals.modelsUsed[record.answeringModel] ?? 0) + 1;
  for (const call of [record.draft, record.verifier]) {
    if (call && call.cost !== null) {
      totals.costByModel[call.model] = (totals.costByModel[call.model] ?? 0) + call.cost;
    }
  }
}
