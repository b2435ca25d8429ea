import { describe, expect, it } from 'vitest';
import { apgr, auroc, baseline, curve, oracleSummary, pointAt, pointWhere, randomSummary, summarize, type ScoredRow } from './metrics';

const row = (confidence: number, draftQuality: number, verifierQuality: number): ScoredRow => ({
  confidence,
  draftQuality,
  verifierQuality,
  draftCost: 1,
  verifierCost: 5,
});

// Hand-computed: good enough = A and C; draft-only 0.5, verifier-only 0.75 at cost 20.
const A = row(0.9, 1, 1);
const B = row(0.8, 0, 1);
const C = row(0.7, 1, 0);
const D = row(0.7, 0, 1);
const rows = [A, B, C, D];

describe('replay metrics on a hand-computed dataset', () => {
  it('computes the baseline', () => {
    expect(baseline(rows)).toEqual({ rows: 4, draftOnlyQuality: 0.5, verifierOnlyQuality: 0.75, verifierOnlyCost: 20, goodEnough: 0.5 });
  });

  it('computes AUROC with ties counted one half', () => {
    // (A,B)=1 (A,D)=1 (C,B)=0 (C,D)=½ → 2.5 / 4
    expect(auroc(rows)).toBe(0.625);
    expect(auroc([A, C])).toBeNull(); // no negatives
  });

  it('walks the quality/cost curve from accepting nothing to accepting everything', () => {
    const points = curve(rows);
    expect(points.map((p) => p.threshold)).toEqual([null, 0.9, 0.8, 0.7]);
    expect(points.map((p) => p.acceptance)).toEqual([0, 0.25, 0.5, 1]);
    expect(points.map((p) => p.quality)).toEqual([0.75, 0.75, 0.5, 0.5]);
    expect(points.map((p) => p.cost)).toEqual([24, 19, 14, 4]);
    [-0.2, 0.05, 0.3, 0.8].forEach((savings, i) => expect(points[i].savings).toBeCloseTo(savings, 12));
  });

  it('finds savings at 95 % of verifier-only quality', () => {
    // target 0.7125: only "none" (cost 24) and 0.9 (cost 19) reach it
    const { at95 } = summarize(rows);
    expect(at95).toMatchObject({ threshold: 0.9, acceptance: 0.25, quality: 0.75, cost: 19 });
    expect(at95?.savings).toBeCloseTo(0.05, 12);
  });

  it('computes APGR over every acceptance rate, averaging ties', () => {
    // PGR at k = 0…4: 1, 1, 0, 0 (tie C/D: expected delta 0), 0 → 2 / 5
    expect(apgr(rows)).toBeCloseTo(0.4, 12);
    expect(apgr([row(0.5, 1, 1), row(0.4, 0, 0)])).toBeNull(); // no gap to recover
  });

  it('reads operating points at fixed thresholds', () => {
    expect(pointAt(rows, 0.75)).toMatchObject({ acceptance: 0.5, quality: 0.5, cost: 14 });
    expect(summarize(rows).atThresholds.map((p) => p.acceptance)).toEqual([1, 1, 0.5]);
  });

  it('reads the operating point of any accepted set, such as the policy accepts', () => {
    // Accept B and C: quality (A 1 + B 0 + C 1 + D 1) / 4, cost 4 drafts + A and D escalated = 14.
    expect(pointWhere(rows, [false, true, true, false])).toMatchObject({ threshold: null, acceptance: 0.5, quality: 0.75, cost: 14 });
  });

  it('brackets every checker between a random floor and the oracle ceiling', () => {
    const oracle = oracleSummary(rows);
    expect(oracle.auroc).toBe(1);
    // The oracle accepts A and C (quality 1) and then one of B/D: quality 0.75 at cost 9.
    expect(oracle.at95).toMatchObject({ acceptance: 0.75, quality: 0.75, cost: 9 });
    const many = Array.from({ length: 400 }, (_, i) => row(0, i % 3 === 0 ? 0 : 1, 1));
    const random = randomSummary(many);
    expect(random.auroc).toBeGreaterThan(0.45);
    expect(random.auroc).toBeLessThan(0.55);
    expect(random.atThresholds[1].acceptance).toBeCloseTo(0.3, 1);
    expect(random).toEqual(randomSummary(many)); // seeded: reproducible
  });
});
