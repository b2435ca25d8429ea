// How long the proxy's event loop is blocked under load, with the real on-disk store. Every
// request in flight waits while the loop is blocked, so a block is added, whole, to whichever
// requests (and stream events) were due at that moment. Sources of blocks: the work per
// request (large bodies parsed, copied, re-serialised for a draft), garbage collection, and
// persisting stats and the decision log (the store's batched flush, once a second).
//
// The proxy runs in a process of its own (bench/proxy-server.ts: a temporary data dir, the
// default stores and write interval) against the project's Anthropic API simulator on
// loopback. A warm-up of real requests, then copies of their records fill the decision log
// to the store's 10,000 and bring its file near the compaction threshold, so the first row
// includes the store's largest write (rewriting the retained log). Rows of 10 s each: one
// client sending ~150 KB Claude Code-shaped requests back to back, then 16 such clients
// (passthrough, then the cascade's accepted path); the proxy reports the blocks it saw.
//
// Target: in the 1-client row, no block of the proxy's own of 25 ms or more. "Own" is each
// gap of a 1 ms timer less the time the main thread waited for a core (Linux schedstat):
// with the bench, the simulator and other work on a shared 2-core machine, plain gaps of
// 50-900 ms come from preemption alone. With 16 clients, one loop turn can also handle a
// dozen requests' bodies back to back (own blocks of 50-90 ms whatever the store, with the
// in-memory one too), so the 16-client figures are reported, not targeted. With one client,
// a turn holds one request (~5 ms), and a 25 ms own block is a flush: the old conf store
// rewrote the whole config.json synchronously once a second (34 ms at 500 records on a quiet
// machine), where the file store's flush is thread-pool I/O in small pieces. Where
// schedstat is missing, own = the whole gap and the target is reported as unchecked.
// Exits non-zero on a miss, a failed request or an unexpected decision.
// Run: npx tsx bench/event-loop.bench.ts [memory]
// (`memory`: stats and decisions in memory, a control that shows which blocks persisting
// causes.) Do not run it under `chrt -f`: its three processes keep both cores busy, and at a
// real-time priority they starve everything else on the machine.
import { availableParallelism, loadavg } from 'node:os';
import { Agent, request } from 'undici';
import { createSimulator } from '../simulator/server';
import type { Reading } from './proxy-server';
import { forkProxyChild } from './proxy-child';
import { CASCADE_MODEL, claudeCodeBody, HEADERS, PASSTHROUGH_MODEL } from './requests';
import { DEFAULT_RETAIN } from '../proxy/store/decision-store';
import { quantile } from './stats';

/** Claude Code with subagents keeps a few requests in flight; 16 is a busy session and then some. */
const CONCURRENCY = 16;
/** One request at a time: a loop turn holds one request's work, so a long block is something else. */
const ONE_CLIENT = 1;
/** Real requests first: both paths optimised, and the records that the fill below copies. */
const WARMUP_REQUESTS = 1_000;
/**
 * Records added after the warm-up: the log holds DEFAULT_RETAIN, and decisions.jsonl is this
 * many lines short of its compaction threshold (2 × retain lines), which the first row passes.
 */
const COMPACT_AFTER = 100;
const FILL_RECORDS = 2 * DEFAULT_RETAIN - WARMUP_REQUESTS - COMPACT_AFTER;
/** Per row; ten flushes of the store at the default 1 s interval. */
const LOAD_MS = 10_000;
/** A bound on a row's requests whatever the machine's speed. */
const LOAD_MAX_REQUESTS = 50_000;
/** Pairs (direct, via proxy) one at a time after each row, for the added latency. */
const LATENCY_PAIRS = 100;
/** With nothing to do: what the two clocks read when nothing blocks (about their 1 ms resolution). */
const IDLE_MS = 2_000;
/** The whole run stops by itself even if something hangs. */
const WATCHDOG_MS = 180_000;
/** `disk` is what a real proxy does; `memory` leaves persisting stats and decisions out, for comparison. */
const STORE = process.argv[2] === 'memory' ? 'memory' : 'disk';
/** In the 1-client row: own blocks (gap less run-queue wait) of at least `ownBlockMs`. */
const TARGET = { ownBlockMs: 25, ownBlocks: 0 };
/** The simulator keeps every request it served (~300 KB each with the parsed copy): forget them this often. */
const SIM_RESET_EVERY = 200;

