// Real Claude Code (`claude -p`) through the proxy against the simulator: its default model
// cascaded, a plain answer, an escalation, and a tool round trip (the simulator asks Claude Code to Read a file,
// Claude Code runs the tool and sends the result back, the final answer quotes it).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_TOOLS } from '../../proxy/quality/action-class';
import { GOOD_OPENING } from '../../simulator/behaviours';
import { HAIKU_DRAFT, type Harness, SONNET, startHarness } from '../proxy/harness';

const CLAUDE = join(process.cwd(), 'node_modules', '.bin', 'claude');
const RUN_TIMEOUT_MS = 90_000;

let h: Harness;
let home: string;
beforeAll(async () => {
  // The cascade's mechanics with Claude Code: draft whenever a rule matches. The product's
  // default, cost-aware drafting, has its own test below.
  h = await startHarness({ draftPolicy: 'always' });
  home = await mkdtemp(join(tmpdir(), 'cascadeflow-claude-home-'));
});
afterAll(async () => {
  await h?.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(async () => h.mark());

/**
 * Runs `claude -p prompt` in a throwaway HOME (also its working directory), with `--model`
 * unless `model` is null (then Claude Code picks its default model).
 */
function claude(prompt: string, model: string | null = SONNET): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      CLAUDE,
      ['-p', prompt, ...(model ? ['--model', model] : [])],
      {
        cwd: home,
        timeout: RUN_TIMEOUT_MS,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          ANTHROPIC_BASE_URL: h.proxy.url,
          ANTHROPIC_API_KEY: 'sk-test-claude-code',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

describe('Claude Code through the proxy', { timeout: RUN_TIMEOUT_MS * 2 }, () => {
  it('cost-aware by default: drafts the first request of an Opus 5.5 conversation with Sonnet 5.5 as an exploration, its estimate recorded', async () => {
    await h.ctx.control.updateSettings({ draftPolicy: 'cost_aware' });
    try {
      const run = await claude('Explain what a TCP handshake is, in two sentences.', null);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(GOOD_OPENING);
      const [record] = await h.decisions(1);
      // No draft of the rule judged yet: nothing rules out that every draft is good, so at the
      // optimistic bound drafting pays (Sonnet 5.5 costs half of Opus 5.5) and the proxy finds out.
      expect(record).toMatchObject({
        decision: 'accepted',
        requestedModel: 'claude-opus-5-5',
        answeringModel: 'claude-sonnet-5-5',
        estimate: { acceptance: 1, acceptanceBasis: 'no outcomes yet, upper bound 1' },
      });
      expect(record.conversationId).toMatch(/^s:[0-9a-f-]{36}$/);
      expect(record.project).toBe(home);
      expect(record.estimate!.draft).toBeLessThan(0.9 * record.estimate!.direct);
      expect(record.signals).toContainEqual(expect.objectContaining({ name: 'exploration', penalty: 0 }));
      expect(record.savings).toBeGreaterThan(0);
      expect(h.sim.messagesFor('claude-sonnet-5-5')).toHaveLength(1);
      expect(h.sim.messagesFor('claude-opus-5-5')).toHaveLength(0);
    } finally {
      await h.ctx.control.updateSettings({ draftPolicy: 'always' });
    }
  });

  it('cascades Claude Code’s default model (no --model) with the default rules', async () => {
    const run = await claude('Explain what a TCP handshake is, in two sentences.', null);
    expect(run.stderr).not.toMatch(/API Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(GOOD_OPENING);

    const [record] = await h.decisions(1);
    // Claude Code 2.1.332 asks for claude-opus-5-5; the opus-5 rule drafts it with Sonnet 5.5.
    expect(record).toMatchObject({ decision: 'accepted', requestedModel: 'claude-opus-5-5', answeringModel: 'claude-sonnet-5-5', ruleId: 'opus-5' });
    expect(record.cost).toBeGreaterThan(0);
    expect(record.savings).toBeGreaterThan(0);
    const [draft] = h.sim.messagesFor('claude-sonnet-5-5');
    // Sonnet 5.5 takes what Claude Code sends Opus 5.5: adaptive thinking, effort, the same betas.
    expect(draft.body?.thinking).toMatchObject({ type: 'adaptive' });
    expect((draft.body?.output_config as { effort?: string } | undefined)?.effort).toBeDefined();
    expect(String(draft.headers['anthropic-beta'])).toContain('effort-2025-11-24');
    expect(h.sim.messagesFor('claude-opus-5-5')).toHaveLength(0);
  });

  it('cascades Sonnet 5.5 to a Haiku 5.5 draft that takes Claude Code’s request as it is', async () => {
    const run = await claude('Explain what a TCP handshake is, in two sentences.', 'claude-sonnet-5-5');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(GOOD_OPENING);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'accepted', requestedModel: 'claude-sonnet-5-5', answeringModel: 'claude-haiku-5-5', ruleId: 'sonnet-5' });
    expect(record.savings).toBeGreaterThan(0);
    const [draft] = h.sim.messagesFor('claude-haiku-5-5');
    // Claude Code's mid-conversation system message and its betas reach Haiku 5.5 untouched.
    expect(draft.body?.messages.some((m) => m.role === 'system')).toBe(true);
    expect(String(draft.headers['anthropic-beta'])).toContain('per-turn-control-2026-07-01');
  });

  it('prints the accepted draft, sent as Claude Code shaped it and adapted for the draft model', async () => {
    const run = await claude('Explain what a TCP handshake is, in two sentences.');
    expect(run.stderr).not.toMatch(/API Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(GOOD_OPENING);
    expect(run.stdout).toContain('TCP handshake');

    const records = await h.decisions(1);
    expect(records.at(-1)).toMatchObject({ decision: 'accepted', requestedModel: SONNET, answeringModel: HAIKU_DRAFT, stream: true });

    const [draft] = h.sim.messagesFor(HAIKU_DRAFT);
    expect(draft.query).toBe('beta=true');
    expect(draft.headers['x-api-key']).toBe('sk-test-claude-code');
    expect(String(draft.headers['anthropic-beta'])).toContain('claude-code-20250219');
    expect(String(draft.headers['anthropic-beta'])).not.toContain('effort-2025-11-24');
    // Adaptive thinking became a budget the draft model accepts; effort was dropped.
    expect(draft.body?.thinking).toMatchObject({ type: 'enabled' });
    expect((draft.body?.output_config as { effort?: string } | undefined)?.effort).toBeUndefined();
    expect(draft.body?.tools?.length).toBeGreaterThan(5);
    // The action classes name every tool this Claude Code sends (unknown tools count as writes).
    const sent = h.sim.requests.flatMap((r) => (r.path === '/v1/messages' ? (r.body?.tools ?? []) : [])).map((t) => t.name);
    expect(sent.length).toBeGreaterThan(5);
    expect(sent.filter((name) => !Object.hasOwn(CLAUDE_CODE_TOOLS, name))).toEqual([]);
  });

  it('escalates a refusing draft and prints the requested model’s answer, its request untouched', async () => {
    const run = await claude('Summarize the purpose of DNS in two sentences. [sim:haiku=refusal]');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(GOOD_OPENING);
    expect(run.stdout).not.toContain("I can't help");
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'escalated', answeringModel: SONNET });
    expect(record.signals.map((s) => s.name)).toContain('refusal');
    const [verifier] = h.sim.messagesFor(SONNET);
    expect(verifier.body?.thinking).toMatchObject({ type: 'adaptive' });
    expect(String(verifier.headers['anthropic-beta'])).toContain('effort-2025-11-24');
  });

  it('completes a tool round trip: tool call, tool result, final answer', async () => {
    const note = join(home, 'note.txt');
    await writeFile(note, 'the launch code is cascade-e2e-4217\n');
    const input = JSON.stringify({ file_path: note });
    const run = await claude(`Read the note file and tell me what it says. [sim:tool:Read:${input}]`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cascade-e2e-4217');

    const records = await h.decisions(2);
    expect(records[0]).toMatchObject({ decision: 'accepted', answeringModel: HAIKU_DRAFT });
    const calls = h.sim.requests.filter((r) => r.path === '/v1/messages');
    const toolResultTurn = calls.find((r) =>
      r.body?.messages.some((m) => Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_result')),
    );
    expect(toolResultTurn).toBeDefined();
    expect(JSON.stringify(toolResultTurn?.body?.messages)).toContain('cascade-e2e-4217');
    expect(['accepted', 'escalated']).toContain(records[1].decision);
  });
});
