// The human-readable report: one block per file, every figure next to its floor
// (random checker) and ceiling (oracle).
import { ACTION_CLASSES } from '../../contracts/decision';
import { acceptsUnverified, thresholdFor } from '../../contracts/rules';
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

/** The rule in words: the slider, each class's threshold, and which classes take unverified drafts. */
function describeRule(r: FileReport): string {
  const thresholds = ACTION_CLASSES.map((c) => `${c} ${num(thresholdFor(r.rule, c), 2)}`).join(', ');
  const unverified = ACTION_CLASSES.filter((c) => acceptsUnverified(r.rule, c));
  return `rule: slider ${num(r.rule.threshold, 2)} (${thresholds}); unverified drafts accepted for ${unverified.join(', ') || 'no class'}`;
}

function classTable(r: FileReport): string {
  return table(
    ['class', 'rows', 'good enough', 'AUROC', 'savings@95%', 'random', 'oracle', 'unverified', `accepted@${num(r.rule.threshold, 2)}`, 'savings there'],
    ACTION_CLASSES.flatMap((c) => {
      const b = r.classes[c];
      if (!b) return [];
      const point = b.atRule;
      return [
        [
          c,
          String(b.baseline.rows),
          pct(b.baseline.goodEnough),
          num(b.checker.auroc),
          pct(b.checker.at95?.savings),
          pct(b.random.at95?.savings),
          pct(b.oracle.at95?.savings),
          pct(point.unverified),
          pct(point.acceptance),
          pct(point.savings),
        ],
      ];
    }),
  );
}

export function formatReport(r: FileReport): string {
  const b = r.baseline;
  const target = 0.95 * b.verifierOnlyQuality;
  return [
    `${r.file}: ${b.rows} rows, draft good enough on ${pct(b.goodEnough)}`,
    `draft-only quality ${num(b.draftOnlyQuality)}, verifier-only ${num(b.verifierOnlyQuality)} (95 % = ${num(target)}), verifier price ×${r.priceRatio}`,
    describeRule(r),
    ...(r.inSample ? ['in-sample: the learned check was trained on this file; `npm run train:quality` prints its held-out figures'] : []),
    '',
    table(
      ['checker', 'AUROC', 'savings@95%', 'accepted@95%', 'threshold@95%', 'APGR'],
      [summaryRow('ours', r.checker, true), summaryRow('random (20 seeds)', r.random), summaryRow('oracle (20 seeds)', r.oracle)],
    ),
    '',
    'the production policy at each slider value (class thresholds, unverified drafts as the rule says):',
    table(
      ['slider', 'accepted', 'unverified', 'quality', '% of verifier', 'savings', 'random accepted', 'random savings'],
      r.policy.map((p, i) => [
        num(p.threshold, 1),
        pct(p.acceptance),
        pct(p.unverified),
        num(p.quality),
        pct(p.quality / b.verifierOnlyQuality),
        pct(p.savings),
        pct(r.random.atThresholds[i].acceptance),
        pct(r.random.atThresholds[i].savings),
      ]),
    ),
    '',
    'by action class of the draft (random and oracle: savings at 95 % of that class\'s verifier quality):',
    classTable(r),
    '',
    'quality/cost curve (ours):',
    table(
      ['threshold', 'accepted', 'quality', 'cost $', 'savings'],
      sampleCurve(r.checker.curve).map((p) => [p.threshold === null ? 'none' : num(p.threshold), pct(p.acceptance), num(p.quality), num(p.cost, 4), pct(p.savings)]),
    ),
  ].join('\n');
}
