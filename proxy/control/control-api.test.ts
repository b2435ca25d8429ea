import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProxyContext } from '../context';
import type { Logger } from '../log/logger';
import type { MessagesRequest } from '../wire';
import type { ControlError } from '../http/errors';
import { createProxyContext } from '../runtime';
import { DEFAULT_DECISION_LIMIT, type DecisionRecord } from '../../contracts/decision';
import { STATS_EVENT_INTERVAL_MS } from '../state/event-hub';
import { createMemorySecretStore, createMemoryStore } from '../state/stores';
import type { ControlEvent } from '../../contracts/events';
import { decisionRecord } from '../../test/fixtures/contracts';

const contexts: ProxyContext[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const ctx of contexts.splice(0)) await ctx.close();
});

async function context(env: NodeJS.ProcessEnv = {}) {
  const warnings: string[] = [];
  const lines: string[] = [];
  const logger: Logger = { info: (l) => lines.push(l), warn: (l) => warnings.push(l) };
  const ctx = await createProxyContext({ env, store: createMemoryStore(), secrets: createMemorySecretStore(), logger });
  contexts.push(ctx);
  return { ctx, warnings, lines };
}

const record = (id: string): DecisionRecord =>
  decisionRecord({
    id,
    requestedModel: 'claude-haiku-4-5',
    decision: 'passthrough',
    ruleId: null,
    confidence: null,
    threshold: null,
    cost: 0.000006,
    baselineCost: 0.000006,
    savings: 0,
  });

const ofType = <T extends ControlEvent['type']>(events: ControlEvent[], type: T) =>
  events.filter((e): e is Extract<ControlEvent, { type: T }> => e.type === type);

describe('control API events', () => {
  it('delivers decisions at once and stats at most once per interval, until unsubscribed', async () => {
    vi.useFakeTimers();
    const { ctx } = await context();
    const events: ControlEvent[] = [];
    const unsubscribe = ctx.control.subscribe((event) => events.push(event));
    for (let i = 0; i < 50; i++) ctx.record(record(`d${i}`));
    expect(ofType(events, 'decision')).toHaveLength(50);
    await vi.advanceTimersByTimeAsync(STATS_EVENT_INTERVAL_MS - 1);
    expect(ofType(events, 'stats')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(ofType(events, 'stats').map((e) => e.stats.allTime.queries)).toEqual([50]);

    // A later burst is one more event; a quiet interval none.
    for (let i = 0; i < 10; i++) ctx.record(record(`e${i}`));
    await vi.advanceTimersByTimeAsync(3 * STATS_EVENT_INTERVAL_MS);
    expect(ofType(events, 'stats').map((e) => e.stats.allTime.queries)).toEqual([50, 60]);

    unsubscribe();
    ctx.record(record('late'));
    await vi.advanceTimersByTimeAsync(3 * STATS_EVENT_INTERVAL_MS);
    expect(events).toHaveLength(62);
  });

  it('records each decision once, in order: store, log line, then the live event', async () => {
    const { ctx, lines } = await context();
    const seen: Array<{ lines: number; stored: Promise<string[]> }> = [];
    ctx.control.subscribe((event) => {
      if (event.type === 'decision') seen.push({ lines: lines.length, stored: ctx.control.getDecisions().then((r) => r.map((d) => d.id)) });
    });
    ctx.record(record('one'));
    expect(seen).toHaveLength(1);
    expect(seen[0].lines).toBe(1);
    expect(await seen[0].stored).toEqual(['one']);
    expect(lines).toHaveLength(1);
  });

  it('reports status changes, keeping paused and upstream from settings', async () => {
    const { ctx } = await context();
    const events: ControlEvent[] = [];
    ctx.control.subscribe((event) => events.push(event));
    ctx.setStatus({ state: 'running', baseUrl: 'http://127.0.0.1:9999' });
    await ctx.control.updateSettings({ paused: true });
    const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    expect(statuses[0]).toMatchObject({ state: 'running', baseUrl: 'http://127.0.0.1:9999', paused: false, error: null });
    expect(statuses[0].startedAt).toBeGreaterThan(0);
    expect(statuses.at(-1)).toMatchObject({ state: 'running', paused: true });
    expect(events.some((e) => e.type === 'settings' && e.settings.paused)).toBe(true);
  });

  it('keeps serving other listeners when one throws', async () => {
    const { ctx, warnings } = await context();
    const seen: string[] = [];
    ctx.control.subscribe(() => {
      throw new Error('broken window');
    });
    ctx.control.subscribe((event) => seen.push(event.type));
    ctx.record(record('x'));
    expect(seen).toEqual(['decision']);
    expect(warnings.some((w) => w.includes('broken window'))).toBe(true);
  });

  it('logs a prompt excerpt only after logPrompts is turned on', async () => {
    const { ctx, lines } = await context();
    const request = { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'What is the capital of France?' }] };
    expect((await ctx.control.getSettings()).logPrompts).toBe(false);
    // Asked for only when logged: reading it may parse a body the request path never parsed.
    let asked = 0;
    const prompt = { tryRequest: () => (asked++, request) as MessagesRequest };
    ctx.record(record('a'), prompt);
    expect(lines.at(-1)).not.toContain('France');
    expect(asked).toBe(0);
    await ctx.control.updateSettings({ logPrompts: true });
    ctx.record(record('b'), prompt);
    expect(lines.at(-1)).toMatch(/^\[\w+\] ➡️ {2}Passthrough: claude-haiku-4-5, .* \| prompt: "What is the capital of France\?"$/);
    // Never stored: the decision record has no prompt text.
    expect(JSON.stringify(await ctx.control.getDecisions())).not.toContain('France');
  });

  it('makes rule edits effective on the next match and hands out copies', async () => {
    const { ctx } = await context();
    const rules = await ctx.control.getRules();
    rules[0].threshold = 0.01; // a copy: not saved
    expect(ctx.matchRule('claude-3-5-sonnet-20241022')?.threshold).toBe(0.7);
    await ctx.control.saveRules([{ ...rules[0], threshold: 0.9 }]);
    expect(ctx.matchRule('claude-3-5-sonnet-20241022')?.threshold).toBe(0.9);
    await ctx.control.saveRules([{ ...rules[0], enabled: false }]);
    expect(ctx.matchRule('claude-3-5-sonnet-20241022')).toBeNull();
  });

  it('refuses rule ids that name Object.prototype members (per-rule totals are keyed by id)', async () => {
    const { ctx } = await context();
    const [rule] = await ctx.control.getRules();
    for (const id of ['__proto__', 'constructor', 'toString']) {
      await expect(ctx.control.saveRules([{ ...rule, id }])).rejects.toThrow(/0\.id: /);
    }
    ctx.record({ ...record('c'), ruleId: rule.id, decision: 'accepted' });
    expect(({} as Record<string, unknown>).queries).toBeUndefined();
    expect((await ctx.control.getStats()).byRule[rule.id].queries).toBe(1);
  });

  it('reports every env-locked setting and the effective value', async () => {
    const { ctx } = await context({ HOST: '127.0.0.2', PORT: '9100', CASCADEFLOW_UPSTREAM_URL: 'http://127.0.0.1:1234/' });
    const settings = await ctx.control.getSettings();
    expect(settings).toMatchObject({ host: '127.0.0.2', port: 9100, upstreamUrl: 'http://127.0.0.1:1234' });
    expect(settings.lockedByEnv).toEqual(['host', 'port', 'upstreamUrl']);
    await expect(ctx.control.updateSettings({ upstreamUrl: 'https://api.anthropic.com' })).rejects.toThrow(/CASCADEFLOW_UPSTREAM_URL/);
  });
});

