// Rate limits shared through a real Redis (Debian's redis-server on a free loopback port): two
// proxy replicas in front of the simulator, the official SDK as client. Limits hold across both
// under concurrent load, stream leases of a replica that stopped renewing expire, Redis going
// away fails open or closed as configured and comes back, and requests without a token are
// limited per client key by its hash.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenLimits } from '../../contracts/tokens';
import { createMemoryStore, type KeyValueStore } from '../../proxy/state/stores';
import { connectRedis } from '../../proxy/team/redis/client';
import { RedisRateLimiter } from '../../proxy/team/redis/limiter';
import { addToken } from '../../proxy/tokens/registry';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU } from '../proxy/harness';
import { waitFor } from '../wait';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server';
import { startReplica, statusOf, type Replica } from './redis-replica';

const skip = redisUnavailable();
const ask = { model: HAIKU, max_tokens: 16, messages: [{ role: 'user' as const, content: 'Say hello.' }] };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let redis: RedisServer;
let sim: Simulator;
const open: Replica[] = [];
beforeAll(async () => {
  if (skip) return;
  redis = await startRedis();
  sim = await createSimulator();
});
afterAll(async () => {
  for (const replica of open) await replica.close();
  await sim?.close();
  await redis?.remove();
});

/** A store holding one client token with these limits; its secret. */
function storeWithToken(name: string, limits: TokenLimits): { store: KeyValueStore; token: string } {
  const store = createMemoryStore();
  const { secret } = addToken(store, { name, limits }, Date.now());
  return { store, token: secret };
}

