// npm run train:quality -- [file.jsonl …] [--l2 3] [--margin 0.1] [--folds 5] [--repeats 5] [--dry-run]
// Retrains the learned check (proxy/quality/learned/weights.json) on replay data, all of it,
// after measuring the whole checker held out: cross-validated by prompt, with each fold's model.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FEATURE_NAMES } from '../../proxy/quality/learned/features';
import { silentModel } from '../../proxy/quality/learned/model';

const WEIGHTS = fileURLToPath(new URL('../../proxy/quality/learned/weights.json', import.meta.url));
const DEFAULT_DATA = [fileURLToPath(new URL('../../../shared/eval/arena-claude-dev.jsonl', import.meta.url))];

/**
 * The checker loads the shipped weights when imported: after a change to the features they no
 * longer fit, so a silent model is written first and then replaced.
 */
async function ensureLoadableWeights(): Promise<void> {
  const current = JSON.parse(await readFile(WEIGHTS, 'utf8').catch(() => '{}')) as { features?: string[] };
  if (current.features?.join() === FEATURE_NAMES.join()) return;
  await writeFile(WEIGHTS, JSON.stringify(silentModel(), null, 2) + '\n');
}

const num = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${value}'`);
  return n;
};
const pct = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      l2: { type: 'string', default: '3' },
      margin: { type: 'string', default: '0.1' },
      folds: { type: 'string', default: '5' },
      repeats: { type: 'string', default: '5' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  await ensureLoadableWeights();
  const { crossValidate, examplesOf, train } = await import('./train');
  const { loadDataset } = await import('../eval/dataset');
  const files = positionals.length > 0 ? positionals : DEFAULT_DATA;
  const datasets = await Promise.all(files.map(async (file) => ({ file: basename(file), rows: await loadDataset(file) })));
  const options = {
    l2: num('l2', values.l2),
    margin: num('margin', values.margin),
    folds: Math.max(2, Math.round(num('folds', values.folds))),
    repeats: Math.max(1, Math.round(num('repeats', values.repeats))),
    priceRatio: 5,
  };

  const heldOut = crossValidate(datasets, options);
  for (const h of heldOut) {
    console.log(
      `${h.file}: ${h.rows} rows, held out (${options.folds} folds by prompt × ${options.repeats}): ` +
        `AUROC ${h.auroc.mean.toFixed(3)} (${h.auroc.min.toFixed(3)}–${h.auroc.max.toFixed(3)}), ` +
        `savings at 95 % ${pct(h.savingsAt95.mean)} (${pct(h.savingsAt95.min)}–${pct(h.savingsAt95.max)}), random ${pct(h.randomSavingsAt95)}; ` +
        `without the learned check: AUROC ${h.withoutLearned.auroc?.toFixed(3) ?? '—'}, savings ${pct(h.withoutLearned.savingsAt95)}`,
    );
    const across = h.otherModelOtherPrompts;
    if (across) {
      console.log(
        `  trained on one draft model's answers to half of the prompts, scored on another model's answers to the others (${across.runs} runs): ` +
          `AUROC ${across.auroc.toFixed(3)}, savings at 95 % ${pct(across.savingsAt95)}, random ${pct(across.randomSavingsAt95)}`,
      );
    }
  }
  const examples = examplesOf(datasets);
  const model = train(examples, options, {
    data: datasets.map((d) => ({ file: d.file, rows: d.rows.length })),
    examples: examples.length,
    label: '1 - max(0, verifier quality - draft quality)',
    l2: options.l2,
    heldOut,
  });
  console.log(FEATURE_NAMES.map((f, i) => `  ${f.padEnd(26)} ${model.weights[i] >= 0 ? '+' : ''}${model.weights[i].toFixed(3)}`).join('\n'));
  console.log(`  prior (log-odds)           ${model.prior.toFixed(3)}, margin ${model.margin}`);
  if (values['dry-run']) return;
  await writeFile(WEIGHTS, JSON.stringify(model, null, 2) + '\n');
  console.log(`wrote ${WEIGHTS}`);
}

main().catch((error: unknown) => {
  console.error(`train: ${(error as Error).message}`);
  process.exitCode = 1;
});
