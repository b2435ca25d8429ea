// The demo runner with everything real: the simulator, the proxy on its temporary folder, the
// scripted traffic over loopback. What each scripted request was decided, and why; the trickle;
// a taken port; stopping at any point removes the folder and closes both servers.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../contracts/decision';
import { useTempDirs } from '../test/temp-dirs';
import { startDemo, type RunningDemo } from './runner';
import { BURST_REQUESTS, DEMO_KEY, HAIKU, OPUS, SONNET } from './traffic';

const tempDir = useTempDirs('cascadeflow-demo-test-');
const running: RunningDemo[] = [];
const lines: string[] = [];
const logger = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) };

afterEach(async () => {
  await Promise.all(running.splice(0).map((demo) => demo.stop()));
  lines.length = 0;
});

async function start(options: Parameters<typeof startDemo>[0] = {}): Promise<RunningDemo> {
  const demo = await startDemo({ port: 0, tmpDir: tempDir(), logger, trickle: false, ...options });
  running.push(demo);
  return demo;
}

async function decisions(demo: RunningDemo): Promise<DecisionRecord[]> {
  const response = await fetch(`${demo.baseUrl}/api/decisions?limit=100`);
  return ((await response.json()) as DecisionRecord[]).reverse();
}

async function occupied(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('startDemo', () => {
  it('runs the burst through the proxy: accepted answers and a read, escalations, a draft error, a passthrough, and a saving', async () => {
    const demo = await start();
    const totals = await demo.burst;
    expect(totals).toMatchObject({ queries: BURST_REQUESTS, accepted: 3, escalated: 2, draftErrors: 1, passthrough: 1, notWorthDrafting: 0, failed: 0, unpricedQueries: 0 });
    expect(totals.savings).toBeGreaterThan(0);

    const records = await decisions(demo);
    expect(records.map((r) => [r.requestedModel, r.decision, r.actionClass ?? null])).toEqual([
      [OPUS, 'accepted', 'answer'],
      [OPUS, 'accepted', 'answer'],
      [SONNET, 'accepted', 'read'],
      [SONNET, 'escalated', 'answer'],
      [SONNET, 'draft_error', null],
      [HAIKU, 'passthrough', null],
      [SONNET, 'escalated', 'answer'],
    ]);
    // Claude Code sessions: the first two share a conversation, and every session states the project.
    expect(records[0].conversationId).toMatch(/^s:/);
    expect(records[1].conversationId).toBe(records[0].conversationId);
    expect(records[2].conversationId).not.toBe(records[0].conversationId);
    expect(records[2].project).toBe(path.join(demo.folder, 'project'));
    // Why: the refusal was caught, Haiku was overloaded.
    expect(records[6].signals).toContainEqual(expect.objectContaining({ name: 'refusal', decisive: true }));
    expect(records[4].failure).toMatchObject({ kind: 'http_status', message: expect.stringContaining('529') });
    expect(lines.filter((line) => /Draft accepted|Escalated|Draft error|Passthrough/.test(line))).toHaveLength(BURST_REQUESTS);

    // The user's own first request for Claude Code's default model is drafted, as the printed lines promise.
    const client = new Anthropic({ baseURL: demo.baseUrl, apiKey: DEMO_KEY, maxRetries: 0 });
    await client.messages.create({ model: OPUS, max_tokens: 512, messages: [{ role: 'user', content: 'Explain DNS in three sentences' }] });
    await expect.poll(async () => (await decisions(demo))[BURST_REQUESTS]?.decision).toBe('accepted');

    // The dashboard and the data live on the demo's own loopback proxy and temporary folder.
    expect(demo.dashboardUrl).toBe(`${demo.baseUrl}/dashboard/`);
    expect((await fetch(demo.dashboardUrl)).status).toBeLessThan(600);
    expect(demo.dataDir.startsWith(demo.folder)).toBe(true);
    expect(existsSync(demo.dataDir)).toBe(true);
  });

  it('trickles Claude Code sessions after the burst, then stops by itself', async () => {
    const demo = await start({ trickle: { everyMs: 1, steps: 4 } });
    await demo.burst;
    await demo.trickle;
    // One round: a read and its answer on Sonnet, a title, two Opus answers, a Sonnet answer.
    const later = (await decisions(demo)).slice(BURST_REQUESTS);
    expect(later.map((r) => r.requestedModel)).toEqual([SONNET, SONNET, HAIKU, OPUS, OPUS, SONNET]);
    expect(later.filter((r) => r.decision === 'accepted').length).toBeGreaterThanOrEqual(4);
    expect((await demo.stats()).allTime.savings).toBeGreaterThan((await demo.burst).savings);
  });

  it('takes a free port when the one asked for is in use, and says so', async () => {
    const blocker = await occupied();
    try {
      const taken = (blocker.address() as { port: number }).port;
      const demo = await start({ port: taken });
      expect(demo.portNote).toBe(`port ${taken} is in use, so the demo proxy listens on ${new URL(demo.baseUrl).port}`);
      expect(new URL(demo.baseUrl).port).not.toBe(String(taken));
      expect((await fetch(`${demo.baseUrl}/health`)).ok).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('stops at any point: traffic cut, servers closed, folder removed, stop() idempotent', async () => {
    const demo = await start({ trickle: { everyMs: 60_000, steps: 1 } });
    const { baseUrl, upstreamUrl, folder } = demo;
    await Promise.all([demo.stop(), demo.stop()]);
    await expect(demo.burst).rejects.toThrow();
    await expect(demo.trickle).rejects.toThrow();
    expect(existsSync(folder)).toBe(false);
    await expect(fetch(`${baseUrl}/health`)).rejects.toThrow();
    await expect(fetch(upstreamUrl)).rejects.toThrow();
  });
});