interface Scenario {
  name: string;
  model: string;
  decision: 'passthrough' | 'accepted';
  clients: number;
}
const SCENARIOS: Scenario[] = [
  { name: 'accepted JSON, 1 client', model: CASCADE_MODEL, decision: 'accepted', clients: ONE_CLIENT },
  { name: 'passthrough JSON', model: PASSTHROUGH_MODEL, decision: 'passthrough', clients: CONCURRENCY },
  { name: 'accepted JSON (cascade)', model: CASCADE_MODEL, decision: 'accepted', clients: CONCURRENCY },
];

const watchdog = setTimeout(() => {
  console.error(`event-loop bench: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  proxy.process.kill();
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: CONCURRENCY });

/** One POST /v1/messages, read to the end; its total time and the proxy's decision header. */
async function send(base: string, body: string): Promise<{ ms: number; decision: string | undefined }> {
  const start = performance.now();
  const res = await request(`${base}/v1/messages`, { method: 'POST', headers: HEADERS, body, dispatcher });
  if (res.statusCode !== 200) throw new Error(`${base}: HTTP ${res.statusCode}: ${await res.body.text()}`);
  await res.body.dump({ limit: Number.POSITIVE_INFINITY });
  return { ms: performance.now() - start, decision: [res.headers['x-cascadeflow-decision']].flat()[0] };
}

function expectDecision(decision: string | undefined, scenario: Scenario): void {
  if (decision !== scenario.decision) throw new Error(`${scenario.name}: the proxy's decision was "${decision}", expected "${scenario.decision}"`);
}

const sim = await createSimulator({ host: '127.0.0.1', port: 0 });
const proxy = await forkProxyChild({ CASCADEFLOW_UPSTREAM_URL: sim.url, ...(STORE === 'memory' ? { BENCH_STORE: 'memory' } : {}) });

/** The proxy's figures since the last reset; `resetLoop` starts a new event-loop window after them. */
async function readProxy(resetLoop: boolean): Promise<Reading> {
  return (await proxy.ask({ type: 'read', resetLoop }, 'reading')).reading;
}

/**
 * `clients` clients, each sending its next request as soon as the last is answered,
 * until `durationMs` has passed or `maxRequests` were started; every latency, in ms.
 */
async function load(base: string, bodies: string[], scenarios: Scenario[], durationMs: number, maxRequests: number, clients: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (started < maxRequests && performance.now() - start < durationMs) {
        const i = started++ % bodies.length;
        const { ms, decision } = await send(base, bodies[i]);
        expectDecision(decision, scenarios[i]);
        latencies.push(ms);
        if (latencies.length % SIM_RESET_EVERY === 0) sim.reset();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  sim.reset();
  return { latencies, seconds };
}

interface Row {
  name: string;
  clients: number;
  requests: number;
  rate: number;
  medianMs: number;
  addedMs: number;
  reading: Reading;
  cpuMsPerRequest: number;
  /** decisions.jsonl shrank during the row: the store rewrote the retained log. */
  compacted: boolean;
}
const rows: Row[] = [];

try {
  const proxyUrl = await proxy.url;
  const bodies = SCENARIOS.map((s) => claudeCodeBody(s.model, false, 150 * 1024));
  const kb = (Buffer.byteLength(bodies[0]) / 1024).toFixed(0);

  // Both paths optimised in both processes, and the decision log full, before measuring.
  await load(proxyUrl, bodies, SCENARIOS, Number.POSITIVE_INFINITY, WARMUP_REQUESTS, CONCURRENCY);
  await proxy.ask({ type: 'fill', records: FILL_RECORDS }, 'filled');

  // Nothing to do: the floor of both clocks. Waits past the last flush of the warm-up first.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await readProxy(true);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idle = await readProxy(false);
  rows.push({ name: 'idle', clients: 0, requests: 0, rate: 0, medianMs: NaN, addedMs: NaN, reading: idle, cpuMsPerRequest: NaN, compacted: false });

  for (const [i, scenario] of SCENARIOS.entries()) {
    const body = bodies[i];
    const before = await readProxy(true);
    const { latencies, seconds } = await load(proxyUrl, [body], [scenario], LOAD_MS, LOAD_MAX_REQUESTS, scenario.clients);
    const after = await readProxy(false);

    // Added latency one request at a time, direct and via the proxy alternately so that a
    // burst of other work on the machine falls on both sides alike. Outside the window above.
    const direct: number[] = [];
    const proxied: number[] = [];
    for (let n = 0; n < LATENCY_PAIRS; n++) {
      const [first, second] = n % 2 ? [sim.url, proxyUrl] : [proxyUrl, sim.url];
      const a = await send(first, body);
      const b = await send(second, body);
      const p = first === proxyUrl ? a : b;
      expectDecision(p.decision, scenario);
      direct.push((first === proxyUrl ? b : a).ms);
      proxied.push(p.ms);
    }
    sim.reset();

    rows.push({
      name: scenario.name,
      clients: scenario.clients,
      requests: latencies.length,
      rate: latencies.length / seconds,
      medianMs: quantile(latencies, 0.5),
      addedMs: quantile(proxied, 0.5) - quantile(direct, 0.5),
      reading: after,
      cpuMsPerRequest: (after.cpuUs - before.cpuUs) / 1000 / latencies.length,
      compacted: after.storeBytes < before.storeBytes,
    });
  }

  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const thresholds = rows[0].reading.tickGapsOver.map((g) => g.thresholdMs).join('/');
  const table = [
    ['row', 'requests', 'req/s', 'median ms', 'added ms', 'longest block ms', 'ELD max', 'tick gap max', 'ELD p99', 'ELD mean', `gaps ≥ ${thresholds} ms`, 'own max', `own ≥ ${thresholds} ms`, 'proxy CPU ms/req', 'store KB'],
    ...rows.map((r) => [
      r.name + (r.compacted ? ' *' : ''),
      String(r.requests),
      f(r.rate, 0),
      f(r.medianMs),
      f(r.addedMs, 2),
      f(Math.max(r.reading.loopDelayMaxMs, r.reading.tickGapMaxMs)),
      f(r.reading.loopDelayMaxMs),
      f(r.reading.tickGapMaxMs),
      f(r.reading.loopDelayP99Ms),
      f(r.reading.loopDelayMeanMs, 2),
      r.reading.tickGapsOver.map((g) => g.count).join('/'),
      f(r.reading.ownBlockMaxMs),
      r.reading.ownGapsOver.map((g) => g.count).join('/'),
      f(r.cpuMsPerRequest, 2),
      f(r.reading.storeBytes / 1024, 0),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log(
    `Proxy event loop under load (Node ${process.version}; ${STORE === 'disk' ? 'on-disk' : 'IN-MEMORY'} store, default write interval; 1 and ${CONCURRENCY} clients; ` +
      `${kb} KB requests; ${LOAD_MS / 1000} s per row after ${WARMUP_REQUESTS} warm-up requests and ${FILL_RECORDS} filled records)`,
  );
  for (const row of table) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  console.log(
    'median ms: latency via the proxy under load; added ms: median via proxy minus direct, one request at a time.\n' +
      'longest block = max(ELD max, tick gap max). ELD = perf_hooks.monitorEventLoopDelay (1 ms resolution); ' +
      'its figures and the 1 ms setInterval gap both include that 1 ms, so ~1 ms means no block.\n' +
      "own = a tick gap less the main thread's run-queue wait (schedstat): the part the proxy blocked itself." +
      (STORE === 'disk' ? '\n* the decision log was compacted (the retained records rewritten) during this row.' : ''),
  );

  const exact = rows.every((r) => r.reading.ownExact);
  const ownIndex = rows[0].reading.ownGapsOver.findIndex((g) => g.thresholdMs === TARGET.ownBlockMs);
  for (const r of rows.filter((row) => row.clients === ONE_CLIENT)) {
    const count = r.reading.ownGapsOver[ownIndex].count;
    const met = count <= TARGET.ownBlocks;
    console.log(
      `${r.name}: own blocks ≥ ${TARGET.ownBlockMs} ms (flushes; one request per loop turn): ${count} (target ≤ ${TARGET.ownBlocks}) ` +
        (exact ? (met ? 'ok' : 'MISSED') : 'unchecked: no schedstat, so own = the whole gap'),
    );
    if (exact && !met) process.exitCode = 1;
  }
  if (STORE === 'disk' && !rows.some((r) => r.compacted)) {
    console.log('MISSED: no row included a compaction of the decision log (did the store\'s retain or threshold change?)');
    process.exitCode = 1;
  }
  // The proxy is a process of its own: when the machine has more work than cores, a block
  // can also be time spent waiting for a core. The load says how busy the machine was.
  console.log(`(load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores)`);
} finally {
  await proxy.stop();
  await dispatcher.close();
  await sim.close();
}
