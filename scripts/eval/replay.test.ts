import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { answerChars, promptChars, replayInput, type Row } from './dataset';
import { acceptedUnder, replayRows, report, type ReplayedRow } from './replay';

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
    expect(written.map((r) => [r.id, r.action_class, r.unverified, r.accepted])).toEqual([
      ['a', 'answer', false, true],
      ['b', 'answer', false, false],
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

  describe('agent traffic: tools, content blocks and stop reasons', () => {
    const readTool = { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } };
    const bashTool = { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } };
    const toolRow = (id: string, name: string, input: Record<string, unknown>, draftQuality: number): Row => ({
      id,
      messages: [{ role: 'user', content: 'Look at the project' }],
      tools: [readTool, bashTool],
      draft: { text: '', content: [{ type: 'tool_use', id: 'toolu_1', name, input }], stop_reason: 'tool_use', quality: draftQuality },
      verifier: { text: 'ok', quality: 1 },
    });

    it('builds the request with its tools and the draft from its content blocks', () => {
      const row = toolRow('t', 'Read', { file_path: '/repo/a.ts' }, 1);
      const { request, draft } = replayInput(row);
      expect(request.tools?.map((t) => t.name)).toEqual(['Read', 'Bash']);
      expect(draft).toMatchObject({ stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'Read', input: { file_path: '/repo/a.ts' } }] });
      // The tools are part of the prompt; a call is its name and its JSON input.
      expect(promptChars(row)).toBe(JSON.stringify(row.tools).length + 'Look at the project'.length);
      expect(answerChars(row.draft)).toBe('Read'.length + '{"file_path":"/repo/a.ts"}'.length);
      // Without a stop reason, a draft with a tool call stopped for it.
      expect(replayInput({ ...row, draft: { ...row.draft, stop_reason: undefined } }).draft.stop_reason).toBe('tool_use');
      expect(replayInput({ ...row, tools: undefined, draft: { text: 'Hi', quality: 1 } })).toMatchObject({ draft: { stop_reason: 'end_turn', content: [{ type: 'text', text: 'Hi' }] } });
    });

    it('classes each draft by what it does', () => {
      const rows = replayRows(
        [
          toolRow('read', 'Read', { file_path: '/repo/a.ts' }, 1),
          toolRow('write', 'Bash', { command: 'rm -rf build' }, 0),
          { id: 'answer', messages: [{ role: 'user', content: 'Say hi' }], draft: { text: 'Hi!', quality: 1 }, verifier: { text: 'Hello!', quality: 1 } },
        ],
        5,
      );
      expect(rows.map((r) => [r.id, r.actionClass])).toEqual([
        ['read', 'read'],
        ['write', 'write'],
        ['answer', 'answer'],
      ]);
    });

    it('replays the production policy at the rule and reports per class (hand-computed)', () => {
      const scored = (id: string, actionClass: ReplayedRow['actionClass'], confidence: number, unverified: boolean, draftQuality: number): ReplayedRow => ({
        id,
        actionClass,
        confidence,
        unverified,
        stoppedEarly: false,
        signals: [],
        draftQuality,
        verifierQuality: 1,
        draftCost: 1,
        verifierCost: 5,
      });
      const rows = [
        scored('read at 0.6', 'read', 0.6, false, 1), // read threshold 0.7 - 0.15 = 0.55: accepted
        scored('write at 0.6', 'write', 0.6, false, 0), // below 0.7: escalated
        scored('unverified answer', 'answer', 0.9, true, 1), // no evidence: escalated unless the rule accepts it
        scored('unverified read', 'read', 0.9, true, 1), // reads are accepted unverified by default
      ];
      const rule = { threshold: 0.7 };
      expect(acceptedUnder(rows, rule)).toEqual([true, false, false, true]);
      expect(acceptedUnder(rows, { ...rule, acceptUnverified: { answer: true, read: false } })).toEqual([true, false, true, false]);
      const out = report('agent.jsonl', rows, 5, rule);
      // Two of four accepted: cost 4 × 1 (drafts) + 2 × 5 (escalations) = 14 of 20, quality (1 + 1 + 1 + 1) / 4.
      expect(out.atRule).toMatchObject({ threshold: 0.7, acceptance: 0.5, quality: 1, cost: 14, unverified: 0.5 });
      expect(out.atRule.savings).toBeCloseTo(0.3, 12);
      expect(out.policy.map((p) => [p.threshold, p.acceptance])).toEqual([
        [0.6, 0.75], // write at 0.6 passes the 0.6 slider
        [0.7, 0.5],
        [0.8, 0.25], // the read at 0.6 misses 0.8 - 0.15 = 0.65
      ]);
      expect(Object.keys(out.classes).sort()).toEqual(['answer', 'read', 'write']);
      expect(out.classes.read?.atRule).toMatchObject({ acceptance: 1, unverified: 0.5 });
      expect(out.classes.answer?.atRule.acceptance).toBe(0);
    });
  });
});

