// How well shadow verification's comparison (proxy/shadow/compare.ts) tells good drafts from bad
// ones, on replay data (the eval format, ../shared/eval/README.md): each row's draft is compared
// with its verifier answer as if the verifier had been the shadow call. Reports, per comparison
// method, how often the answers agreed and the drafts' ground-truth quality when they did and
// when they did not, and for wording the cut-off sweep WORDING_CUTOFF was chosen from.
//   npx tsx scripts/shadow/calibrate.ts ../shared/eval/arena-claude-dev.jsonl [more.jsonl …]
import { compareAnswers, WORDING_CUTOFF, wordingSimilarity, type ComparisonMethod } from '../../proxy/shadow/compare';
import { loadDataset, replayInput, type Row } from '../eval/dataset';
import { auroc, type ScoredRow } from '../eval/metrics';

/** "Good" for the sweep: a judge's 8/10 or more, or a correct answer on 0/1-labelled data. */
const GOOD = 0.8;
const SWEEP = [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7];

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const fixed = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : x.toFixed(3));

interface Compared {
  row: Row;
  method: ComparisonMethod;
  agreed: boolean;
}

function compareRow(row: Row): Compared {
  const { request, draft } = replayInput(row);
  const verifier = replayInput({ ...row, draft: row.verifier }).draft;
  const { method, agreed } = compareAnswers({ request, draft, verifier });
  return { row, method, agreed };
}

/** Balanced accuracy of "agreed" as a test for a good draft. */
function balancedAccuracy(agreed: boolean[], good: boolean[]): number {
  const rate = (want: boolean) => {
    const idx = good.map((g, i) => (g === want ? i : -1)).filter((i) => i >= 0);
    return idx.filter((i) => agreed[i] === want).length / idx.length;
  };
  return (rate(true) + rate(false)) / 2;
}

function reportMethod(method: ComparisonMethod, compared: Compared[]): void {
  const rows = compared.filter((c) => c.method === method);
  if (rows.length === 0) return;
  const agreed = rows.filter((c) => c.agreed);
  const disagreed = rows.filter((c) => !c.agreed);
  const quality = (cs: Compared[]) => mean(cs.map((c) => c.row.draft.quality));
  const good = rows.map((c) => c.row.draft.quality >= GOOD);
  console.log(
    `  ${method}: ${rows.length} rows, agreed ${pct(agreed.length / rows.length)}; draft quality when agreed ${fixed(quality(agreed))}, ` +
      `when not ${fixed(quality(disagreed))}; good drafts ${pct(good.filter(Boolean).length / rows.length)}; ` +
      `balanced accuracy ${fixed(balancedAccuracy(rows.map((c) => c.agreed), good))}`,
  );
  if (method !== 'wording') return;
  const similarity = rows.map((c) => wordingSimilarity(c.row.draft.text, c.row.verifier.text));
  const scored = (verifierQuality: (c: Compared) => number): ScoredRow[] =>
    rows.map((c, i) => ({ confidence: similarity[i], draftQuality: c.row.draft.quality, verifierQuality: verifierQuality(c), draftCost: 0, verifierCost: 0 }));
  console.log(
    `    similarity AUROC: for draft ≥ ${GOOD} ${fixed(auroc(scored(() => GOOD)))}, for draft ≥ verifier ${fixed(auroc(scored((c) => c.row.verifier.quality)))}`,
  );
  for (const cut of SWEEP) {
    const agree = similarity.map((s) => s >= cut);
    const mark = cut === WORDING_CUTOFF ? '  ← WORDING_CUTOFF' : '';
    console.log(`    cut-off ${cut.toFixed(2)}: agreed ${pct(agree.filter(Boolean).length / rows.length)}, balanced accuracy ${fixed(balancedAccuracy(agree, good))}${mark}`);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npx tsx scripts/shadow/calibrate.ts <file.jsonl> [more.jsonl …]');
  process.exit(2);
}
for (const file of files) {
  const compared = (await loadDataset(file)).map(compareRow);
  console.log(`${file}: ${compared.length} rows`);
  for (const method of ['tool_calls', 'number', 'wording'] as const) reportMethod(method, compared);
}
