// What persisting decisions costs the event loop: the file DecisionStore (proxy/store/) with
// 10,000 retained records against the old path, conf rewriting the whole config.json (what
// BatchedWriter's flush did: one conf set per dirty key). Measures the append cost and the
// longest event-loop block while flushes (and a compaction) run under a high append rate:
// perf_hooks.monitorEventLoopDelay at 1 ms resolution, and the longest gap between two turns
// of a setImmediate loop. Every figure is printed next to its target; a miss exits non-zero.
// Blocks are wall-clock time, so a busy machine's preemption shows up in them: run it on a
// quiet machine (on a shared one, `chrt -f 10 npx tsx bench/store.bench.ts` runs it ahead of
// the other work; the load average is printed).
// Run: npx tsx bench/store.bench.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DecisionRecord } from '../contracts/decision';
import { openConfStore } from '../proxy/state/stores';
import { RunningAggregates, emptyStatsData } from '../proxy/stats/aggregates';
import { DECISIONS_FILE, openFileDecisionStore } from '../proxy/store/file-store';
import { benchRecord } from './records';
import { quantile } from './stats';

const RETAIN = 10_000;
const APPEND_RUNS = 20_000;
/** Appends per second during the load phase: several times what the proxy serves. */
const LOAD_RATE = 5_000;
const LOAD_MS = 4_000;
const FLUSH_INTERVAL_MS = 250;
const TARGET_APPEND_US = 20;
const TARGET_BLOCK_MS = 2;

/** A day of history at one request a minute, then a full log: the worst-sized stats.json and log. */
function* history(): Generator<DecisionRecord> {
  const start = Date.now() - 24 * 3_600_000;
  for (let i = 0; i < 1440; i++) yield benchRecord(i, start + i * 60_000);
  for (let i = 0; i < RETAIN; i++) yield benchRecord(1440 + i, Date.now());
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-store-bench-'));
  dirs.push(dir);
  return dir;
};

/** Wall-clock time of `f`, in ms. */
async function measure(f: () => unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}


// ---------------------------------------------------------------- old path: conf
async function confFlushMs(records: number): Promise<number> {
  const { store } = openConfStore(tempDir());
  const aggregates = new RunningAggregates(emptyStatsData());
  const decisions: DecisionRecord[] = [];
  for (const r of history()) {
    aggregates.add(r);
    decisions.push(r);
  }
  const kept = decisions.slice(-records);
  const runs = [];
  for (let i = 0; i < 5; i++) {
    runs.push(
      await measure(() => {
        store.set('stats', aggregates.data);
        store.set('decisions', kept);
      }),
    );
  }
  return quantile(runs, 0.5);
}

// ---------------------------------------------------------------- the file store
const dir = tempDir();
const errors: string[] = [];
// Timed flushes are driven by the load loop below.
const store = await openFileDecisionStore({ dataDir: dir, retain: RETAIN, flushIntervalMs: 3_600_000, onError: (m) => errors.push(m) });
for (const r of history()) store.append(r);
await store.flush();

const openMs = await measure(async () => {
  const reopened = await openFileDecisionStore({ dataDir: dir, retain: RETAIN, onError: (m) => errors.push(m) });
  await reopened.close();
});

let n = 20_000;
const batch = Array.from({ length: APPEND_RUNS }, (_, i) => benchRecord(n + i, Date.now()));
n += APPEND_RUNS;
const appending = await measure(() => {
  for (const r of batch) store.append(r);
});
await store.flush();

