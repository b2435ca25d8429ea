// npm run bench: how long checkQuality takes per answer, on the replay datasets' real
// answers (math word problems, and open-ended and coding questions, where the learned check
// runs) and on synthetic ones of growing size (the cost must grow linearly).
// Target: <= 50 µs for a typical 1–2 KB answer.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { checkQuality } from '../proxy/quality';
import { draftMessage, requestFor } from '../test/fixtures/messages';
import type { AssistantMessage, MessagesRequest, TextBlock } from '../proxy/wire';

const shared = (file: string) => fileURLToPath(new URL(`../../shared/eval/${file}`, import.meta.url));
const DATASETS =
  process.argv.length > 2
    ? process.argv.slice(2).map((file) => ({ name: file, file }))
    : [
        { name: 'math', file: shared('gsm8k-mixtral-gpt4.jsonl') },
        { name: 'open-ended', file: shared('arena-claude-dev.jsonl') },
      ];

type Case = { request: MessagesRequest; draft: AssistantMessage };

/**
 * µs per check: the median of 11 rounds of about 50 ms each, after a second of warm-up (the
 * JIT takes most of a second to compile the checker's many paths: rounds taken before that
 * measured the compiler). The machine is shared, so a median is read rather than a mean that
 * other processes' bursts would inflate.
 */
function measure(cases: Case[]): number {
  // A fresh request object per call: what the checker derives from a request is kept per
  // request object, and every real answer comes with its own request.
  const warm = process.hrtime.bigint();
  do for (const c of cases) checkQuality({ ...c.request }, c.draft);
  while (process.hrtime.bigint() - warm < 1_000_000_000n);
  const rounds: number[] = [];
  for (let round = 0; round < 11; round++) {
    let runs = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < 50_000_000n) {
      for (const c of cases) checkQuality({ ...c.request }, c.draft);
      runs += cases.length;
      elapsed = process.hrtime.bigint() - start;
    }
    rounds.push(Number(elapsed) / 1000 / runs);
  }
  return rounds.sort((x, y) => x - y)[5];
}

function loadCases(file: string): Case[] {
  const rows = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  return rows.flatMap((line) => {
    const row = JSON.parse(line) as { messages: MessagesRequest['messages']; draft: { text: string }; verifier: { text: string } };
    // Both answers of each row: short drafts and the verifier's longer ones.
    return [row.draft.text, row.verifier.text].map((text) => ({ request: requestFor(row.messages), draft: draftMessage(text) }));
  });
}

/** A mixed answer of about `bytes` characters: prose, stated arithmetic, a JSON and a JS block. */
function synthetic(bytes: number): Case {
  const unit =
    'First, the farmer sells 12 crates at $4.50 each, so he earns 12 x $4.50 = $54. Then he buys 3 bags of feed for ' +
    '$7 each: 3 * 7 = 21. That leaves 54 - 21 = 33 dollars, which is what he keeps this week.\n\n' +
    '```json\n{"crates": 12, "price": 4.5, "feed": [7, 7, 7]}\n```\n\n' +
    '```js\nconst total = crates.reduce((sum, c) => sum + c.price, 0);\n```\n\n';
  const text = unit.repeat(Math.max(1, Math.round(bytes / unit.length))) + 'So the answer is 33.';
  return {
    request: requestFor('A farmer sells 12 crates at $4.50 each and buys 3 bags of feed for $7 each. How much does he keep?'),
    draft: draftMessage(text),
  };
}

/** This machine's speed, to read the figures against: a bare charCodeAt loop over 1 KB. */
function baselineLoop(): number {
  const text = 'x'.repeat(1024);
  let best = Infinity;
  for (let round = 0; round < 2000; round++) {
    const start = process.hrtime.bigint();
    let sum = 0;
    for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
    if (sum < 0) console.log(sum); // keep the loop from being optimised away
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000);
  }
  return best;
}

const fmt = (n: number) => n.toFixed(1).padStart(8);
// The machine is shared: its load says how far other processes inflate the figures.
const load = loadavg()[0].toFixed(2);
console.log(`checkQuality speed (Node ${process.version}; machine baseline: a bare 1 KB charCodeAt loop takes ${baselineLoop().toFixed(2)} µs; load average ${load} on ${availableParallelism()} cores)`);
console.log(`${'answers'.padEnd(46)}${'count'.padStart(7)}${'avg KB'.padStart(8)}  µs/answer`);
const line = (name: string, cases: Case[]) => {
  const kb = cases.reduce((s, c) => s + (c.draft.content[0] as TextBlock).text.length, 0) / cases.length / 1024;
  console.log(`${name.padEnd(46)}${String(cases.length).padStart(7)}${kb.toFixed(2).padStart(8)}${fmt(measure(cases))}`);
};
for (const { name, file } of DATASETS) {
  if (!existsSync(file)) {
    console.log(`(no replay dataset at ${file}: pass files as \`npm run bench -- a.jsonl b.jsonl\`)`);
    continue;
  }
  const real = loadCases(file);
  const typical = real.filter((c) => {
    const size = (c.draft.content[0] as TextBlock).text.length;
    return size >= 1000 && size <= 2000;
  });
  line(`${name} answers (all)`, real);
  if (typical.length > 0) line(`${name} answers of 1–2 KB (typical)`, typical);
}
for (const kb of [1, 2, 8, 32, 128]) line(`synthetic ${kb} KB`, [synthetic(kb * 1024)]);
// Pathological shapes must stay linear too: one 32 KB line of digits and operators, no spaces.
const oneLine = { ...synthetic(0), draft: draftMessage('1.' + '2'.repeat(16 * 1024) + '+3'.repeat(8 * 1024) + '=5') };
line('synthetic 32 KB on one line', [oneLine]);
