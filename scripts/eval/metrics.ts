// The arithmetic of a replay: AUROC, the quality/cost curve over thresholds, savings at
// 95 % of verifier-only quality, APGR, and the random and oracle reference checkers.
import { seededRandom } from '../../simulator/seeded-random';

/** One dataset row as the metrics see it. */
export interface ScoredRow {
  confidence: number;
  draftQuality: number;
  verifierQuality: number;
  /** Cost of the draft call and of the verifier call, in dollars. */
  draftCost: number;
  verifierCost: number;
}

export interface CurvePoint {
  /** Accept when confidence >= threshold; null = accept nothing (always escalate). */
  threshold: number | null;
  acceptance: number;
  quality: number;
  cost: number;
  /** 1 - cost / verifier-only cost; negative when the cascade costs more. */
  savings: number;
}

export interface Baseline {
  rows: number;
  draftOnlyQuality: number;
  verifierOnlyQuality: number;
  verifierOnlyCost: number;
  /** Share of rows where the draft is good enough (draft quality >= verifier quality). */
  goodEnough: number;
}

export interface Summary {
  auroc: number | null;
  /** The cheapest curve point with quality >= 95 % of verifier-only; null if none. */
  at95: CurvePoint | null;
  apgr: number | null;
  /** Operating points at the given thresholds (0.6, 0.7, 0.8 by default). */
  atThresholds: CurvePoint[];
  curve: CurvePoint[];
}

export const DEFAULT_THRESHOLDS = [0.6, 0.7, 0.8];
export const QUALITY_TARGET = 0.95;

const goodEnough = (row: ScoredRow) => row.draftQuality >= row.verifierQuality;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function baseline(rows: ScoredRow[]): Baseline {
  const n = rows.length;
  return {
    rows: n,
    draftOnlyQuality: sum(rows.map((r) => r.draftQuality)) / n,
    verifierOnlyQuality: sum(rows.map((r) => r.verifierQuality)) / n,
    verifierOnlyCost: sum(rows.map((r) => r.verifierCost)),
    goodEnough: rows.filter(goodEnough).length / n,
  };
}

/** Mann–Whitney AUROC of confidence for "good enough"; ties count one half. */
export function auroc(rows: ScoredRow[]): number | null {
  const sorted = [...rows].sort((a, b) => a.confidence - b.confidence);
  const positives = rows.filter(goodEnough).length;
  const negatives = rows.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].confidence === sorted[i].confidence) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1 … j share their mean
    for (let k = i; k < j; k++) if (goodEnough(sorted[k])) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Rows grouped by equal confidence, most confident first: a threshold cannot split a group. */
function groups(rows: ScoredRow[]): ScoredRow[][] {
  const sorted = [...rows].sort((a, b) => b.confidence - a.confidence);
  const out: ScoredRow[][] = [];
  for (const row of sorted) {
    const last = out[out.length - 1];
    if (last && last[0].confidence === row.confidence) last.push(row);
    else out.push([row]);
  }
  return out;
}

/** Every distinct operating point, from accepting nothing to accepting everything. */
export function curve(rows: ScoredRow[]): CurvePoint[] {
  const base = baseline(rows);
  const n = rows.length;
  const draftCost = sum(rows.map((r) => r.draftCost));
  let quality = base.verifierOnlyQuality * n;
  let cost = draftCost + base.verifierOnlyCost;
  let accepted = 0;
  const point = (threshold: number | null): CurvePoint => ({
    threshold,
    acceptance: accepted / n,
    quality: quality / n,
    cost,
    savings: 1 - cost / base.verifierOnlyCost,
  });
  const points = [point(null)];
  for (const group of groups(rows)) {
    for (const row of group) {
      quality += row.draftQuality - row.verifierQuality;
      cost -= row.verifierCost;
      accepted++;
    }
    points.push(point(group[0].confidence));
  }
  return points;
}

/** The operating point of accepting exactly the rows marked in `accepted` (one flag per row). */
export function pointWhere(rows: ScoredRow[], accepted: readonly boolean[]): CurvePoint {
  const base = baseline(rows);
  let cost = sum(rows.map((r) => r.draftCost)) + base.verifierOnlyCost;
  let quality = 0;
  let count = 0;
  rows.forEach((r, i) => {
    if (accepted[i]) {
      cost -= r.verifierCost;
      quality += r.draftQuality;
      count++;
    } else quality += r.verifierQuality;
  });
  return { threshold: null, acceptance: count / rows.length, quality: quality / rows.length, cost, savings: 1 - cost / base.verifierOnlyCost };
}

