import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../log/logger';
import { defaultRules } from '../rules/defaults';
import { createProxyContext } from '../runtime';
import { createMemoryStore } from '../state/stores';
import type { DecisionRecord } from '../../contracts/decision';
import type { ControlEvent } from '../../contracts/events';
import type { PublicSettings } from '../../contracts/settings';
import type { Health } from '../../contracts/status';
import type { ConversationSummary, Spending, StatsSnapshot, StatusLine } from '../../contracts/stats';
import type { anthropicError } from '../http/errors';
import { createOpsRouter } from '../ops/routes';
import { createControlRouter } from './http';
import { decisionRecord } from '../../test/fixtures/contracts';

const quiet: Logger = { info: () => {}, warn: () => {} };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(env: NodeJS.ProcessEnv = {}, store = createMemoryStore(), maxBufferedBytes?: number) {
  const ctx = await createProxyContext({ env, store, dataDir: '/nonexistent', logger: quiet });
  const app = express();
  app.use(createOpsRouter(ctx), createControlRouter(ctx, { keepAliveMs: 50, maxBufferedBytes }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ctx.setStatus({ state: 'running', baseUrl: base });
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await ctx.close();
  });
  return { ctx, base };
}

const record = decisionRecord;

/** The error of an Anthropic-shaped error answer. */
async function errorOf(res: Response): Promise<ReturnType<typeof anthropicError>['error']> {
  return ((await res.json()) as ReturnType<typeof anthropicError>).error;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('GET /health and /stats', () => {
  it('reports health with version, upstream and rule count', async () => {
    const { base } = await start({ CASCADEFLOW_UPSTREAM_URL: 'http://127.0.0.1:9/' });
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Health;
    expect(body).toMatchObject({ status: 'healthy', upstream: 'http://127.0.0.1:9', rules: defaultRules().length, paused: false });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
  });

  it('serves the seed field names computed from recorded decisions', async () => {
    const { ctx, base } = await start();
    ctx.record(record());
    ctx.record(record({ decision: 'escalated', answeringModel: 'claude-sonnet-4-5', cost: 0.008, baselineCost: 0.006, savings: -0.002 }));
    ctx.record(record({ decision: 'passthrough', ruleId: null, answeringModel: 'claude-haiku-4-5', cost: 0.001, baselineCost: 0.001, savings: 0 }));
    ctx.record(record({ decision: 'draft_error', answeringModel: 'claude-sonnet-4-5', cost: null, baselineCost: 0.006, savings: null }));
    // The client got an error: counted as a request, not as an answer of its model.
    ctx.record(record({ decision: 'failed', ruleId: null, answeringModel: 'nope', cost: 0, baselineCost: 0, savings: 0 }));
    const body = await (await fetch(`${base}/stats`)).json();
    expect(body).toEqual({
      total_queries: 5,
      total_cost: 0.011,
      avg_cost_per_query: 0.0022,
      cascade_used_count: 1,
      // Answered by a draft: 1 of 5 requests; the acceptance rate: 1 of 3 drafted requests.
      cascade_usage_pct: 20,
      draft_acceptance_pct: 33.33,
      models_used: { 'claude-haiku-4-5': 2, 'claude-sonnet-4-5': 2 },
      // The draft error's price is half unknown: it is left out of every money sum alike.
      baseline_cost: 0.013,
      total_savings: 0.002,
      savings_pct: 15.38,
      escalated_count: 1,
      passthrough_count: 1,
      draft_error_count: 1,
      failed_count: 1,
      not_worth_drafting_count: 0,
      skipped_draft_loss_avoided: 0,
      unpriced_query_count: 1,
      uptime_seconds: expect.any(Number),
    });
  });
});

describe('admin API', () => {
  it('reads status, stats, decisions with filter', async () => {
    const { ctx, base } = await start();
    ctx.record(record({ id: 'a' }));
    ctx.record(record({ id: 'b', decision: 'escalated' }));
    ctx.record(record({ id: 'c' }));
    const status = await (await fetch(`${base}/api/status`)).json();
    expect(status).toMatchObject({ state: 'running', baseUrl: base, paused: false, error: null });
    const stats = (await (await fetch(`${base}/api/stats`)).json()) as StatsSnapshot;
    expect(stats.allTime.queries).toBe(3);
    expect(stats.today.accepted).toBe(2);
    expect(stats.byRule.sonnet.queries).toBe(3);
    expect(stats.history.minute.at(-1)?.queries).toBe(3);
    expect(stats.prices['claude-haiku-4-5*']).toEqual({ input: 1, output: 5, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 });
    const latest = (await (await fetch(`${base}/api/decisions?limit=2`)).json()) as DecisionRecord[];
    expect(latest.map((r) => r.id)).toEqual(['c', 'b']);
    const escalated = (await (await fetch(`${base}/api/decisions?decision=escalated`)).json()) as DecisionRecord[];
    expect(escalated.map((r) => r.id)).toEqual(['b']);
    const bad = await fetch(`${base}/api/decisions?decision=maybe`);
    expect(bad.status).toBe(400);
    const error = (await errorOf(bad));
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/^Invalid decision query: decision: /);
    expect((await fetch(`${base}/api/decisions?colour=blue`)).status).toBe(400);
  });

  it("reads the top conversations and projects by period, one conversation's summary and its turns", async () => {
    const { ctx, base } = await start();
    const yesterday = new Date().setHours(0, 0, 0, 0) - 3_600_000;
    ctx.record(record({ id: 'old', time: yesterday, conversationId: 's:old', project: '/work/a', cost: 0.05, baselineCost: 0.2, savings: 0.15 }));
    ctx.record(record({ id: 'a1', conversationId: 's:abc', project: '/work/a' }));
    ctx.record(record({ id: 'a2', conversationId: 's:abc', project: '/work/a', decision: 'escalated', cost: 0.008, baselineCost: 0.006, savings: -0.002 }));
    ctx.record(record({ id: 'b1', conversationId: 'h:0123', cost: 0.001, baselineCost: 0.012, savings: 0.011 }));

    const today = (await (await fetch(`${base}/api/spending`)).json()) as Spending;
    expect(today.period).toBe('today');
    // s:abc $0.002 + $0.008 = $0.010 before h:0123 $0.001; savings $0.011 before $0.002.
    expect(today.conversations.byCost.map((c) => c.conversationId)).toEqual(['s:abc', 'h:0123']);
    expect(today.conversations.bySavings.map((c) => c.conversationId)).toEqual(['h:0123', 's:abc']);
    expect(today.projects.byCost).toMatchObject([{ project: '/work/a', counts: { queries: 2, accepted: 1, escalated: 1 } }]);
    const all = (await (await fetch(`${base}/api/spending?period=all&limit=1`)).json()) as Spending;
    expect(all.conversations.byCost.map((c) => c.conversationId)).toEqual(['s:old']);
    expect(all.projects.byCost[0].counts.queries).toBe(3);
    expect((await fetch(`${base}/api/spending?period=month`)).status).toBe(400);
    expect((await fetch(`${base}/api/spending?limit=0`)).status).toBe(400);

    const summary = (await (await fetch(`${base}/api/conversation-summary?id=s%3Aabc`)).json()) as ConversationSummary;
    expect(summary.conversation).toMatchObject({ conversationId: 's:abc', project: '/work/a', allTime: { queries: 2, accepted: 1, escalated: 1 } });
    expect(summary.conversation?.allTime.cost).toBeCloseTo(0.01, 12);
    expect(summary.today).toMatchObject({ queries: 3, unpricedQueries: 0 });
    expect(summary.today.cost).toBeCloseTo(0.011, 12);
    const unknown = (await (await fetch(`${base}/api/conversation-summary?id=s%3Anone`)).json()) as ConversationSummary;
    expect(unknown.conversation).toBeNull();
    const todayOnly = (await (await fetch(`${base}/api/conversation-summary`)).json()) as ConversationSummary;
    expect(todayOnly).toEqual({ conversation: null, today: summary.today });
    const bad = await fetch(`${base}/api/conversation-summary?id=`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^Invalid conversation summary query: id: /);

    // The conversation's turns: the decisions query.
    const turns = (await (await fetch(`${base}/api/decisions?conversationId=s%3Aabc`)).json()) as DecisionRecord[];
    expect(turns.map((r) => r.id)).toEqual(['a2', 'a1']);
  });

  it("builds Claude Code's status line for a session from the same summary, behind the admin token like every /api route", async () => {
    const token = 'status-line-route-token-0123456789';
    const { ctx, base } = await start({ CASCADEFLOW_ADMIN_TOKEN: token });
    const auth = { authorization: `Bearer ${token}` };
    ctx.record(record({ id: 'a1', conversationId: 's:abc' }));
    ctx.record(record({ id: 'a2', conversationId: 's:abc', decision: 'escalated', cost: 0.008, baselineCost: 0.006, savings: -0.002 }));
    ctx.record(record({ id: 'b1', conversationId: 'h:0123', cost: 0.001, baselineCost: 0.012, savings: 0.011 }));
    const line = async (query: string) => (await (await fetch(`${base}/api/statusline${query}`, { headers: auth })).json()) as StatusLine;
    // Session abc: $0.002 + $0.008 against $0.006 + $0.006, saved $0.002 (17 %); today $0.011.
    expect(await line('?session=abc')).toEqual({ text: '⚡ saved $0.0020 (17 %) this session · 1 draft ✓ 1 ↑ · today $0.01' });
    expect(await line('?session=never-seen')).toEqual({ text: '⚡ no requests this session yet · today $0.01' });
    expect(await line('')).toEqual({ text: '⚡ no requests this session yet · today $0.01' });
    const bad = await fetch(`${base}/api/statusline?session=`, { headers: auth });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^Invalid status line query: session: /);
    expect((await fetch(`${base}/api/statusline?session=abc`)).status).toBe(401);
    expect((await fetch(`${base}/api/statusline?session=abc`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('replaces rules with validation; the next match uses them', async () => {
    const { ctx, base } = await start();
    const rules = [
      { id: 'mine', match: 'claude-opus-4*', draftModel: 'claude-haiku-4-5', verifierModel: null, threshold: 0.8, enabled: true },
    ];
    const res = await fetch(`${base}/api/rules`, { method: 'PUT', ...json(rules) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(rules);
    expect(ctx.matchRule('claude-opus-4-1')?.id).toBe('mine');
    expect(ctx.matchRule('claude-sonnet-4-5')).toBeNull();

    const dup = await fetch(`${base}/api/rules`, { method: 'PUT', ...json([...rules, { ...rules[0], threshold: 1.5 }]) });
    expect(dup.status).toBe(400);
    const error = (await errorOf(dup));
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/^Invalid rules: 1\.threshold: /);
    expect(error.message).toContain('duplicate rule id "mine"');
    expect(await (await fetch(`${base}/api/rules`)).json()).toEqual(rules);
  });

  it('patches settings, reports env locks, refuses a self-pointing upstream', async () => {
    const { ctx, base } = await start({ PORT: '8123', HOST: '127.0.0.1' });
    const res = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ paused: true, priceOverrides: { 'my-model': { input: 1, output: 2, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 } } }) });
    expect(res.status).toBe(200);
    const settings = (await res.json()) as PublicSettings;
    expect(settings).toMatchObject({ paused: true, port: 8123, apiKeySet: false, apiKeyStorage: 'memory' });
    expect(settings.lockedByEnv.sort()).toEqual(['host', 'port']);
    expect(ctx.matchRule('claude-sonnet-4-5')).toBeNull();
    expect(ctx.accounting.callCost('my-model', { input_tokens: 1_000_000, output_tokens: 0 })).toBe(1);

    // Sending the whole PublicSettings object back (same locked values) is fine.
    const roundTrip = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ ...settings, paused: false }) });
    expect(roundTrip.status).toBe(200);

    const locked = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ port: 9000 }) });
    expect(locked.status).toBe(409);
    expect((await errorOf(locked)).message).toContain('PORT');

    const loop = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ upstreamUrl: 'http://localhost:8123' }) });
    expect(loop.status).toBe(400);
    expect((await errorOf(loop)).message).toContain('points at this proxy');

    const unknown = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ colour: 'blue' }) });
    expect(unknown.status).toBe(400);
    const badPort = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ upstreamUrl: 'ftp://x' }) });
    expect((await errorOf(badPort)).message).toContain('upstreamUrl');
  });

  it('stores the API key write-only', async () => {
    const { ctx, base } = await start();
    const res = await fetch(`${base}/api/api-key`, { method: 'PUT', ...json({ key: 'sk-ant-test-123' }) });
    const settings = (await res.json()) as PublicSettings;
    expect(settings.apiKeySet).toBe(true);
    expect(JSON.stringify(settings)).not.toContain('sk-ant-test-123');
    expect(ctx.fallbackApiKey()).toBe('sk-ant-test-123');
    await fetch(`${base}/api/api-key`, { method: 'PUT', ...json({ key: null }) });
    expect(ctx.fallbackApiKey()).toBeNull();
    const bad = await fetch(`${base}/api/api-key`, { method: 'PUT', ...json({ secret: 'x' }) });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('Unrecognized key: "secret"');
    const missing = await fetch(`${base}/api/api-key`, { method: 'PUT', ...json({}) });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toMatch(/^Invalid API key: /);
    expect(ctx.fallbackApiKey()).toBeNull();
  });

  it('refuses to save a key over ANTHROPIC_API_KEY', async () => {
    const { ctx, base } = await start({ ANTHROPIC_API_KEY: 'sk-env' });
    expect(ctx.fallbackApiKey()).toBe('sk-env');
    const settings = await (await fetch(`${base}/api/settings`)).json();
    expect(settings).toMatchObject({ apiKeySet: true, apiKeyStorage: 'env' });
    const res = await fetch(`${base}/api/api-key`, { method: 'PUT', ...json({ key: 'sk-other' }) });
    expect(res.status).toBe(409);
  });

  it('answers unknown routes and malformed JSON in Anthropic format', async () => {
    const { base } = await start();
    const missing = await fetch(`${base}/api/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ type: 'error', error: { type: 'not_found_error', message: expect.any(String) } });
    const malformed = await fetch(`${base}/api/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '[{' });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).type).toBe('invalid_request_error');
  });
});

