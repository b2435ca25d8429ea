// The team decision store against a real PostgreSQL (postgres-server.ts): the DecisionStore
// contract, two replicas on one database, a reset across them, the journal after a simulated
// kill -9, a database outage, and concurrent migrations.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import { openPostgresDecisionStore, type PostgresDecisionStore } from '../../proxy/team/postgres/decision-store';
import { JOURNAL_FILE } from '../../proxy/team/postgres/journal';
import { migrate, MIGRATIONS } from '../../proxy/team/postgres/migrations';
import { openTeamDatabase, type TeamDatabase } from '../../proxy/team/postgres/pool';
import { decisionRecord } from '../fixtures/contracts';
import { useTempDirs } from '../temp-dirs';
import { waitFor } from '../wait';
import { postgresUnavailable, startPostgres, type PostgresServer } from './postgres-server';

const MINUTE = 60_000;
// Recent, so the minute buckets and "today" hold the records.
const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;

const unavailable = postgresUnavailable();
let server: PostgresServer;
let databases = 0;
const open: Array<{ close(): Promise<void> }> = [];
const tempDir = useTempDirs('cf-pg-store-');

beforeAll(async () => {
  if (!unavailable) server = await startPostgres();
}, 60_000);
afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close().catch(() => {});
});
afterAll(async () => {
  await server?.remove();
});

async function freshDatabase(): Promise<string> {
  return server.createDatabase(`store_${++databases}`);
}

async function database(url: string): Promise<TeamDatabase> {
  const db = await openTeamDatabase(url, () => {});
  open.push(db);
  await db.whenReady();
  return db;
}

interface Replica {
  store: PostgresDecisionStore;
  db: TeamDatabase;
  dataDir: string;
  errors: string[];
  degraded: Array<string | null>;
}

async function replica(url: string, name: string, dataDir = tempDir(), flushIntervalMs = 50): Promise<Replica> {
  const db = await database(url);
  const errors: string[] = [];
  const degraded: Array<string | null> = [];
  const store = openPostgresDecisionStore({
    db,
    replica: name,
    dataDir,
    flushIntervalMs,
    maxBackoffMs: 200,
    onError: (message) => errors.push(message),
    onDegraded: (reason) => degraded.push(reason),
  });
  open.push(store);
  return { store, db, dataDir, errors, degraded };
}

/** Merges and watches follow flush intervals: a slow machine gets longer than the default wait. */
const until = (check: () => boolean | Promise<boolean>, what: string) => waitFor(check, what, 20_000);

/** What PostgreSQL holds: the records' count and cost, and the replica rows' totals. */
async function inDatabase(db: TeamDatabase): Promise<{ records: number; cost: number; rowQueries: number; rowCost: number }> {
  const records = await db.pool.query<{ n: string; cost: number | null }>(`SELECT count(*) AS n, sum((record->>'cost')::float8) AS cost FROM decisions`);
  const rows = await db.pool.query<{ n: number | null; cost: number | null }>(
    `SELECT sum((data->'allTime'->>'queries')::int)::int AS n, sum((data->'allTime'->>'cost')::float8) AS cost FROM replica_stats`,
  );
  return { records: Number(records.rows[0].n), cost: records.rows[0].cost ?? 0, rowQueries: rows.rows[0].n ?? 0, rowCost: rows.rows[0].cost ?? 0 };
}

const ids = (records: DecisionRecord[]) => records.map((r) => r.id);

function sample(prefix = ''): DecisionRecord[] {
  return [
    decisionRecord({ id: `${prefix}a`, time: t0, decision: 'accepted', ruleId: 'sonnet-4', cost: 0.002, baselineCost: 0.006, savings: 0.004, conversationId: 'c1', project: '/p' }),
    decisionRecord({ id: `${prefix}b`, time: t0 + MINUTE, decision: 'escalated', ruleId: 'sonnet-4', cost: 0.008, baselineCost: 0.006, savings: -0.002, conversationId: 'c1' }),
    decisionRecord({ id: `${prefix}c`, time: t0 + 2 * MINUTE, decision: 'passthrough', ruleId: null, answeringModel: 'mystery', cost: null, baselineCost: null, savings: null, project: '/q' }),
    decisionRecord({ id: `${prefix}d`, time: t0 + 3 * MINUTE, decision: 'accepted', ruleId: 'opus-4', cost: 0.01, baselineCost: 0.03, savings: 0.02, tokenName: 'ci' }),
  ];
}