export function pointAt(rows: ScoredRow[], threshold: number): CurvePoint {
  return { ...pointWhere(rows, rows.map((r) => r.confidence >= threshold)), threshold };
}

export function cheapestAtQuality(points: CurvePoint[], minQuality: number): CurvePoint | null {
  let best: CurvePoint | null = null;
  // A hair of slack so a point exactly at the target is not lost to float rounding.
  for (const p of points) if (p.quality >= minQuality - 1e-12 && (!best || p.cost < best.cost)) best = p;
  return best;
}

/**
 * Average performance gap recovered over every acceptance rate 0/n … n/n. Rows tied in
 * confidence are accepted in random order, so within a tie the expected quality is used.
 */
export function apgr(rows: ScoredRow[]): number | null {
  const base = baseline(rows);
  const gap = base.verifierOnlyQuality - base.draftOnlyQuality;
  if (gap === 0) return null;
  const n = rows.length;
  let total = 0;
  let gained = base.verifierOnlyQuality * n; // quality sum at the current acceptance count
  const pgr = (qualitySum: number) => (qualitySum / n - base.draftOnlyQuality) / gap;
  total += pgr(gained);
  for (const group of groups(rows)) {
    const delta = sum(group.map((r) => r.draftQuality - r.verifierQuality)) / group.length;
    for (let j = 0; j < group.length; j++) {
      gained += delta;
      total += pgr(gained);
    }
  }
  return total / (n + 1);
}

export function summarize(rows: ScoredRow[], thresholds = DEFAULT_THRESHOLDS): Summary {
  const points = curve(rows);
  return {
    auroc: auroc(rows),
    at95: cheapestAtQuality(points, QUALITY_TARGET * baseline(rows).verifierOnlyQuality),
    apgr: apgr(rows),
    atThresholds: thresholds.map((t) => pointAt(rows, t)),
    curve: points,
  };
}


const mean = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === values.length && known.length > 0 ? sum(known) / known.length : null;
};

function meanPoint(points: (CurvePoint | null)[]): CurvePoint | null {
  if (points.some((p) => p === null)) return null;
  const ps = points as CurvePoint[];
  return {
    threshold: mean(ps.map((p) => p.threshold)),
    acceptance: sum(ps.map((p) => p.acceptance)) / ps.length,
    quality: sum(ps.map((p) => p.quality)) / ps.length,
    cost: sum(ps.map((p) => p.cost)) / ps.length,
    savings: sum(ps.map((p) => p.savings)) / ps.length,
  };
}

/** Mean of a summary over `seeds` seeded runs of a randomised checker (no curve). */
function averaged(
  rows: ScoredRow[],
  seeds: number,
  thresholds: number[],
  confidences: (next: () => number) => ScoredRow[],
): Summary {
  const runs = Array.from({ length: seeds }, (_, seed) => summarize(confidences(seededRandom(seed + 1)), thresholds));
  return {
    auroc: mean(runs.map((r) => r.auroc)),
    at95: meanPoint(runs.map((r) => r.at95)),
    apgr: mean(runs.map((r) => r.apgr)),
    atThresholds: thresholds.map((_, i) => meanPoint(runs.map((r) => r.atThresholds[i])) as CurvePoint),
    curve: [],
  };
}

/** A checker with uniform random confidence, averaged over `seeds` runs. */
export function randomSummary(rows: ScoredRow[], seeds = 20, thresholds = DEFAULT_THRESHOLDS): Summary {
  return averaged(rows, seeds, thresholds, (next) => rows.map((r) => ({ ...r, confidence: next() })));
}

/**
 * The oracle knows every row's quality (not what its calls cost): it accepts drafts in
 * order of how much quality they keep (draft - verifier), equals in random order, and
 * is averaged over `seeds` runs like the random checker.
 */
export function oracleSummary(rows: ScoredRow[], seeds = 20, thresholds = DEFAULT_THRESHOLDS): Summary {
  return averaged(rows, seeds, thresholds, (next) => {
    const shuffled = rows.map((r) => ({ r, tie: next() })).sort((a, b) => a.tie - b.tie);
    const order = shuffled.sort((a, b) => b.r.draftQuality - b.r.verifierQuality - (a.r.draftQuality - a.r.verifierQuality));
    return order.map(({ r }, rank) => ({ ...r, confidence: 1 - rank / rows.length }));
  });
}
