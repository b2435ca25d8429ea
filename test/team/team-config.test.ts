// Team configuration for real: two replicas (proxy contexts with servers, each on a data folder of
// its own) on one throwaway PostgreSQL, in front of the simulator, listening "beyond loopback" so
// client tokens are required. A change made on one replica (control API or the token CLI) reaches
// the other through team_config and NOTIFY; with PostgreSQL stopped a change is kept and lands
// once it is back.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../contracts/events';
import type { CascadeRule } from '../../contracts/rules';
import { CLIENT_TOKEN_HEADER } from '../../contracts/tokens';
import type { ProxyContext } from '../../proxy/context';
import { defaultRules } from '../../proxy/rules/defaults';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer, type RunningProxy } from '../../proxy/server';
import { openConfStore } from '../../proxy/state/stores';
import { runTokenCommand } from '../../proxy/tokens/cli';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU } from '../proxy/harness';
import { waitFor } from '../wait';
import { postgresUnavailable, startPostgres, type PostgresServer } from './postgres-server';

interface Replica {
  name: string;
  dataDir: string;
  ctx: ProxyContext;
  proxy: RunningProxy;
  logs: string[];
  events: ControlEvent[];
}

const unavailable = postgresUnavailable();
let server: PostgresServer;
let databaseUrl: string;
let sim: Simulator;
let a: Replica;
let b: Replica;

/** The rules the first replica's config.json holds before the team exists: seeded from there. */
const seededRules: CascadeRule[] = defaultRules().map((rule, i) => (i === 0 ? { ...rule, threshold: 0.55 } : rule));

async function startReplica(name: string, prepare?: (dataDir: string) => void): Promise<Replica> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `cf-team-${name}-`));
  prepare?.(dataDir);
  const logs: string[] = [];
  const ctx = await createProxyContext({
    env: { CASCADEFLOW_UPSTREAM_URL: sim.url, CASCADEFLOW_DATABASE_URL: databaseUrl, HOST: '0.0.0.0' },
    dataDir,
    logger: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
  });
  const events: ControlEvent[] = [];
  ctx.control.subscribe((event) => events.push(event));
  const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
  return { name, dataDir, ctx, proxy, logs, events };
}

async function stopReplica(replica: Replica | undefined): Promise<void> {
  if (!replica) return;
  await replica.proxy.close();
  await replica.ctx.close();
  await rm(replica.dataDir, { recursive: true, force: true });
}

/** The HTTP status of one small request to `replica` with `secret` as the client token. */
function ask(replica: Replica, secret: string): Promise<number | undefined> {
  const client = new Anthropic({ baseURL: replica.proxy.url, apiKey: 'sk-test-client-key', maxRetries: 0, defaultHeaders: { [CLIENT_TOKEN_HEADER]: secret } });
  return client.messages.create({ model: HAIKU, max_tokens: 32, messages: [{ role: 'user', content: 'Say hello.' }] }).then(
    () => 200,
    (error: { status?: number }) => error.status,
  );
}

async function teamConfigRow(key: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: unknown }>('SELECT value FROM team_config WHERE key = $1', [key]);
    return rows[0]?.value;
  } finally {
    await client.end();
  }
}

function tokenCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return runTokenCommand(args, {
    env: { CASCADEFLOW_DATABASE_URL: databaseUrl },
    out: (text) => (out += text),
    err: (text) => (err += text),
  }).then((code) => ({ code, out, err }));
}