describe('GET /api/events', () => {
  it('streams the current state, then every event as the hub emits it (stats coalesced there)', async () => {
    const { ctx, base } = await start();
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const events: Array<{ name: string; data: ControlEvent }> = [];
    const comments: string[] = [];
    async function until(predicate: () => boolean) {
      while (!predicate()) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (chunk.startsWith(':')) comments.push(chunk);
          const name = /^event: (.+)$/m.exec(chunk)?.[1];
          const data = /^data: (.+)$/m.exec(chunk)?.[1];
          if (name && data) events.push({ name, data: JSON.parse(data) });
        }
      }
    }
    await until(() => events.some((e) => e.name === 'stats'));
    expect(events.map((e) => e.name)).toEqual(['status', 'stats']);

    for (let i = 0; i < 20; i++) ctx.record(record({ id: `r${i}` }));
    await until(() => events.filter((e) => e.name === 'decision').length === 20 && events.filter((e) => e.name === 'stats').length >= 2);
    const stats = events.filter((e) => e.name === 'stats');
    // Twenty decisions in a burst: one (or two) stats events, not twenty.
    await until(() => comments.length > 0);
    expect(stats.length).toBeLessThanOrEqual(3);
    const last = events.filter((e) => e.name === 'stats').at(-1)!.data as Extract<ControlEvent, { type: 'stats' }>;
    expect(last.stats.allTime.queries).toBe(20);
    const decision = events.find((e) => e.name === 'decision')!.data as Extract<ControlEvent, { type: 'decision' }>;
    expect(decision).toMatchObject({ type: 'decision', record: { id: 'r0', decision: 'accepted' } });

    await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ paused: true }) });
    await until(() => events.some((e) => e.name === 'settings'));
    await fetch(`${base}/api/rules`, { method: 'PUT', ...json([]) });
    await until(() => events.some((e) => e.name === 'rules'));
    controller.abort();
  });
});