describe('control API arguments', () => {
  it('checks every argument against the contract, naming the argument and the field', async () => {
    const { ctx } = await context();
    const call = (promise: Promise<unknown>) => promise.then(() => null, (error: ControlError) => [error.status, error.message]);
    expect(await call(ctx.control.getDecisions({ limit: 0 }))).toEqual([400, expect.stringMatching(/^Invalid decision query: limit: /)]);
    expect(await call(ctx.control.updateSettings({ port: 'eighty' } as never))).toEqual([400, expect.stringMatching(/^Invalid settings: port: /)]);
    expect(await call(ctx.control.setApiKey('sk ant'))).toEqual([400, 'Invalid API key: must not contain spaces']);
    expect(await call(ctx.control.saveRules('all' as never))).toEqual([400, expect.stringMatching(/^Invalid rules: /)]);
    // Nothing changed on the way.
    expect((await ctx.control.getSettings()).port).toBe(8000);
    expect((await ctx.control.getSettings()).apiKeySet).toBe(false);
  });

  it('answers a decision query without a limit with the latest 500, newest first', async () => {
    const { ctx } = await context();
    for (let i = 0; i < DEFAULT_DECISION_LIMIT + 20; i++) ctx.record(record(`d${i}`));
    const latest = await ctx.control.getDecisions();
    expect(latest).toHaveLength(DEFAULT_DECISION_LIMIT);
    expect(latest[0].id).toBe(`d${DEFAULT_DECISION_LIMIT + 19}`);
    expect(await ctx.control.getDecisions({ limit: DEFAULT_DECISION_LIMIT + 20 })).toHaveLength(DEFAULT_DECISION_LIMIT + 20);
    expect((await ctx.control.getDecisions({ decision: 'accepted' })).length).toBe(0);
  });
});

describe("control API: Claude Code's status line", () => {
  it("files the session under the proxy's conversation id, and says unknown prices as unknown", async () => {
    const { ctx } = await context();
    // Session s1: one accepted draft ($0.002 of $0.006) and one request of unknown price.
    ctx.record(decisionRecord({ id: 'a', conversationId: 's:s1' }));
    ctx.record(decisionRecord({ id: 'b', conversationId: 's:s1', decision: 'passthrough', cost: null, baselineCost: null, savings: null }));
    // Saved $0.004 of $0.006: 67 %.
    expect(await ctx.control.getStatusLine({ session: 's1' })).toEqual({
      text: '⚡ saved $0.0040 (67 %) this session (1 unpriced) · 1 draft ✓ 0 ↑ · today $0.0020 (1 unpriced)',
    });
    // A conversation id is not a session id: `s:s1` names another session.
    expect(await ctx.control.getStatusLine({ session: 's:s1' })).toEqual({ text: '⚡ no requests this session yet · today $0.0020 (1 unpriced)' });
    expect(await ctx.control.getStatusLine()).toEqual(await ctx.control.getStatusLine({}));
  });
});