describe.skipIf(unavailable)('team configuration in PostgreSQL', () => {
  beforeAll(async () => {
    server = await startPostgres();
    databaseUrl = await server.createDatabase('team_config_test');
    sim = await createSimulator();
    a = await startReplica('a', (dataDir) => openConfStore(dataDir).store.set('rules', seededRules));
    b = await startReplica('b');
  }, 60_000);

  afterAll(async () => {
    await stopReplica(a);
    await stopReplica(b);
    await sim?.close();
    await server?.remove();
  }, 60_000);

  it('seeds an empty team configuration from the first replica, and the second starts with it', async () => {
    expect(a.logs.some((line) => /Team configuration was empty: seeded .*rules/.test(line))).toBe(true);
    expect(b.logs.some((line) => line.includes('seeded'))).toBe(false);
    expect(await b.ctx.control.getRules()).toEqual(seededRules);
    // The admin token generated by the first replica (listening beyond loopback) is the team's.
    expect(a.ctx.config.adminToken).toBeTruthy();
    expect(b.ctx.config.adminToken).toBe(a.ctx.config.adminToken);
  });

  it('a token created on replica A identifies requests on replica B', async () => {
    const { token: secret } = await a.ctx.control.createToken({ name: 'laptop', limits: { requestsPerMinute: 100 } });
    await waitFor(() => b.ctx.tokens.identify(secret), 'replica B to know the new token', 10_000);
    expect(await ask(b, secret)).toBe(200);
    expect(await ask(b, `${secret}x`)).toBe(401);
    expect((await b.ctx.control.getDecisions({ limit: 1 }))[0].tokenName).toBe('laptop');
    // Only the hash is shared.
    expect(JSON.stringify(await teamConfigRow('clientTokens'))).not.toContain(secret);

    await a.ctx.control.revokeToken('laptop');
    await waitFor(() => b.ctx.tokens.identify(secret) === null, 'replica B to drop the revoked token', 10_000);
    expect(await ask(b, secret)).toBe(401);
  });

  it('tokens created at the same moment on both replicas all stay, and both replicas know all of them', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `burst-${i}`);
    const created = await Promise.all(names.map((name, i) => (i % 2 === 0 ? a : b).ctx.control.createToken({ name })));
    expect((await teamConfigRow('clientTokens')) as Array<{ name: string }>).toEqual(
      expect.arrayContaining(names.map((name) => expect.objectContaining({ name }))),
    );
    for (const replica of [a, b]) {
      await waitFor(() => created.every(({ token }) => replica.ctx.tokens.identify(token)), 'every token on both replicas', 10_000);
    }
    await Promise.all(names.map((name, i) => (i % 2 === 0 ? b : a).ctx.control.revokeToken(name)));
    expect(((await teamConfigRow('clientTokens')) as Array<{ name: string }>).filter((t) => t.name.startsWith('burst-'))).toEqual([]);
  });

  it("a rules change on replica B reaches A's rules and A's rules event", async () => {
    const changed = seededRules.map((rule, i) => (i === 1 ? { ...rule, enabled: !rule.enabled } : rule));
    const seen = a.events.length;
    const saved = performance.now();
    await b.ctx.control.saveRules(changed);
    const event = await waitFor(
      () => a.events.slice(seen).find((e): e is Extract<ControlEvent, { type: 'rules' }> => e.type === 'rules'),
      "replica A's rules event",
      10_000,
    );
    console.log(`rules saved on B reached A's event hub after ${(performance.now() - saved).toFixed(1)} ms`);
    expect(event.rules).toEqual(changed);
    expect(await a.ctx.control.getRules()).toEqual(changed);
    expect(await teamConfigRow('rules')).toEqual(changed);
    // B announced its own change once, and did not take its own NOTIFY as news.
    expect(b.events.filter((e) => e.type === 'rules')).toHaveLength(1);
    // Each replica's config.json keeps the team's configuration (for a start while the database is down).
    expect(JSON.parse(await readFile(path.join(a.dataDir, 'config.json'), 'utf8')).rules).toEqual(changed);
  });

  it('with PostgreSQL stopped, a settings change is kept on A and reaches B once it is back', async () => {
    const { token: secret } = await a.ctx.control.createToken({ name: 'outage' });
    await waitFor(() => b.ctx.tokens.identify(secret), 'replica B to know the token', 10_000);
    const before = (await a.ctx.control.getSettings()).logPrompts;
    const seen = b.events.length;
    await server.stop();
    try {
      const updated = await a.ctx.control.updateSettings({ logPrompts: !before });
      expect(updated.logPrompts).toBe(!before);
      expect((await a.ctx.control.getSettings()).logPrompts).toBe(!before);
      // Requests go on on both replicas, their tokens known from the cache.
      expect(await ask(a, secret)).toBe(200);
      expect(await ask(b, secret)).toBe(200);
      expect((await b.ctx.control.getSettings()).logPrompts).toBe(before);
    } finally {
      await server.start();
    }
    const restarted = performance.now();
    await waitFor(
      () => b.events.slice(seen).some((e) => e.type === 'settings' && e.settings.logPrompts === !before),
      "replica B's settings event after the database came back",
      30_000,
    );
    console.log(`the change kept on A during the outage reached B ${(performance.now() - restarted).toFixed(0)} ms after PostgreSQL was back`);
    expect((await b.ctx.control.getSettings()).logPrompts).toBe(!before);
    expect(await teamConfigRow('settings')).toMatchObject({ logPrompts: !before });
    expect(a.logs.some((line) => line.includes('could not save settings to the database'))).toBe(true);
  }, 60_000);

  it('a replica started while PostgreSQL is down serves with what it has, then takes the team configuration', async () => {
    const teamRules = await a.ctx.control.getRules();
    const { token: secret } = await a.ctx.control.createToken({ name: 'late' });
    await server.stop();
    let c: Replica | undefined;
    try {
      c = await startReplica('c');
      expect(((await c.ctx.control.getStatus()).warnings ?? []).some((w) => w.includes('did not answer at start'))).toBe(true);
      // A fresh data folder: no team tokens known yet.
      expect(await ask(c, secret)).toBe(401);
      await server.start();
      await waitFor(() => c!.ctx.tokens.identify(secret), 'replica C to take the team tokens', 30_000);
      expect(await ask(c, secret)).toBe(200);
      expect(await c.ctx.control.getRules()).toEqual(teamRules);
      expect(c.events.some((e) => e.type === 'rules')).toBe(true);
      // Its start-up defaults did not overwrite the team's.
      expect(c.logs.some((line) => line.includes("the team's values replace them"))).toBe(true);
      expect(await teamConfigRow('rules')).toEqual(teamRules);
    } finally {
      await stopReplica(c);
    }
  }, 90_000);

  it('`cascadeflow token` with CASCADEFLOW_DATABASE_URL edits the team database; both replicas follow', async () => {
    const created = await tokenCli('create', 'ci', '--rpm', '50');
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret.length).toBeGreaterThan(20);
    expect(created.err).toContain('the team database');
    await waitFor(() => a.ctx.tokens.identify(secret) && b.ctx.tokens.identify(secret), 'both replicas to know the CLI token', 10_000);
    expect(await ask(a, secret)).toBe(200);
    expect(await ask(b, secret)).toBe(200);

    const listed = await tokenCli('list', '--json');
    expect(JSON.parse(listed.out).map((t: { name: string }) => t.name)).toContain('ci');
    expect(listed.out).not.toContain(secret);
    // A taken name changes nothing and prints no secret.
    expect(await tokenCli('create', 'ci')).toMatchObject({ code: 1, out: '' });

    expect((await tokenCli('revoke', 'ci')).code).toBe(0);
    await waitFor(() => !a.ctx.tokens.identify(secret) && !b.ctx.tokens.identify(secret), 'both replicas to drop the CLI token', 10_000);
    expect(await ask(a, secret)).toBe(401);
    expect(await ask(b, secret)).toBe(401);
  }, 30_000);
});
