// npm run eval -- <file.jsonl> [more] [--price-ratio 5] [--scores out.jsonl] [--json]
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from './dataset';
import { formatReport } from './format';
import { replayRows, report, type FileReport, type ReplayedRow } from './replay';

const USAGE = 'usage: npm run eval -- <file.jsonl> [more.jsonl …] [--price-ratio 5] [--scores out.jsonl] [--json]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'price-ratio': { type: 'string', default: '5' },
      scores: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const priceRatio = Number(values['price-ratio']);
  if (!Number.isFinite(priceRatio) || priceRatio <= 0) throw new Error(`--price-ratio must be a positive number, got '${values['price-ratio']}'`);

  const reports: FileReport[] = [];
  const scored: { file: string; rows: ReplayedRow[] }[] = [];
  for (const file of positionals) {
    const rows = replayRows(await loadDataset(file), priceRatio);
    scored.push({ file, rows });
    reports.push(report(basename(file), rows, priceRatio));
  }
  if (values.scores) {
    const lines = scored.flatMap(({ file, rows }) =>
      rows.map((r) =>
        JSON.stringify({
          ...(positionals.length > 1 ? { file: basename(file) } : {}),
          id: r.id,
          confidence: r.confidence,
          accepted_at_0_7: r.confidence >= 0.7,
          signals: r.signals,
        }),
      ),
    );
    await writeFile(values.scores, lines.join('\n') + '\n');
  }
  if (values.json) console.log(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  else console.log(reports.map(formatReport).join('\n\n'));
}

main().catch((error: unknown) => {
  console.error(`eval: ${(error as Error).message}`);
  process.exitCode = 1;
});
