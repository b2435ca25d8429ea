import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Row } from './dataset';
import { replayRows } from './replay';

const line = (id: string, question: string, draft: string, draftQuality: number, verifier: string) =>
  JSON.stringify({
    id,
    messages: [{ role: 'user', content: question }],
    draft: { model: 'small', text: draft, quality: draftQuality },
    verifier: { model: 'large', text: verifier, quality: 1 },
  });

describe('replay', () => {
  it('prices calls from characters / 4 at $1/$5 per MTok, verifier times the ratio', () => {
    const row: Row = {
      id: 'r1',
      messages: [{ role: 'user', content: 'q'.repeat(400) }],
      draft: { text: 'd'.repeat(40), quality: 1 },
      verifier: { text: 'v'.repeat(80), quality: 1 },
    };
    const [scored] = replayRows([row], 5);
    expect(scored.draftCost).toBeCloseTo((100 * 1 + 10 * 5) / 1e6, 15); // 100 tokens in, 10 out
    expect(scored.verifierCost).toBeCloseTo((5 * (100 * 1 + 20 * 5)) / 1e6, 15);
  });

  it('runs from the command line: table, --json and --scores', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascadeflow-eval-'));
    const data = join(dir, 'tiny.jsonl');
    await writeFile(
      data,
      [
        line('a', 'What is 12 times 3?', '12 times 3 is 36. The answer is 36.', 1, 'The answer is 36.'),
        line('b', 'What is 7 plus 8?', "I'm sorry, but I can't help with that.", 0, '7 + 8 = 15.'),
        '',
      ].join('\n'),
    );
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/eval/cli.ts', data, ...args], { cwd: process.cwd() });
    const table = await run();
    expect(table.stdout).toMatch(/tiny\.jsonl: 2 rows/);
    expect(table.stdout).toMatch(/^ours\s+1\.000/m);

    const scores = join(dir, 'scores.jsonl');
    const json = JSON.parse((await run('--json', '--price-ratio', '10', '--scores', scores)).stdout);
    expect(json).toMatchObject({ file: 'tiny.jsonl', priceRatio: 10, baseline: { rows: 2 }, checker: { auroc: 1 } });
    const written = (await readFile(scores, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(written.map((r) => [r.id, r.accepted_at_0_7])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(written[1].signals[0]).toMatchObject({ name: 'refusal' });
  });

  it('rejects rows that are not in the replay format, naming the line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascadeflow-eval-'));
    const data = join(dir, 'bad.jsonl');
    await writeFile(data, `${line('a', 'q', 'd', 1, 'v')}\n{"id": "b", "messages": []}\n`);
    const { loadDataset } = await import('./dataset');
    await expect(loadDataset(data)).rejects.toThrow(/bad\.jsonl:2:/);
  });
});
