import type { StatsResponse, Totals } from '../../contracts/stats';

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function pct(part: number, whole: number): number {
  return whole > 0 ? round((part / whole) * 100, 2) : 0;
}

/** GET /stats with the seed's field names: dollars rounded to 1e-6, percentages in 0–100. */
export function toStatsResponse(t: Totals, uptimeSeconds: number): StatsResponse {
  return {
    total_queries: t.queries,
    total_cost: round(t.cost, 6),
    avg_cost_per_query: t.queries > 0 ? round(t.cost / t.queries, 6) : 0,
    cascade_used_count: t.accepted,
    cascade_usage_pct: pct(t.accepted, t.queries),
    models_used: { ...t.modelsUsed },
    baseline_cost: round(t.baselineCost, 6),
    total_savings: round(t.savings, 6),
    savings_pct: pct(t.savings, t.baselineCost),
    escalated_count: t.escalated,
    passthrough_count: t.passthrough,
    draft_error_count: t.draftErrors,
    not_worth_drafting_count: t.notWorthDrafting,
    skipped_draft_loss_avoided: round(t.skippedDraftLossAvoided, 6),
    unpriced_query_count: t.unpricedQueries,
    uptime_seconds: Math.floor(uptimeSeconds),
  };
}
