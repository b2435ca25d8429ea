// The human-readable report: one block per file, every figure next to its floor
// (random checker) and ceiling (oracle).
import type { CurvePoint, Summary } from './metrics';
import type { FileReport } from './replay';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** References have no meaningful threshold: their confidences are random numbers or ranks. */
function summaryRow(name: string, s: Summary, withThreshold = false): string[] {
  return [name, num(s.auroc), pct(s.at95?.savings), pct(s.at95?.acceptance), withThreshold ? num(s.at95?.threshold) : '—', num(s.apgr)];
}

/** About ten curve points, evenly spread over acceptance, for reading at a glance. */
function sampleCurve(points: CurvePoint[]): CurvePoint[] {
  const picked: CurvePoint[] = [];
  for (let target = 0; target <= 1.0001; target += 0.1) {
    const nearest = points.reduce((a, b) => (Math.abs(b.acceptance - target) < Math.abs(a.acceptance - target) ? b : a));
    if (!picked.includes(nearest)) picked.push(nearest);
  }
  return picked;
}

export function formatReport(r: FileReport): string {
  const b = r.baseline;
  const target = 0.95 * b.verifierOnlyQuality;
  return [
    `${r.file}: ${b.rows} rows, draft good enough on ${pct(b.goodEnough)}`,
    `draft-only quality ${num(b.draftOnlyQuality)}, verifier-only ${num(b.verifierOnlyQuality)} (95 % = ${num(target)}), verifier price ×${r.priceRatio}`,
    '',
    table(
      ['checker', 'AUROC', 'savings@95%', 'accepted@95%', 'threshold@95%', 'APGR'],
      [summaryRow('ours', r.checker, true), summaryRow('random (20 seeds)', r.random), summaryRow('oracle (20 seeds)', r.oracle)],
    ),
    '',
    table(
      ['threshold', 'accepted', 'quality', '% of verifier', 'savings', 'random accepted', 'random savings'],
      r.checker.atThresholds.map((p, i) => [
        num(p.threshold, 1),
        pct(p.acceptance),
        num(p.quality),
        pct(p.quality / b.verifierOnlyQuality),
        pct(p.savings),
        pct(r.random.atThresholds[i].acceptance),
        pct(r.random.atThresholds[i].savings),
      ]),
    ),
    '',
    'quality/cost curve (ours):',
    table(
      ['threshold', 'accepted', 'quality', 'cost $', 'savings'],
      sampleCurve(r.checker.curve).map((p) => [p.threshold === null ? 'none' : num(p.threshold), pct(p.acceptance), num(p.quality), num(p.cost, 4), pct(p.savings)]),
    ),
  ].join('\n');
}
