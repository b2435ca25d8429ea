import { answeredByDraftShare, draftAcceptanceRate, type StatsResponse, type Totals } from '../../contracts/stats';

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function pct(part: number, whole: number): number {
  return whole > 0 ? round((part / whole) * 100, 2) : 0;
}

/** A share in [0, 1] (null: nothing to divide) as the 0–100 percentage /stats reports. */
function pctOf(share: number | null): number {
  return share === null ? 0 : round(share * 100, 2);
}

/** GET /stats with the seed's field names: dollars rounded to 1e-6, percentages in 0–100. */
export function toStatsResponse(t: Totals, uptimeSeconds: number): StatsResponse {
  return {
    total_queries: t.queries,
    total_cost: round(t.cost, 6),
    avg_cost_per_query: t.queries > 0 ? round(t.cost / t.queries, 6) : 0,
    cascade_used_count: t.accepted,
    cascade_usage_pct: pctOf(answeredByDraftShare(t)),
    draft_acceptance_pct: pctOf(draftAcceptanceRate(t)),
    models_used: { ...t.modelsUsed },
    baseline_cost: round(t.baselineCost, 6),
    total_savings: round(t.savings, 6),
    savings_pct: pct(t.savings, t.baselineCost),
    escalated_count: t.escalated,
    passthrough_count: t.passthrough,
    draft_error_count: t.draftErrors,
    failed_count: t.failed,
    not_worth_drafting_count: t.notWorthDrafting,
    skipped_draft_loss_avoided: round(t.skippedDraftLossAvoided, 6),
    unpriced_query_count: t.unpricedQueries,
    uptime_seconds: Math.floor(uptimeSeconds),
  };
}
