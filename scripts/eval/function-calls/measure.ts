// Measures the production checker on a function-calling replay file, per half (rows split by a
// hash of their id: tune on one, report both) and per category (the row's `source`), with the
// same replay and cost model as `npm run eval`.
//   npx tsx scripts/eval/function-calls/measure.ts [file.jsonl] [--signals]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, type Row } from '../dataset';
import { auroc } from '../metrics';
import { replayRows, report, type ReplayedRow } from '../replay';

const PRICE_RATIO = 3;
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'function-calls.jsonl');
const showSignals = process.argv.includes('--signals');

const sources = new Map<string, string>();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const row = JSON.parse(line) as { id: string | number; source?: string };
  sources.set(String(row.id), (row.source ?? '').replace(/^.*,\s*/, '') || 'all');
}

const half = (row: Row) => (createHash('sha256').update(row.id).digest()[0] & 1 ? 'B' : 'A');
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '  n/a' : `${(x * 100).toFixed(0).padStart(4)} %`);
const fixed = (x: number | null) => (x === null ? ' n/a' : x.toFixed(3));

function line(name: string, rows: ReplayedRow[]): string {
  const r = report(name, rows, PRICE_RATIO);
  return `${name.padEnd(18)} n=${String(rows.length).padStart(4)}  draft ok ${pct(r.baseline.draftOnlyQuality)}  AUROC ${fixed(r.checker.auroc)}  savings@95 %: checker ${pct(r.checker.at95?.savings)}  random ${pct(r.random.at95?.savings)}  oracle ${pct(r.oracle.at95?.savings)}`;
}

const rows = await loadDataset(file);
for (const part of ['A', 'B', 'all']) {
  const own = rows.filter((r) => part === 'all' || half(r) === part);
  const replayed = replayRows(own, PRICE_RATIO);
  console.log(line(`half ${part}`, replayed));
  if (part !== 'all') continue;
  const categories = [...new Set(replayed.map((r) => sources.get(r.id) ?? 'all'))].sort();
  for (const category of categories) {
    const inCategory = replayed.filter((r) => sources.get(r.id) === category);
    console.log(`  ${category.padEnd(18)} n=${String(inCategory.length).padStart(4)}  AUROC ${fixed(auroc(inCategory))}`);
  }
  if (showSignals) {
    const counts = new Map<string, { fired: number; onBad: number }>();
    for (const r of replayed) {
      for (const name of new Set(r.signals.filter((s) => s.penalty > 0 || (s.support ?? 0) > 0).map((s) => s.name))) {
        const c = counts.get(name) ?? { fired: 0, onBad: 0 };
        c.fired++;
        if (r.draftQuality < r.verifierQuality) c.onBad++;
        counts.set(name, c);
      }
    }
    for (const [name, c] of [...counts].sort((a, b) => b[1].fired - a[1].fired)) console.log(`  signal ${name.padEnd(28)} fired ${c.fired}, on drafts not good enough ${c.onBad}`);
  }
}
