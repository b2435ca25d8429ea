// npm run bench: the cost of the tool checks. (1) checkQuality on tool-call drafts: the
// function-calling replay file's drafts, and a captured Claude Code request answered with a
// Read, an Edit and a Bash call (target with the other checks: <= 50 µs per typical answer).
// (2) groundDraft per check against real files in a temporary project: an Edit on a 2 KB,
// 100 KB and 256 KB file (the size bound), a Read, a missing file, a Grep pattern and a Bash
// command (target: <= 2 ms per check).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkQuality } from '../proxy/quality';
import { MAX_FILE_BYTES, groundDraft } from '../proxy/grounding/ground';
import type { AssistantMessage, MessagesRequest, ToolUseBlock } from '../proxy/wire';
import { loadDataset, replayInput } from '../scripts/eval/dataset';
import { draftMessage } from '../test/fixtures/messages';

/**
 * µs per call of `run` over `cases`, the median of 11 rounds of about 50 ms each, as CPU time
 * of this process (user + system): on a shared machine wall time also counts the time other
 * processes held the cores, CPU time does not. Rounds start after a second of warm-up (the JIT
 * takes most of a second to compile the checker's paths: rounds before that measured the
 * compiler), and the CPU clock is read every 2 ms or so, not after every pass: a read costs
 * some 10 µs here, as much as a whole pass over three cases.
 */
function measure<T>(cases: T[], run: (c: T) => unknown): number {
  const warm = process.hrtime.bigint();
  do for (const c of cases) run(c);
  while (process.hrtime.bigint() - warm < 1_000_000_000n);
  const rounds: number[] = [];
  for (let round = 0; round < 11; round++) {
    let runs = 0;
    const start = process.cpuUsage();
    let spent = 0;
    while (spent < 50_000) {
      const batchEnd = process.hrtime.bigint() + 2_000_000n;
      do {
        for (const c of cases) run(c);
        runs += cases.length;
      } while (process.hrtime.bigint() < batchEnd);
      const used = process.cpuUsage(start);
      spent = used.user + used.system;
    }
    rounds.push(spent / runs);
  }
  return rounds.sort((x, y) => x - y)[5];
}

const line = (name: string, micros: number, target: number) =>
  console.log(`${name.padEnd(66)} ${micros.toFixed(1).padStart(8)} µs CPU   ${micros <= target ? 'ok' : `OVER ${target} µs`}`);

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// ---- (1) the checker on tool-call drafts -------------------------------------------------------
type Case = { request: MessagesRequest; draft: AssistantMessage };
const dataset = fileURLToPath(new URL('../scripts/eval/data/function-calls.jsonl', import.meta.url));
const replay: Case[] = (await loadDataset(dataset)).map(replayInput);
const calls = replay.filter((c) => c.draft.content.some((b) => b.type === 'tool_use'));
// A fresh request object per check, as every real draft comes with its own request.
line(`checkQuality, function-call drafts (${calls.length})`, measure(calls, (c) => checkQuality({ ...c.request }, c.draft)), 50);
line(`checkQuality, "no tool fits" text drafts (${replay.length - calls.length})`, measure(replay.filter((c) => !calls.includes(c)), (c) => checkQuality({ ...c.request }, c.draft)), 50);

const captured = JSON.parse(readFileSync(new URL('../test/fixtures/claude-code/request-2.1.332.json', import.meta.url), 'utf8')) as MessagesRequest;
const tool = (name: string, input: unknown): ToolUseBlock => ({ type: 'tool_use', id: `toolu_bench_${name}`, name, input });
const claudeCode: Case[] = [
  tool('Read', { file_path: '/tmp/cap/home/proj/src/app.ts' }),
  tool('Edit', { file_path: '/tmp/cap/home/proj/src/app.ts', old_string: 'const a = 1;', new_string: 'const a = 2;' }),
  tool('Bash', { command: 'git status && git diff --stat | tail -5', description: 'Show changes' }),
].map((call) => ({ request: captured, draft: draftMessage([{ type: 'text', text: 'Let me look at that.' }, call], 'tool_use') }));
line('checkQuality, Claude Code request (real capture) + one tool call', measure(claudeCode, (c) => checkQuality({ ...c.request }, c.draft)), 50);

// ---- (2) grounding per check ---------------------------------------------------------------------
const root = mkdtempSync(join(tmpdir(), 'cascadeflow-grounding-bench-'));
try {
  mkdirSync(join(root, 'src'));
  const source = (bytes: number) => {
    const unit = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n\n';
    let text = '';
    for (let i = 0; text.length < bytes; i++) text += unit.replace('add', `add${i}`);
    return `${text.slice(0, bytes - 40)}\nexport const marker = 'unique-marker';\n`;
  };
  const sizes = [
    ['2 KB', 2 * 1024],
    ['100 KB', 100 * 1024],
    ['256 KB (the bound)', MAX_FILE_BYTES - 64],
  ] as const;
  for (const [name, bytes] of sizes) writeFileSync(join(root, 'src', `${bytes}.ts`), source(bytes));
  const env = { workingDirectory: root };
  const grounded = (label: string, call: ToolUseBlock) => line(`groundDraft: ${label}`, measure([call], (c) => groundDraft([c], env)), 2000);
  for (const [name, bytes] of sizes) {
    grounded(`Edit, old_string found once, ${name}`, tool('Edit', { file_path: join(root, 'src', `${bytes}.ts`), old_string: "'unique-marker'", new_string: "'changed'" }));
  }
  grounded('Edit, old_string missing, 256 KB (the bound)', tool('Edit', { file_path: join(root, 'src', `${MAX_FILE_BYTES - 64}.ts`), old_string: 'not in the file', new_string: 'x' }));
  grounded('Read, file exists', tool('Read', { file_path: join(root, 'src', `${2 * 1024}.ts`) }));
  grounded('Read, file missing', tool('Read', { file_path: join(root, 'src', 'missing.ts') }));
  grounded('Grep pattern', tool('Grep', { pattern: String.raw`export\s+function\s+(\w+)\(` }));
  grounded('Bash command', tool('Bash', { command: 'git log --oneline -20 | grep -v "^wip" && npm test -- --run src' }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
