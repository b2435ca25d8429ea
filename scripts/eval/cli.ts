// npm run eval -- <file.jsonl> [more] [--threshold 0.7] [--accept-unverified read,answer]
//                 [--price-ratio 5] [--scores out.jsonl] [--json]
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ACTION_CLASSES, type ActionClass } from '../../contracts/decision';
import type { AcceptanceRule } from '../../proxy/quality/policy';
import { loadDataset } from './dataset';
import { formatReport } from './format';
import { acceptedUnder, replayRows, report, type FileReport, type ReplayedRow } from './replay';

const USAGE = [
  'usage: npm run eval -- <file.jsonl> [more.jsonl …] [--threshold 0.7] [--accept-unverified read,answer|none]',
  '                       [--price-ratio 5] [--scores out.jsonl] [--json]',
  '  --threshold          the rule\'s slider (reads get it minus 0.15), default 0.7',
  '  --accept-unverified  the classes whose unverified drafts the rule accepts (default: read)',
].join('\n');

/** The rule the policy is replayed under, from the command line. */
function ruleFrom(threshold: string, unverified: string | undefined): AcceptanceRule {
  const slider = Number(threshold);
  if (!Number.isFinite(slider) || slider < 0 || slider > 1) throw new Error(`--threshold must be in [0, 1], got '${threshold}'`);
  if (unverified === undefined) return { threshold: slider };
  const listed = unverified === 'none' ? [] : unverified.split(',').map((c) => c.trim());
  const unknown = listed.filter((c) => !(ACTION_CLASSES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`--accept-unverified takes ${ACTION_CLASSES.join(', ')} or none, got '${unknown.join(', ')}'`);
  const acceptUnverified = Object.fromEntries(ACTION_CLASSES.map((c) => [c, listed.includes(c)])) as Record<ActionClass, boolean>;
  return { threshold: slider, acceptUnverified };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      threshold: { type: 'string', default: '0.7' },
      'accept-unverified': { type: 'string' },
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
  const rule = ruleFrom(values.threshold, values['accept-unverified']);

  const reports: FileReport[] = [];
  const scored: { file: string; rows: ReplayedRow[] }[] = [];
  for (const file of positionals) {
    const rows = replayRows(await loadDataset(file), priceRatio);
    scored.push({ file, rows });
    reports.push(report(basename(file), rows, priceRatio, rule));
  }
  if (values.scores) {
    const lines = scored.flatMap(({ file, rows }) => {
      const accepted = acceptedUnder(rows, rule);
      return rows.map((r, i) =>
        JSON.stringify({
          ...(positionals.length > 1 ? { file: basename(file) } : {}),
          id: r.id,
          confidence: r.confidence,
          action_class: r.actionClass,
          unverified: r.unverified,
          accepted: accepted[i],
          signals: r.signals,
        }),
      );
    });
    await writeFile(values.scores, lines.join('\n') + '\n');
  }
  if (values.json) console.log(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  else console.log(reports.map(formatReport).join('\n\n'));
}

main().catch((error: unknown) => {
  console.error(`eval: ${(error as Error).message}`);
  process.exitCode = 1;
});