// Load: appends at LOAD_RATE from a setImmediate loop, a flush every FLUSH_INTERVAL_MS (driven
// here, so blocks can be told apart: during a flush or outside). A turn's gap is measured from
// the end of the previous turn's appends, so it holds only what else ran in between; turns
// with a garbage collection in them are told apart too (the proxy's own allocations, not the
// store's work, decide when those come).
const fileLines = () => fs.readFileSync(path.join(dir, DECISIONS_FILE), 'utf8').split('\n').length - 1;
const linesBefore = fileLines();
const loadFrom = n;
const delay = monitorEventLoopDelay({ resolution: 1 });
/** Gaps between two turns, over 0.5 ms: when they ended, how long, and whether a flush ran. */
const gaps: Array<{ end: number; ms: number; flushing: boolean }> = [];
const gcs: PerformanceEntry[] = [];
const gcObserver = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });
let flushing = 0;
let flushes = 0;
delay.enable();
const start = performance.now();
let last = start;
let nextFlush = start + FLUSH_INTERVAL_MS;
while (last - start < LOAD_MS) {
  const flushed = flushing > 0;
  await nextTurn();
  const now = performance.now();
  if (now - last > 0.5) gaps.push({ end: now, ms: now - last, flushing: flushed || flushing > 0 });
  if (now >= nextFlush) {
    nextFlush += FLUSH_INTERVAL_MS;
    flushing++;
    flushes++;
    void store.flush().finally(() => flushing--);
  }
  const due = loadFrom + Math.floor(((now - start) / 1000) * LOAD_RATE);
  while (n < due) store.append(benchRecord(n++, Date.now()));
  last = performance.now();
}
delay.disable();
await nextTurn(); // the last GC entries
gcObserver.disconnect();
const withGc = (gap: { end: number; ms: number }) => gcs.some((gc) => gc.startTime < gap.end && gc.startTime + gc.duration > gap.end - gap.ms);
const longestGap = (filter: (gap: (typeof gaps)[number]) => boolean) => gaps.filter(filter).reduce((max, gap) => Math.max(max, gap.ms), 0);
const longest = {
  flushing: longestGap((g) => g.flushing && !withGc(g)),
  idle: longestGap((g) => !g.flushing && !withGc(g)),
  gc: longestGap(withGc),
};
const appended = n - loadFrom;
await store.close();
// The log passed 2 × RETAIN lines during the load, so a compaction ran in it.
const compacted = linesBefore + appended > 2 * RETAIN;

const conf500 = await confFlushMs(500);
const conf10k = await confFlushMs(RETAIN);
for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });

const row = (label: string, value: string, target = '') => console.log(`${label.padEnd(62)} ${value.padStart(10)}  ${target}`);
const appendUs = (appending * 1000) / APPEND_RUNS;
const delayMax = delay.max / 1e6;
console.log(`load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`);
row(`append(): mean over ${APPEND_RUNS}, ${RETAIN} retained`, `${appendUs.toFixed(1)} µs`, `(target ≤ ${TARGET_APPEND_US} µs)`);
row(`load: ${appended} appends at ${LOAD_RATE}/s, ${flushes} flushes${compacted ? ' (1 compaction)' : ''}; longest block`, '');
row('  during a flush (gap between two turns)', `${longest.flushing.toFixed(2)} ms`, `(target ≤ ${TARGET_BLOCK_MS} ms)`);
row('  outside flushes', `${longest.idle.toFixed(2)} ms`);
row(`  with a GC in it (${gcs.length} GCs; the proxy's allocations time them)`, `${longest.gc.toFixed(2)} ms`);
row('  anywhere: monitorEventLoopDelay max', `${delayMax.toFixed(2)} ms`);
row('  event-loop delay p99', `${(delay.percentile(99) / 1e6).toFixed(2)} ms`);
row(`open with ${RETAIN} retained records (startup, not the hot path)`, `${openMs.toFixed(0)} ms`);
row('old path: conf flush of stats + 500 decisions (blocks)', `${conf500.toFixed(1)} ms`);
row(`old path: conf flush of stats + ${RETAIN} decisions (blocks)`, `${conf10k.toFixed(1)} ms`);
if (errors.length > 0) console.log(`write errors: ${errors.join('; ')}`);
if (appendUs > TARGET_APPEND_US || longest.flushing > TARGET_BLOCK_MS || !compacted || errors.length > 0) process.exitCode = 1;
