// Decisions on tool-call drafts through the real proxy, the simulator and the official SDK:
// the structural check escalates one call where the user listed several items, the action class
// sets the threshold (a read is accepted where a write at the same confidence is escalated), and
// grounding escalates an Edit whose old_string is not in the file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';

let h: Harness;
let project: string;
beforeAll(async () => {
  h = await startHarness();
  project = mkdtempSync(join(tmpdir(), 'cascadeflow-tool-decisions-'));
  mkdirSync(join(project, 'src'));
  writeFileSync(join(project, 'src', 'app.ts'), 'export const answer = 41;\n');
});
afterAll(async () => {
  await h.close();
  rmSync(project, { recursive: true, force: true });
});
beforeEach(async () => h.mark());

const schema = (properties: Record<string, object>): Anthropic.Tool['input_schema'] => ({ type: 'object', properties, required: Object.keys(properties) });
const factorial: Anthropic.Tool = { name: 'math_factorial', description: 'Factorial of an integer.', input_schema: schema({ number: { type: 'integer' } }) };
const read: Anthropic.Tool = { name: 'Read', description: 'Read a file', input_schema: schema({ file_path: { type: 'string' } }) };
const edit: Anthropic.Tool = {
  name: 'Edit',
  description: 'Replace text in a file',
  input_schema: schema({ file_path: { type: 'string' }, old_string: { type: 'string' }, new_string: { type: 'string' } }),
};

describe('tool-call drafts', () => {
  it('escalates a parallel-items question answered with one call', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'tool', tool: 'math_factorial', input: { number: 5 } });
    const message = await h.client.messages.create({
      model: SONNET,
      max_tokens: 512,
      tools: [factorial],
      messages: [{ role: 'user', content: 'Find the factorial of 5, 10 and 15.' }],
    });
    expect(message.model).toBe(SONNET);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'escalated', answeringModel: SONNET, actionClass: 'write' });
    expect(record.signals.find((s) => s.name === 'tool_call_count')?.reason).toContain("'10', '15'");
    expect(h.logs.at(-1)).toMatch(/escalat/i);
  });

  it('accepts a read-class call where a write-class call at the same confidence is escalated', async () => {
    // The same apology before each call: confidence 0.9 × (1 − 0.3) = 0.63, between the Sonnet
    // rule's read threshold (0.7 − 0.15) and its write threshold (0.7).
    const ask = (tools: Anthropic.Tool[]) =>
      h.client.messages.create({ model: SONNET, max_tokens: 512, tools, messages: [{ role: 'user', content: 'Bump the answer in /work/app.ts' }] });
    h.sim.script(HAIKU_DRAFT, { kind: 'tool', tool: 'Read', text: 'Sorry, I need to look first.', input: { file_path: '/work/app.ts' } }, 1);
    const readAnswer = await ask([read, edit]);
    h.sim.script(HAIKU_DRAFT, {
      kind: 'tool',
      tool: 'Edit',
      text: 'Sorry, I need to look first.',
      input: { file_path: '/work/app.ts', old_string: 'answer = 41', new_string: 'answer = 42' },
    }, 1);
    const editAnswer = await ask([read, edit]);
    const [readRecord, editRecord] = await h.decisions(2);
    expect(readRecord.confidence).toBe(editRecord.confidence);
    expect(readRecord).toMatchObject({ decision: 'accepted', actionClass: 'read' });
    expect(readAnswer.model).toBe(HAIKU_DRAFT);
    expect(editRecord).toMatchObject({ decision: 'escalated', actionClass: 'write' });
    expect(editAnswer.model).toBe(SONNET);
    expect(readRecord.threshold).toBeLessThan(editRecord.threshold ?? 0);
  });

  it('escalates an Edit whose old_string is not in the file, with the grounding reason', async () => {
    await h.ctx.control.updateSettings({ grounding: true });
    h.sim.script(HAIKU_DRAFT, {
      kind: 'tool',
      tool: 'Edit',
      input: { file_path: join(project, 'src', 'app.ts'), old_string: 'answer = 40', new_string: 'answer = 42' },
    });
    const message = await h.client.messages.create({
      model: SONNET,
      max_tokens: 512,
      system: `You are a coding agent.\nPrimary working directory: ${project}`,
      tools: [read, edit],
      messages: [{ role: 'user', content: 'Set the answer to 42.' }],
    });
    expect(message.model).toBe(SONNET);
    const [record] = await h.decisions(1);
    expect(record.decision).toBe('escalated');
    expect(record.signals).toContainEqual(expect.objectContaining({ name: 'grounding_old_string_missing', reason: 'Edit old_string not found in src/app.ts' }));
  });
});