describe('GET /api/events with a client that stops reading', () => {
  it('cuts the connection off instead of buffering without bound', async () => {
    const { ctx, base } = await start({}, createMemoryStore(), 64 * 1024);
    const closed = new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/api/events`, (res) => {
        res.pause(); // a stalled tab: nothing is read
        res.on('close', () => resolve());
        // Far more than the socket buffers hold: without the cut-off this would pile up in the proxy.
        const filler = 'x'.repeat(4096);
        for (let i = 0; i < 8000 && !res.destroyed; i++) ctx.record(record({ id: `r${i}`, failure: { kind: 'network', message: filler } }));
      });
      req.on('error', () => resolve());
      setTimeout(() => reject(new Error('the stalled connection was never cut off')), 10_000).unref();
    });
    await closed;
  });
});

/** fetch() cannot set Host; node:http can. */
function statusWithHost(url: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: { ...headers, host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security', () => {
  it('refuses a foreign Host (DNS rebinding), accepts loopback names', async () => {
    const { base } = await start();
    expect(await statusWithHost(`${base}/api/status`, 'attacker.example:8000')).toBe(403);
    expect(await statusWithHost(`${base}/health`, 'attacker.example')).toBe(403);
    expect(await statusWithHost(`${base}/api/status`, '192.168.1.20:8000')).toBe(403);
    expect(await statusWithHost(`${base}/api/status`, 'localhost:8000')).toBe(200);
    expect(await statusWithHost(`${base}/api/status`, '[::1]:8000')).toBe(200);
  });

  it('listening everywhere: accepts IP literals and CASCADEFLOW_ALLOWED_HOSTS, still refuses foreign names', async () => {
    const { ctx, base } = await start({ HOST: '0.0.0.0', CASCADEFLOW_ALLOWED_HOSTS: 'proxy.example.lan' });
    const auth = { authorization: `Bearer ${ctx.config.adminToken}` };
    expect(await statusWithHost(`${base}/api/status`, '192.168.1.20:8000', auth)).toBe(200);
    expect(await statusWithHost(`${base}/api/status`, 'Proxy.Example.LAN:8000', auth)).toBe(200);
    expect(await statusWithHost(`${base}/api/status`, 'attacker.example:8000', auth)).toBe(403);
  });

  it('refuses cross-origin and cross-site browser requests, allows same-origin', async () => {
    const { base } = await start();
    const evil = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ paused: true }, { origin: 'http://evil.example' }) });
    expect(evil.status).toBe(403);
    expect((await errorOf(evil)).type).toBe('permission_error');
    const otherPort = await fetch(`${base}/api/stats`, { headers: { origin: 'http://127.0.0.1:1' } });
    expect(otherPort.status).toBe(403);
    const nullOrigin = await fetch(`${base}/stats`, { headers: { origin: 'null' } });
    expect(nullOrigin.status).toBe(403);
    const noCors = await fetch(`${base}/api/stats`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } });
    expect(noCors.status).toBe(403);
    const same = await fetch(`${base}/api/settings`, { method: 'PATCH', ...json({ paused: true }, { origin: base }) });
    expect(same.status).toBe(200);
  });

  it('requires application/json on mutating requests', async () => {
    const { base } = await start();
    const form = await fetch(`${base}/api/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ paused: true }),
    });
    expect(form.status).toBe(415);
  });

  it('requires the admin token when listening beyond loopback', async () => {
    const store = createMemoryStore();
    const { ctx, base } = await start({ HOST: '0.0.0.0' }, store);
    const token = ctx.config.adminToken!;
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(store.get('adminToken')).toBe(token);
    expect((await fetch(`${base}/api/status`)).status).toBe(401);
    expect((await fetch(`${base}/api/status`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${base}/api/status?token=${token}`)).status).toBe(200);
    // The token in the query string is not taken for an argument.
    expect((await fetch(`${base}/api/decisions?token=${token}&limit=1`)).status).toBe(200);
    const events = await fetch(`${base}/api/events?token=${token}`);
    expect(events.status).toBe(200);
    await events.body!.cancel();
    // The seed's endpoints stay open for monitoring.
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // Same token on the next start.
    const again = await createProxyContext({ env: { HOST: '0.0.0.0' }, store, logger: quiet });
    expect(again.config.adminToken).toBe(token);
    await again.close();
  });

  it('uses CASCADEFLOW_ADMIN_TOKEN when set, even on loopback', async () => {
    const { base } = await start({ CASCADEFLOW_ADMIN_TOKEN: 'a-long-enough-admin-token' });
    expect((await fetch(`${base}/api/rules`)).status).toBe(401);
    expect((await fetch(`${base}/api/rules`, { headers: { authorization: 'Bearer a-long-enough-admin-token' } })).status).toBe(200);
  });
});
