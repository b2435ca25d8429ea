// The team store (proxy/team/postgres/) at a million decisions: a throwaway PostgreSQL from
// Debian's package (test/team/postgres-server.ts, tuned for tests: no fsync), a million records
// generated in SQL (three replicas, 5 rules, 20 tokens, 20,000 conversations, 50 projects over
// 30 days), then the dashboard's queries timed through the store's query() (latest page, per
// rule, per decision, per conversation, per project, a time range a week back) and per token
// (an indexed column the DecisionQuery does not filter on yet) in SQL; and the store's batched
// writes: appends committed per second. Prints median and p95 of each; a query slower than
// TARGET_MS at p95 exits non-zero. Without PostgreSQL installed it says so and exits 0.
// Run: npx tsx bench/team-store.bench.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_DECISION_LIMIT, type DecisionQuery } from '../contracts/decision';
import { openPostgresDecisionStore } from '../proxy/team/postgres/decision-store';
import { openTeamDatabase } from '../proxy/team/postgres/pool';
import { postgresUnavailable, startPostgres } from '../test/team/postgres-server';
import { benchRecord } from './records';
import { quantile } from './stats';

const RECORDS = Number(process.env.TEAM_BENCH_RECORDS ?? 1_000_000);
const RUNS = 30;
const TARGET_MS = 50;
const APPENDS = 20_000;
const DAY = 24 * 3_600_000;

const unavailable = postgresUnavailable();
if (unavailable) {
  console.log(`team-store bench skipped: ${unavailable}`);
  process.exit(0);
}

const server = await startPostgres();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-team-bench-'));
let failed = false;
try {
  const url = await server.createDatabase('bench');
  const db = await openTeamDatabase(url, (error) => console.warn(`database: ${error.message}`));
  await db.whenReady();
  const now = Date.now();
  const start = now - 30 * DAY;
  const template = JSON.stringify(benchRecord(0, start));

  let t = performance.now();
  // One statement: the columns the indexes use, and the record with its own fields set to match.
  await db.pool.query(
    `INSERT INTO decisions (id, time, replica, rule_id, decision, token_name, conversation_id, project, requested_model, record)
     SELECT g.id, g.time, g.replica, g.rule_id, g.decision, g.token_name, g.conversation_id, g.project, 'claude-sonnet-4-5-20250929',
            $1::jsonb || jsonb_build_object('id', g.id, 'time', g.time, 'decision', g.decision, 'ruleId', g.rule_id,
                                            'tokenName', g.token_name, 'conversationId', g.conversation_id, 'project', g.project, 'replica', g.replica)
     FROM (
       SELECT 'bench-' || i AS id,
              $2::bigint + (i * ($3::bigint - $2::bigint) / $4::bigint) AS time,
              'replica-' || (i % 3) AS replica,
              CASE WHEN i % 10 = 0 THEN NULL ELSE 'rule-' || (i % 5) END AS rule_id,
              (ARRAY['accepted', 'accepted', 'escalated', 'passthrough', 'not_worth_drafting', 'draft_error'])[1 + i % 6] AS decision,
              'token-' || (i % 20) AS token_name,
              'conv-' || (i / 50) AS conversation_id,
              '/home/dev/project-' || (i % 50) AS project
       FROM generate_series(1, $4::bigint) AS i
     ) AS g`,
    [template, start, now, RECORDS],
  );
  const insertMs = performance.now() - t;
  await db.pool.query('ANALYZE decisions');
  const size = (await db.pool.query<{ size: string; indexes: string }>(
    `SELECT pg_size_pretty(pg_table_size('decisions')) AS size, pg_size_pretty(pg_indexes_size('decisions')) AS indexes`,
  )).rows[0];
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores (p95s are wall-clock time)`);
  console.log(`${RECORDS.toLocaleString('en')} records inserted in ${(insertMs / 1000).toFixed(1)} s (one INSERT … SELECT); table ${size.size}, indexes ${size.indexes}`);

  const store = openPostgresDecisionStore({ db, replica: 'bench', dataDir, onError: (message) => console.warn(message) });
  await store.flush();
  const limit = DEFAULT_DECISION_LIMIT;
  const queries: Array<[string, () => Promise<number>]> = [
    ['latest page', async () => (await store.query({ limit })).length],
    ['per rule', async () => (await store.query({ ruleId: 'rule-3', limit })).length],
    ['per decision', async () => (await store.query({ decision: 'draft_error', limit })).length],
    ['per conversation', async () => (await store.query({ conversationId: `conv-${Math.floor(RECORDS / 100)}`, limit })).length],
    ['per project', async () => (await store.query({ project: '/home/dev/project-7', limit })).length],
    ['time range (a day, a week back)', async () => (await store.query({ since: now - 8 * DAY, until: now - 7 * DAY, limit } satisfies DecisionQuery)).length],
    ['rule in a time range', async () => (await store.query({ ruleId: 'rule-2', since: now - 8 * DAY, until: now - 7 * DAY, limit })).length],
    ['per token', async () => (await store.query({ tokenName: 'token-4', limit })).length],
    ['aggregate() (team totals)', async () => (await store.aggregate()).allTime.queries + 1],
  ];
  for (const [name, run] of queries) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      rows = await run();
      times.push(performance.now() - t);
    }
    const p95 = quantile(times, 0.95);
    const ok = p95 <= TARGET_MS && rows > 0;
    failed ||= !ok;
    console.log(`${name}: ${rows} rows, median ${quantile(times, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target ≤ ${TARGET_MS} ms) ${ok ? 'ok' : 'MISS'}`);
  }

  // The batched writes: appends (the request path's part) and the commits that follow.
  t = performance.now();
  for (let i = 0; i < APPENDS; i++) store.append(benchRecord(RECORDS + i, now));
  const appendUs = ((performance.now() - t) * 1000) / APPENDS;
  t = performance.now();
  await store.flush();
  const flushMs = performance.now() - t;
  console.log(
    `append: ${appendUs.toFixed(1)} µs each (journal line + memory); ${APPENDS.toLocaleString('en')} committed in ${flushMs.toFixed(0)} ms = ${Math.round(APPENDS / (flushMs / 1000)).toLocaleString('en')} records/s`,
  );
  await store.close();
  await db.close();
} finally {
  await server.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
