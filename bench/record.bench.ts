// What the state side costs the request path, through the assembly the proxy runs
// (proxy/runtime.ts) with the file decision store. ctx.record(), the decision sink, runs once
// per request (store append with totals and history, log line, events) and must stay far
// below a millisecond; a batched flush (≤ 1/s) appends the batch to decisions.jsonl and
// replaces stats.json (wall time, mostly waiting on the disk). Targets: record ≤ 20 µs mean with a full decision log; flush ≤ 50 ms
// (how long a flush blocks the event loop is bench/store.bench.ts's measure).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProxyContext } from '../proxy/runtime';
import { DECISIONS_FILE, STATS_FILE } from '../proxy/store/file-store';
import { benchRecord } from './records';
import { quantile } from './stats';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
const ctx = await createProxyContext({
  env: {},
  dataDir: dir,
  logger: { info: () => {}, warn: () => {} },
  writeIntervalMs: 3_600_000, // flushed after each batch below
});
ctx.control.subscribe(() => {}); // a dashboard is watching: events are built

// A day of history at one request a minute, then a full decision log.
const start = Date.now() - 24 * 3_600_000;
for (let i = 0; i < 1440; i++) ctx.record(benchRecord(i, start + i * 60_000));
await ctx.flush();

// In batches of a second's worth of requests at ~1,000 req/s, each followed by the store's
// flush (≤ 1/s in use): so much is pending at most, as in the running proxy.
const runs = 20_000;
const batch = 1_000;
let recordNs = 0n;
const flushes: number[] = [];
for (let b = 0; b < runs; b += batch) {
  const t0 = process.hrtime.bigint();
  for (let i = b; i < b + batch; i++) ctx.record(benchRecord(i, Date.now()));
  const t1 = process.hrtime.bigint();
  recordNs += t1 - t0;
  await ctx.flush();
  flushes.push(Number(process.hrtime.bigint() - t1) / 1e6);
}
const recordUs = Number(recordNs) / 1000 / runs;
const storeKb = [DECISIONS_FILE, STATS_FILE].reduce((kb, file) => kb + fs.statSync(path.join(dir, file)).size / 1024, 0);
await ctx.close();
fs.rmSync(dir, { recursive: true, force: true });

const flushMs = quantile(flushes, 0.5);
console.log(`ctx.record(): ${recordUs.toFixed(1)} µs mean over ${runs} (target ≤ 20 µs)`);
console.log(`flush of ${batch} records (store files ${storeKb.toFixed(0)} KB): ${flushMs.toFixed(1)} ms median (target ≤ 50 ms)`);
if (recordUs > 20 || flushMs > 50) process.exitCode = 1;
