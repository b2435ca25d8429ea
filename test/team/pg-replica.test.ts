// One replica PROCESS (the bundled proxy, test/soak/proxy-process.ts) on a real PostgreSQL:
// requests from the official SDK through it to the simulator land in the database with the
// replica's id; /health and /metrics show the store; a kill -9 mid-burst and a restart on the
// same data dir leave every request the client saw answered in the database, counted once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU, SONNET } from '../proxy/harness';
import { waitFor } from '../wait';
import { send } from '../soak/checks';
import { bundleProxy, startProxyProcess, type ProxyProcess } from '../soak/proxy-process';
import { postgresUnavailable, startPostgres, type PostgresServer } from './postgres-server';

const unavailable = postgresUnavailable();
const PROMPT = 'Explain how DNS resolution works, step by step.';

let server: PostgresServer;
let sim: Simulator;
let bundle: Awaited<ReturnType<typeof bundleProxy>>;
let db: pg.Pool;
let url: string;
const running: ProxyProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  if (unavailable) return;
  server = await startPostgres();
  url = await server.createDatabase('replica');
  db = new pg.Pool({ connectionString: url, max: 2 });
  // Idle connections die with the outage test's stop; the next query reconnects.
  db.on('error', () => {});
  sim = await createSimulator();
  bundle = await bundleProxy();
}, 120_000);
afterAll(async () => {
  for (const proxy of running) await proxy.kill();
  await db?.end();
  await sim?.close();
  await bundle?.remove();
  await server?.remove();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function replica(dataDir: string): Promise<ProxyProcess> {
  const proxy = await startProxyProcess(bundle.entry, dataDir, sim.url, { env: { CASCADEFLOW_DATABASE_URL: url, CASCADEFLOW_REPLICA_ID: 'replica-a' } });
  running.push(proxy);
  return proxy;
}

/** One request through the SDK; its request id once the client has the whole answer. */
async function ask(client: Anthropic, i: number): Promise<string> {
  const params = { model: i % 3 === 0 ? HAIKU : SONNET, max_tokens: 256, messages: [{ role: 'user' as const, content: `${PROMPT} (${i})` }] };
  if (i % 2 === 0) {
    const { data, response } = await client.messages.create(params).withResponse();
    expect(data.content.length).toBeGreaterThan(0);
    return response.headers.get('x-cascadeflow-request-id')!;
  }
  const { data: stream, response } = await client.messages.create({ ...params, stream: true }).withResponse();
  for await (const event of stream) void event;
  return response.headers.get('x-cascadeflow-request-id')!;
}

async function storedIds(): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM decisions');
  return new Set(rows.map((row) => row.id));
}

async function teamQueries(): Promise<{ records: number; counted: number }> {
  const records = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM decisions');
  const counted = await db.query<{ n: number | null }>(`SELECT sum((data->'allTime'->>'queries')::int)::int AS n FROM replica_stats`);
  return { records: records.rows[0].n, counted: counted.rows[0].n ?? 0 };
}

describe.skipIf(unavailable)('a replica process on PostgreSQL', () => {
  /** The ids in PostgreSQL as last read (for the failure message). */
  let stored = new Set<string>();

  it('records SDK requests in the database (with its replica id), reports the store in /health and /metrics', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cf-pg-replica-'));
    dirs.push(dataDir);
    const proxy = await replica(dataDir);
    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-test-replica', maxRetries: 0 });
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(client, i)));
    await waitFor(async () => {
      stored = await storedIds();
      return ids.every((id) => stored.has(id));
    }, 'the records in PostgreSQL', 10_000).catch(() => {
      throw new Error(`missing in PostgreSQL: ${ids.filter((id) => !stored.has(id)).join(', ')}`);
    });
    const { rows } = await db.query<{ replica: string; stamped: string; decision: string }>(
      `SELECT replica, record->>'replica' AS stamped, decision FROM decisions WHERE id = ANY($1)`,
      [ids],
    );
    expect(new Set(rows.map((row) => `${row.replica} ${row.stamped}`))).toEqual(new Set(['replica-a replica-a']));
    expect(new Set(rows.map((row) => row.decision))).toEqual(new Set(['accepted', 'passthrough']));
    await waitFor(async () => (await teamQueries()).counted === 12, 'the replica row to count them', 10_000);

    const health = JSON.parse((await send(proxy.url, { method: 'GET', path: '/health', headers: {} })).body) as { status: string };
    expect(health.status).toBe('healthy');
    const metrics = (await send(proxy.url, { method: 'GET', path: '/metrics', headers: {} })).body;
    expect(metrics).toMatch(/^cascadeflow_store_buffered_records 0$/m);
    expect(metrics).toMatch(/^cascadeflow_store_dropped_records_total 0$/m);
    await proxy.stop();
  });

  it('PostgreSQL stopped mid-load: no client error, /health degraded and back, every record lands', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cf-pg-replica-outage-'));
    dirs.push(dataDir);
    const proxy = await replica(dataDir);
    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-test-replica', maxRetries: 0 });
    const health = async () => JSON.parse((await send(proxy.url, { method: 'GET', path: '/health', headers: {} })).body) as { status: string; reasons: string[] };
    const ids = await Promise.all(Array.from({ length: 4 }, (_, i) => ask(client, i)));
    await server.stop();
    try {
      // Every request answered while the database is away.
      for (let i = 0; i < 10; i++) ids.push(await ask(client, 100 + i));
      await waitFor(async () => (await health()).status === 'degraded', '/health to say degraded', 15_000);
      expect((await health()).reasons).toContain('PostgreSQL unreachable: decisions are buffered on disk until it is back');
      const metrics = (await send(proxy.url, { method: 'GET', path: '/metrics', headers: {} })).body;
      expect(Number(/^cascadeflow_store_buffered_records (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    } finally {
      await server.start();
    }
    await waitFor(async () => (await health()).status === 'healthy', '/health to say healthy again', 30_000);
    await waitFor(async () => {
      stored = await storedIds();
      return ids.every((id) => stored.has(id));
    }, 'every record in PostgreSQL', 15_000);
    await proxy.stop();
  });

  it('kill -9 mid-burst, restart on the same data dir: every answered request is in the database, once', async () => {
    await db.query('TRUNCATE decisions, replica_stats');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cf-pg-replica-kill-'));
    dirs.push(dataDir);
    let proxy = await replica(dataDir);
    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-test-replica', maxRetries: 0, timeout: 15_000 });
    const answered: string[] = [];
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        try {
          answered.push(await ask(client, n++));
        } catch {
          // Cut by the kill: the client never got this answer.
        }
      }
    };
    const started = performance.now();
    const workers = Array.from({ length: 8 }, worker);
    // Mid-burst: past several flush intervals, with requests in flight.
    await waitFor(() => answered.length >= 150 && performance.now() - started > 2_500, 'answers before the kill', 60_000);
    await proxy.kill();
    stop = true;
    await Promise.all(workers);
    const atKill = (await storedIds()).size;

    proxy = await replica(dataDir);
    await waitFor(async () => {
      stored = await storedIds();
      return answered.every((id) => stored.has(id));
    }, 'every answered request in PostgreSQL', 20_000).catch(() => {
      throw new Error(`${answered.filter((id) => !stored.has(id)).length} of ${answered.length} answered requests missing`);
    });
    await waitFor(async () => {
      const { records, counted } = await teamQueries();
      return records === counted;
    }, 'the replica row to count every record', 10_000);
    const { records, counted } = await teamQueries();
    expect(counted).toBe(records);
    console.log(`kill -9: ${answered.length} answered before the kill, ${atKill} in PostgreSQL at the kill, ${records} after the restart (journal replayed)`);
    await proxy.stop();
  });
});