async function replicas(store: KeyValueStore, ids: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Replica[]> {
  const started: Replica[] = [];
  for (const id of ids) {
    const env = { CASCADEFLOW_UPSTREAM_URL: sim.url, CASCADEFLOW_REDIS_URL: redis.url, CASCADEFLOW_REPLICA_ID: id, ...extraEnv };
    started.push(await startReplica(store, env));
  }
  open.push(...started);
  return started;
}

async function health(replica: Replica): Promise<{ status: string; reasons: string[] }> {
  return (await fetch(`${replica.proxy.url}/health`)).json() as Promise<{ status: string; reasons: string[] }>;
}

describe.skipIf(skip)('Redis rate limits across replicas', () => {
  it('requests per minute: concurrent load on two replicas admits exactly the limit in total', async () => {
    const { store, token } = storeWithToken('team-rpm', { requestsPerMinute: 12 });
    const [a, b] = await replicas(store, ['rpm-a', 'rpm-b']);
    const calls = Array.from({ length: 40 }, (_, i) => statusOf((i % 2 === 0 ? a : b).client({ token }).messages.create(ask)));
    const statuses = await Promise.all(calls);
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.filter((s) => s === 429)).toHaveLength(28);
    const [aListed] = await a.ctx.control.listTokens();
    const [bListed] = await b.ctx.control.listTokens();
    expect(aListed.today!.limited + bListed.today!.limited).toBe(28);
  });

  it('concurrent streams: a stream open on one replica holds the place on the other until it ends', async () => {
    const { store, token } = storeWithToken('team-streams', { concurrentStreams: 1 });
    const [a, b] = await replicas(store, ['streams-a', 'streams-b']);
    let answer!: () => void;
    sim.script(HAIKU, { kind: 'good', until: new Promise<void>((resolve) => (answer = resolve)) }, 1);
    const seen = sim.requests.length;
    const first = a.client({ token }).messages.create({ ...ask, stream: true });
    await waitFor(() => sim.requests.length > seen, 'the first stream upstream');
    // Held open on A: B refuses a second stream, not a plain request.
    expect(await statusOf(b.client({ token }).messages.create({ ...ask, stream: true }))).toBe(429);
    expect(await statusOf(b.client({ token }).messages.create(ask))).toBe(200);
    answer();
    for await (const event of await first) void event;
    await waitFor(async () => (await statusOf(b.client({ token }).messages.create({ ...ask, stream: true }).then((s) => s.controller.abort()))) === 200, 'the place given back');
  });

  it('daily spend: what one replica spent counts on the other', async () => {
    const { store, token } = storeWithToken('team-spend', { dailySpendUsd: 0.000001 });
    const [a, b] = await replicas(store, ['spend-a', 'spend-b']);
    expect(await statusOf(a.client({ token }).messages.create(ask))).toBe(200);
    const probe = await connectRedis(redis.url, { name: 'test:probe' });
    try {
      await probe.ready();
      const day = `cascadeflow:limits:spend:${new Date().toISOString().slice(0, 10)}`;
      await waitFor(async () => Number(await probe.client.hget(day, sha256(token))) > 0, 'A’s spend in Redis');
    } finally {
      await probe.close();
    }
    // B has recorded nothing of this token: only the shared figure can refuse it.
    const refused = await b.client({ token }).messages.create(ask).then(
      () => null,
      (e: unknown) => e as { status: number; message: string },
    );
    expect(refused?.status).toBe(429);
    expect(refused?.message).toContain('daily spend cap');
    expect((await b.ctx.control.listTokens())[0].today).toMatchObject({ queries: 0, cost: 0 });
  });

  it('a stream lease that is no longer renewed (its replica died) expires; an open one is renewed past its lifetime', async () => {
    const leaseMs = 400;
    const limits = { concurrentStreams: 1 };
    const input = { limits, stream: true, spentToday: 0, now: Date.now() };
    const crashed = await connectRedis(redis.url, { name: 'test:crashed' });
    const survivor = await connectRedis(redis.url, { name: 'test:survivor' });
    const dying = new RedisRateLimiter(crashed, { leaseMs, prefix: 'test:lease:' });
    const living = new RedisRateLimiter(survivor, { leaseMs, prefix: 'test:lease:' });
    try {
      expect(await crashed.ready()).toBe(true);
      expect(await survivor.ready()).toBe(true);
      const held = await living.admit('k', input);
      expect(held.ok).toBe(true);
      // Renewed: still refused after three lifetimes.
      const start = Date.now();
      while (Date.now() - start < 3 * leaseMs) {
        expect(await dying.admit('k', input)).toMatchObject({ ok: false, limit: 'concurrentStreams' });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (held.ok) held.release();
      await waitFor(async () => (await dying.admit('k', input)).ok, 'the released place');
      // The replica holding it now "dies": no renewal, no release.
      dying.close();
      await crashed.close();
      const refusedAt = Date.now();
      expect(await living.admit('k', input)).toMatchObject({ ok: false, limit: 'concurrentStreams' });
      await waitFor(async () => (await living.admit('k', input)).ok, 'the dead lease to expire', 5_000);
      const waited = Date.now() - refusedAt;
      expect(waited).toBeLessThan(leaseMs + 1_000);
    } finally {
      dying.close();
      living.close();
      await crashed.close();
      await survivor.close();
    }
  });
});

describe.skipIf(skip)('Redis unreachable', () => {
  it('fails open by default (warning in status, /health degraded) and closed when set; both recover', async () => {
    const { store, token } = storeWithToken('outage', { requestsPerMinute: 1000 });
    const [openReplica] = await replicas(store, ['outage-open']);
    const [closedReplica] = await replicas(store, ['outage-closed'], { CASCADEFLOW_RATE_LIMITS_ON_REDIS_FAILURE: 'closed' });
    expect(await statusOf(openReplica.client({ token }).messages.create(ask))).toBe(200);
    expect(await statusOf(closedReplica.client({ token }).messages.create(ask))).toBe(200);
    expect((await health(openReplica)).status).toBe('healthy');

    await redis.stop();
    try {
      expect(await statusOf(openReplica.client({ token }).messages.create(ask))).toBe(200);
      const refused = await closedReplica.client({ token }).messages.create(ask).then(
        () => null,
        (e: unknown) => e as { status: number; message: string; headers: Headers },
      );
      expect(refused?.status).toBe(503);
      expect(refused?.message).toContain('rate limits cannot be checked');
      expect(refused?.headers.get('retry-after')).toBe('5');
      // Without a token nothing is limited: no need for Redis.
      expect(await statusOf(closedReplica.client().messages.create(ask))).toBe(200);
      const degraded = await waitFor(async () => {
        const h = await health(openReplica);
        return h.status === 'degraded' ? h : null;
      }, '/health degraded');
      expect(degraded.reasons.join(' ')).toMatch(/Redis unreachable: client rate limits are not enforced/);
      expect((await health(closedReplica)).reasons.join(' ')).toMatch(/refused with 503/);
      expect((await openReplica.ctx.control.getStatus()).outages).toContainEqual(expect.stringMatching(/^Redis unreachable/));
    } finally {
      await redis.start();
    }
    // This part's reason gone (conversation state, whose own outage clears with its next load, is not tested here).
    await waitFor(async () => !(await health(openReplica)).reasons.some((r) => r.startsWith('Redis unreachable')), '/health without the outage', 10_000);
    await waitFor(async () => (await statusOf(closedReplica.client({ token }).messages.create(ask))) === 200, 'requests admitted again', 10_000);
    expect((await openReplica.ctx.control.getStatus()).outages ?? []).not.toContainEqual(expect.stringMatching(/^Redis unreachable/));
    expect(openReplica.logs.join('\n')).toContain('Redis (cascadeflow)');
    expect(openReplica.logs.join('\n')).not.toContain(redis.url);
  });
});

describe.skipIf(skip)('limits per client key (no token)', () => {
  it('count by the key’s hash across replicas, keys apart; the key is kept nowhere in the clear', async () => {
    const store = createMemoryStore();
    const [a, b] = await replicas(store, ['keys-a', 'keys-b']);
    // Off by default: no key is limited.
    for (let i = 0; i < 3; i += 1) expect(await statusOf(a.client({ apiKey: 'sk-key-one' }).messages.create(ask))).toBe(200);
    await a.ctx.control.updateSettings({ keyLimits: { requestsPerMinute: 2 } });
    // B reads the same settings store at its next start only: set there too (a team's PostgreSQL does it live).
    await b.ctx.control.updateSettings({ keyLimits: { requestsPerMinute: 2 } });
    expect(await statusOf(a.client({ apiKey: 'sk-key-one' }).messages.create(ask))).toBe(200);
    expect(await statusOf(b.client({ apiKey: 'sk-key-one' }).messages.create(ask))).toBe(200);
    const refused = await b.client({ apiKey: 'sk-key-one' }).messages.create(ask).then(
      () => null,
      (e: unknown) => e as { status: number; message: string },
    );
    expect(refused?.status).toBe(429);
    expect(refused?.message).toContain('This API key: limit of 2 requests per minute reached');
    expect(await statusOf(a.client({ apiKey: 'sk-key-two' }).messages.create(ask))).toBe(200);

    const keys = await waitFor(async () => {
      const probe = await connectRedis(redis.url, { name: 'test:probe' });
      try {
        await probe.ready();
        return (await probe.client.keys('cascadeflow:limits:*')).join(' ');
      } finally {
        await probe.close();
      }
    }, 'the limit keys');
    expect(keys).toContain(`key:${sha256('sk-key-one')}`);
    expect(keys).not.toContain('sk-key-one');
    for (const replica of [a, b]) expect(replica.logs.join('\n')).not.toContain('sk-key-one');
  });

  it('without Redis too (in memory), on a loopback proxy', async () => {
    const store = createMemoryStore();
    const replica = await startReplica(store, { CASCADEFLOW_UPSTREAM_URL: sim.url });
    open.push(replica);
    await replica.ctx.control.updateSettings({ keyLimits: { requestsPerMinute: 1 } });
    expect(await statusOf(replica.client({ apiKey: 'sk-local' }).messages.create(ask))).toBe(200);
    expect(await statusOf(replica.client({ apiKey: 'sk-local' }).messages.create(ask))).toBe(429);
    expect(await statusOf(replica.client({ apiKey: 'sk-other' }).messages.create(ask))).toBe(200);
  });
});