describe.skipIf(unavailable)('PostgreSQL decision store', () => {
  it('filters by time range, rule, decision, conversation and project, newest first, before and after the flush', async () => {
    const { store } = await replica(await freshDatabase(), 'r1', undefined, 60_000);
    for (const record of sample()) store.append(record);
    const check = async () => {
      expect(ids(await store.query())).toEqual(['d', 'c', 'b', 'a']);
      expect(ids(await store.query({ since: t0 + MINUTE, until: t0 + 3 * MINUTE }))).toEqual(['c', 'b']);
      expect(ids(await store.query({ ruleId: 'sonnet-4' }))).toEqual(['b', 'a']);
      expect(ids(await store.query({ decision: 'accepted' }))).toEqual(['d', 'a']);
      expect(ids(await store.query({ decision: 'accepted', limit: 1 }))).toEqual(['d']);
      expect(ids(await store.query({ conversationId: 'c1' }))).toEqual(['b', 'a']);
      expect(ids(await store.query({ project: '/q' }))).toEqual(['c']);
      expect(ids(await store.query({ tokenName: 'ci' }))).toEqual(['d']);
      expect(ids(await store.query({ since: t0 + 4 * MINUTE }))).toEqual([]);
      const { allTime, byRule, history } = await store.aggregate();
      expect(allTime).toMatchObject({ queries: 4, accepted: 2, escalated: 1, passthrough: 1, unpricedQueries: 1 });
      expect(allTime.cost).toBeCloseTo(0.02, 12);
      expect(byRule['sonnet-4']).toMatchObject({ queries: 2 });
      expect(history.minute.map((b) => [(b.start - t0) / MINUTE, b.queries])).toEqual([
        [0, 1],
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
    };
    await check();
    expect(store.state().buffered).toBe(4);
    await store.flush();
    expect(store.state()).toEqual({ degraded: null, buffered: 0, dropped: 0 });
    await check();
  });

  it('amends a record in its row and in the totals; hands out copies', async () => {
    const { store, db } = await replica(await freshDatabase(), 'r1');
    for (const record of sample()) store.append(record);
    await store.flush();
    const shadow = { model: 'claude-sonnet-4-6', agreed: true, reason: 'same text', cost: 0.003, usage: null };
    expect(store.amend({ id: 'a', laterFailed: { time: t0 + 5 * MINUTE, reason: 'Edit came back is_error' } })).toBe(true);
    expect(store.amend({ id: 'a', shadow })).toBe(true);
    await store.flush();
    const [a] = await store.query({ decision: 'accepted', ruleId: 'sonnet-4' });
    expect(a).toMatchObject({ laterFailed: { reason: 'Edit came back is_error' }, shadow, cost: 0.002 });
    expect((await store.aggregate()).allTime.cost).toBeCloseTo(0.023, 12);
    expect((await inDatabase(db)).rowCost).toBeCloseTo(0.023, 12);
    a.decision = 'escalated';
    expect((await store.query({ ruleId: 'sonnet-4', decision: 'accepted' })).length).toBe(1);
  });

  it("amends another replica's record, even one not written yet; an amend of a record that never comes is given up", async () => {
    const url = await freshDatabase();
    const one = await replica(url, 'one', undefined, 60_000);
    const two = await replica(url, 'two');
    const a: DecisionRecord = { ...sample()[0], actionClass: 'read' };
    one.store.append(a);
    // Two saw the later failure before one's batch reached the database.
    expect(two.store.amend({ id: 'a', laterFailed: { time: t0 + 5 * MINUTE, reason: 'Read came back is_error' } })).toBe(true);
    expect(two.store.amend({ id: 'never', laterFailed: { time: t0, reason: 'x' } })).toBe(true);
    await two.store.flush();
    expect(two.store.state().buffered).toBe(2);
    await one.store.flush();
    await until(async () => (await two.store.query({ decision: 'accepted' }))[0]?.laterFailed !== undefined, "the amend on one's row");
    // The later failure counts in two's statistics (quality per rule), the record stays one's.
    // Waited for: the row is visible once the amend commits, the statistics once two has merged
    // after it (quality() answers from the last merge, at most a flush interval stale).
    const rules = [{ id: 'sonnet-4', match: 'claude-sonnet-4*', draftModel: 'claude-haiku-4-5', verifierModel: null, threshold: 0.7, enabled: true }];
    await until(() => JSON.stringify(two.store.quality().qualityStats(rules)).includes('"laterFailed":1'), "the later failure in two's statistics");
    expect((await two.db.pool.query(`SELECT replica FROM decisions WHERE id = 'a'`)).rows).toEqual([{ replica: 'one' }]);
    await until(() => two.store.state().buffered === 0, 'the amend of a record that never came given up');
  });

  it('an idle replica forgets its totals when another resets the statistics, and is told so', async () => {
    const url = await freshDatabase();
    const one = await replica(url, 'one');
    const changes: Array<{ reset: boolean }> = [];
    const idle = openPostgresDecisionStore({ db: await database(url), replica: 'idle', dataDir: tempDir(), flushIntervalMs: 50, onError: () => {}, onTeamChange: (change) => changes.push(change) });
    open.push(idle);
    for (const record of sample('i')) idle.append(record);
    await idle.flush();
    for (const record of sample('o')) one.store.append(record);
    await one.store.flush();
    expect((await idle.aggregate()).allTime.queries).toBe(8);
    await one.store.reset();
    // No traffic on the idle replica: the watch alone brings its own totals down.
    await until(() => changes.some((change) => change.reset), 'the reset noticed');
    await until(async () => (await idle.aggregate()).allTime.queries === 0, "the idle replica's totals emptied");
    expect(await inDatabase(one.db)).toMatchObject({ records: 0, rowQueries: 0 });
    expect(await idle.query()).toEqual([]);
  });

  it('tells a replica when another one commits, so its dashboards update without traffic of their own', async () => {
    const url = await freshDatabase();
    const one = await replica(url, 'one');
    let changes = 0;
    const watcher = openPostgresDecisionStore({ db: await database(url), replica: 'watcher', dataDir: tempDir(), flushIntervalMs: 50, onError: () => {}, onTeamChange: () => changes++ });
    open.push(watcher);
    await until(() => changes > 0, 'the first look at the other replicas');
    const seen = changes;
    one.store.append(sample()[0]);
    await one.store.flush();
    await until(() => changes > seen, "the other replica's commit noticed");
    expect((await watcher.aggregate()).allTime.queries).toBe(1);
  });

  it('two replicas on one database: each writes its own, both show the team totals, equal to the sum over the records', async () => {
    const url = await freshDatabase();
    const [one, two] = [await replica(url, 'one'), await replica(url, 'two')];
    const records = Array.from({ length: 60 }, (_, i) => decisionRecord({ id: `r${i}`, time: t0 + i * 1000, cost: 0.001 * (i % 7), baselineCost: 0.01, savings: 0.01 - 0.001 * (i % 7), ruleId: i % 3 ? 'x' : 'y', conversationId: `c${i % 5}` }));
    records.forEach((record, i) => (i % 3 === 0 ? two : one).store.append(record));
    await Promise.all([one.store.flush(), two.store.flush()]);
    const expectedCost = records.reduce((sum, r) => sum + (r.cost ?? 0), 0);
    const [a, b] = [await one.store.aggregate(), await two.store.aggregate()];
    expect(a.allTime.queries).toBe(60);
    expect(a).toEqual(b);
    expect(a.allTime.cost).toBeCloseTo(expectedCost, 10);
    expect(a.byRule.y.queries).toBe(20);
    expect(one.store.spending().topSpending({ period: 'all' }).conversations.byCost.map((c) => c.counts.queries)).toEqual([12, 12, 12, 12, 12]);
    const db = await inDatabase(one.db);
    expect(db).toMatchObject({ records: 60, rowQueries: 60 });
    expect(db.rowCost).toBeCloseTo(db.cost, 10);
    // Either replica's queries see every replica's records.
    expect(ids(await two.store.query({ limit: 3 }))).toEqual(['r59', 'r58', 'r57']);
    expect((await one.store.query({ ruleId: 'y' })).every((r) => r.replica === undefined)).toBe(true);
    expect((await one.db.pool.query(`SELECT replica, count(*)::int AS n FROM decisions GROUP BY replica ORDER BY replica`)).rows).toEqual([
      { replica: 'one', n: 40 },
      { replica: 'two', n: 20 },
    ]);
  });

  it('a reset on one replica is honoured by the other at its next flush', async () => {
    const url = await freshDatabase();
    const [one, two] = [await replica(url, 'one', undefined, 60_000), await replica(url, 'two', undefined, 60_000)];
    for (const record of sample('1')) one.store.append(record);
    for (const record of sample('2')) two.store.append(record);
    await Promise.all([one.store.flush(), two.store.flush()]);
    // Appended on two before the reset reaches it: not in the database yet, so counted after it.
    two.store.append(decisionRecord({ id: 'late', time: t0 + 5 * MINUTE }));
    expect(await one.store.reset()).toBe(8);
    expect((await one.store.aggregate()).allTime.queries).toBe(0);
    await two.store.flush();
    expect((await two.store.aggregate()).allTime.queries).toBe(1);
    expect(ids(await two.store.query())).toEqual(['late']);
    expect((await one.store.aggregate()).allTime.queries).toBe(1);
    expect(await inDatabase(one.db)).toMatchObject({ records: 1, rowQueries: 1 });
    one.store.append(decisionRecord({ id: 'after', time: t0 + 6 * MINUTE }));
    await one.store.flush();
    expect((await two.store.aggregate()).allTime.queries).toBe(2);
  });

  it('journal: records appended but never flushed (a kill -9) land once when the replica starts again; a replayed journal counts nothing twice', async () => {
    const url = await freshDatabase();
    const dataDir = tempDir();
    const first = await replica(url, 'one', dataDir, 60_000);
    for (let i = 0; i < 10; i++) first.store.append(decisionRecord({ id: `f${i}`, time: t0 + i }));
    await first.store.flush();
    for (let i = 10; i < 17; i++) first.store.append(decisionRecord({ id: `f${i}`, time: t0 + i }));
    expect(fs.readFileSync(path.join(dataDir, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(7);
    // Killed: no flush, no close; its pool goes away with it.
    await first.db.close();

    const journal = fs.readFileSync(path.join(dataDir, JOURNAL_FILE), 'utf8');
    const second = await replica(url, 'one', dataDir, 60_000);
    expect(second.store.warnings).toEqual(['Replaying 7 decision(s) the last run had not written to PostgreSQL.']);
    await second.store.flush();
    expect(await inDatabase(second.db)).toMatchObject({ records: 17, rowQueries: 17 });
    expect((await second.store.aggregate()).allTime.queries).toBe(17);
    expect(fs.readFileSync(path.join(dataDir, JOURNAL_FILE), 'utf8')).toBe('');
    await second.db.close();

    // Killed between the commit and the journal's rewrite: the same 7 again, already in the database.
    fs.writeFileSync(path.join(dataDir, JOURNAL_FILE), journal);
    const third = await replica(url, 'one', dataDir, 60_000);
    await third.store.flush();
    expect(await inDatabase(third.db)).toMatchObject({ records: 17, rowQueries: 17 });
    expect((await third.store.aggregate()).allTime.queries).toBe(17);
  });

  it('database outage: appends are buffered, the state goes degraded and back, every record lands', async () => {
    const { store, db, degraded } = await replica(await freshDatabase(), 'one');
    store.append(decisionRecord({ id: 'before', time: t0 }));
    await store.flush();
    await server.stop();
    try {
      for (let i = 0; i < 40; i++) store.append(decisionRecord({ id: `o${i}`, time: t0 + i }));
      await until(() => store.state().degraded !== null, 'the store to notice the outage');
      expect(store.state().buffered).toBe(40);
      expect(degraded).toEqual(['PostgreSQL unreachable: decisions are buffered on disk until it is back']);
      // The dashboard still answers, from this replica's memory.
      expect((await store.query({ limit: 2 })).map((r) => r.id)).toEqual(['o39', 'o38']);
      expect((await store.aggregate()).allTime.queries).toBe(41);
    } finally {
      await server.start();
    }
    await until(() => store.state().buffered === 0 && store.state().degraded === null, 'the buffer to drain');
    expect(degraded).toEqual(['PostgreSQL unreachable: decisions are buffered on disk until it is back', null]);
    expect(await inDatabase(db)).toMatchObject({ records: 41, rowQueries: 41 });
  });

  it('stores a record whose client-sent text holds U+0000 (which jsonb refuses), so it cannot block its batch', async () => {
    const { store } = await replica(await freshDatabase(), 'one');
    store.append(decisionRecord({ id: 'nul', time: t0, project: '/a\0b' }));
    store.append(decisionRecord({ id: 'next', time: t0 + 1 }));
    await store.flush();
    expect(store.state()).toMatchObject({ degraded: null, buffered: 0 });
    expect(ids(await store.query({ project: '/a\uFFFDb' }))).toEqual(['nul']);
  });

  it('drops the oldest buffered records past the journal cap, and counts them', async () => {
    const url = await freshDatabase();
    const db = await database(url);
    const errors: string[] = [];
    const store = openPostgresDecisionStore({ db, replica: 'one', dataDir: tempDir(), flushIntervalMs: 60_000, journal: { maxEntries: 5 }, onError: (m) => errors.push(m) });
    open.push(store);
    for (let i = 0; i < 8; i++) store.append(decisionRecord({ id: `j${i}`, time: t0 + i }));
    expect(store.state()).toMatchObject({ buffered: 5, dropped: 3 });
    expect(errors).toHaveLength(1);
    await store.flush();
    expect(ids(await store.query())).toEqual(['j7', 'j6', 'j5', 'j4', 'j3']);
  });

  it('migrations from three pools at once apply once, and the others wait for them', async () => {
    const url = await freshDatabase();
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: url, max: 1 }));
    try {
      const applied = await Promise.all(
        pools.map(async (pool) => {
          const client = await pool.connect();
          try {
            return await migrate(client);
          } finally {
            client.release();
          }
        }),
      );
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
      expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    // And three replicas opening together on a new database.
    const another = await freshDatabase();
    const dbs = await Promise.all([0, 1, 2].map(() => database(another)));
    const { rows } = await dbs[0].pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});
