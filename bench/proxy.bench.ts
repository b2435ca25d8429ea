// What the proxy adds to a request, on loopback against the project's Anthropic API
// simulator: latency overhead (passthrough JSON and SSE, the cascade's accepted path), live
// relay of a slow stream, throughput with concurrent clients, and the proxy's memory across
// thousands of requests. Every figure is printed next to its target; a missed target exits
// non-zero. ctx.record() and the quality checker have benches of their own
// (bench/record.bench.ts, bench/quality.bench.ts); here they are only part of the path.
// Run: npx tsx bench/proxy.bench.ts
import { availableParallelism, loadavg } from 'node:os';
import { Agent, request } from 'undici';
import { createSimulator } from '../simulator/server';
import type { Reading } from './proxy-server';
import { forkProxyChild } from './proxy-child';
import { CASCADE_MODEL, HEADERS, PASSTHROUGH_MODEL, requestBody } from './requests';
import { DEFAULT_RETAIN } from '../proxy/store/decision-store';

/** Before anything is measured: both request paths optimised, the store past its first flushes. */
const WARMUP_REQUESTS = 1_000;
/** Before each latency row, one request at a time. */
const WARMUP = 20;
const SAMPLES = 200;
const CONCURRENCY = 20;
const BATCH = 2_000;
/** The simulator's pause before each event of the slow stream. */
const SLOW_DELAY_MS = 10;
const SLOW_STREAMS = 10;

const MB = 1024 * 1024;

// Targets. Latency ones bound the overhead: via proxy minus direct, the same request at
// the same moment on the same machine.
const TARGET = {
  /** Median, passthrough JSON or stream: two loopback hops, Express, the decision record. */
  relayMs: 2,
  /** Median, accepted draft: on top, the request parsed and re-serialised for the draft and the draft judged. */
  cascadeMs: 3,
  /** Median, first event of a slow stream: the idle proxy process is woken by the chunk. */
  slowFirstEventMs: 5,
  /** Share of a slow stream's events the client has before the simulator sends the next; a stall of the shared machine may cost a few. */
  liveEventsPct: 90,
  /** p95 of every latency: on a shared 2-core machine the tail is mostly scheduling; 10 ms is far below any model's answer time. */
  p95Ms: 10,
  /** With 20 clients (Claude Code with subagents has a few requests in flight, each seconds long). */
  requestsPerSecond: 300,
  /** Proxy CPU per request, so that one core serves the rate above twice over. */
  cpuMsPerRequest: 1.5,
  /** Growth, per batch of 2,000 requests, of what the proxy holds after full collections: 1 KB kept per request would show. */
  heapMb: 2,
  /** Growth over both batches: resident memory moves by ±30 MB with V8's young generation and malloc's arenas. */
  rssMb: 40,
};
interface Timing {
  /** From sending the request to the first body byte (the first event of a stream). */
  firstByteMs: number;
  totalMs: number;
  /** The proxy's x-cascadeflow-decision and -confidence headers. */
  decision: string | undefined;
  confidence: string | undefined;
}

const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: CONCURRENCY });

/** One POST /v1/messages, read to the end; `onChunk` sees the running byte count at each arrival. */
async function send(base: string, body: string, onChunk?: (received: number) => void): Promise<Timing> {
  const start = performance.now();
  const res = await request(`${base}/v1/messages`, { method: 'POST', headers: HEADERS, body, dispatcher });
  if (res.statusCode !== 200) throw new Error(`${base}: HTTP ${res.statusCode}: ${await res.body.text()}`);
  let firstByteMs = -1;
  let received = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (firstByteMs < 0) firstByteMs = performance.now() - start;
    received += chunk.length;
    onChunk?.(received);
  }
  const header = (name: string) => [res.headers[name]].flat()[0];
  return { firstByteMs, totalMs: performance.now() - start, decision: header('x-cascadeflow-decision'), confidence: header('x-cascadeflow-confidence') };
}

/** Nearest-rank quantile. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

interface Row {
  measure: string;
  direct: string;
  proxied: string;
  overhead: string;
  target: string;
  pass: boolean;
}
const rows: Row[] = [];
const ms = (n: number) => `${n.toFixed(2)} ms`;
const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(2)} ms`;

/** One row: the overhead is the difference of the two sides' quantiles. */
function latencyRow(name: string, direct: number[], proxied: number[], q: number, limitMs: number): void {
  const d = quantile(direct, q);
  const p = quantile(proxied, q);
  rows.push({ measure: name, direct: ms(d), proxied: ms(p), overhead: signed(p - d), target: `≤ +${limitMs} ms`, pass: p - d <= limitMs });
}

function latencyRows(name: string, direct: number[], proxied: number[], medianLimitMs: number): void {
  latencyRow(`${name} median`, direct, proxied, 0.5, medianLimitMs);
  latencyRow(`${name} p95`, direct, proxied, 0.95, TARGET.p95Ms);
}

interface Scenario {
  name: string;
  model: string;
  stream: boolean;
  decision: 'passthrough' | 'accepted';
}
const SCENARIOS: Scenario[] = [
  { name: 'passthrough JSON', model: PASSTHROUGH_MODEL, stream: false, decision: 'passthrough' },
  { name: 'passthrough SSE', model: PASSTHROUGH_MODEL, stream: true, decision: 'passthrough' },
  { name: 'accepted JSON', model: CASCADE_MODEL, stream: false, decision: 'accepted' },
  { name: 'accepted SSE', model: CASCADE_MODEL, stream: true, decision: 'accepted' },
];

function expectDecision(timing: Timing, scenario: Scenario): void {
  if (timing.decision !== scenario.decision) {
    const confidence = timing.confidence ? ` (confidence ${timing.confidence})` : '';
    throw new Error(`${scenario.name}: the proxy's decision was "${timing.decision}"${confidence}, expected "${scenario.decision}"`);
  }
}

const runStart = performance.now();
const sim = await createSimulator();
const proxy = forkProxyChild({ CASCADEFLOW_UPSTREAM_URL: sim.url });

async function readProxy(): Promise<Reading> {
  return (await proxy.ask({ type: 'read' }, 'reading')).reading;
}

/** `total` requests from CONCURRENCY clients, cycling through the scenarios; requests per second. */
async function throughput(base: string, total: number, viaProxy: boolean): Promise<number> {
  const bodies = SCENARIOS.map((s) => requestBody(s.model, s.stream));
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++ % SCENARIOS.length;
        const timing = await send(base, bodies[i]);
        if (viaProxy) expectDecision(timing, SCENARIOS[i]);
      }
    }),
  );
  sim.reset(); // the simulator keeps every request it served
  return total / ((performance.now() - start) / 1000);
}

try {
  const proxyUrl = await proxy.url;

  // Warm-up of every path in both processes, concurrent like the throughput runs: the
  // proxy's code optimised and its decision log full (copies of the warm-up's records)
  // before anything is measured, so memory growth below is what requests leave behind.
  await throughput(sim.url, WARMUP_REQUESTS, false);
  await throughput(proxyUrl, WARMUP_REQUESTS, true);
  await proxy.ask({ type: 'fill', records: DEFAULT_RETAIN }, 'filled');

  // Latency: each request goes once direct and once through the proxy, in alternating
  // order, so a burst of other work on the shared machine falls on both sides alike.
  for (const scenario of SCENARIOS) {
    const body = requestBody(scenario.model, scenario.stream);
    const direct: Timing[] = [];
    const proxied: Timing[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      let d: Timing;
      let p: Timing;
      if (i % 2) {
        d = await send(sim.url, body);
        p = await send(proxyUrl, body);
      } else {
        p = await send(proxyUrl, body);
        d = await send(sim.url, body);
      }
      expectDecision(p, scenario);
      if (i >= WARMUP) {
        direct.push(d);
        proxied.push(p);
      }
    }
    sim.reset();
    const totals = (t: Timing[]) => t.map((x) => x.totalMs);
    if (!scenario.stream) {
      latencyRows(scenario.name, totals(direct), totals(proxied), scenario.decision === 'accepted' ? TARGET.cascadeMs : TARGET.relayMs);
    } else if (scenario.decision === 'passthrough') {
      latencyRows(`${scenario.name} first event`, direct.map((x) => x.firstByteMs), proxied.map((x) => x.firstByteMs), TARGET.relayMs);
      latencyRows(`${scenario.name} total`, totals(direct), totals(proxied), TARGET.relayMs);
    } else {
      // An accepted draft is held back until judged whole: its first event can only leave
      // after the simulator's last, so it is compared with the direct stream's end.
      latencyRows(`${scenario.name} first event vs direct end`, totals(direct), proxied.map((x) => x.firstByteMs), TARGET.cascadeMs);
      latencyRows(`${scenario.name} total`, totals(direct), totals(proxied), TARGET.cascadeMs);
    }
  }

  // A slow passthrough stream: each event should reach the client before the simulator
  // sends the next (a relay that buffers gets one per stream), and the first as early as
  // directly. Only a median for the first event: a p95 of 10 streams would be their maximum.
  sim.script(PASSTHROUGH_MODEL, { kind: 'good', delayMs: SLOW_DELAY_MS });
  const slowBody = requestBody(PASSTHROUGH_MODEL, true);
  const slowDirect: number[] = [];
  const slowProxied: number[] = [];
  let events = 0;
  let live = 0;
  for (let i = 0; i < SLOW_STREAMS; i++) {
    slowDirect.push((await send(sim.url, slowBody)).firstByteMs);
    const timing = await send(proxyUrl, slowBody, (received) => {
      // The simulator keeps the bytes it has sent so far; the proxy relays them unchanged.
      if (received === Buffer.byteLength(sim.requests[sim.requests.length - 1].responseBody)) live += 1;
    });
    slowProxied.push(timing.firstByteMs);
    events += sim.requests[sim.requests.length - 1].responseBody.split('\n\n').length - 1;
  }
  sim.reset();
  latencyRow(`slow SSE (${SLOW_DELAY_MS} ms/event) first event median`, slowDirect, slowProxied, 0.5, TARGET.slowFirstEventMs);
  rows.push({
    measure: 'slow SSE: events relayed before the next',
    direct: `${events} events`,
    proxied: `${live} (${((100 * live) / events).toFixed(0)}%)`,
    overhead: '',
    target: `≥ ${TARGET.liveEventsPct}%`,
    pass: live >= (TARGET.liveEventsPct / 100) * events,
  });

  // Throughput with concurrent clients, and the proxy's memory across two equal batches,
  // read after full collections: what the proxy still holds. It must not grow per request.
  const directRate = await throughput(sim.url, BATCH, false);
  const before = await readProxy();
  const proxiedRate = await throughput(proxyUrl, BATCH, true);
  const middle = await readProxy();
  await throughput(proxyUrl, BATCH, true);
  const after = await readProxy();
  rows.push({
    measure: `throughput, ${CONCURRENCY} clients, ${BATCH} requests`,
    direct: `${directRate.toFixed(0)} req/s`,
    proxied: `${proxiedRate.toFixed(0)} req/s`,
    overhead: '',
    target: `≥ ${TARGET.requestsPerSecond} req/s`,
    pass: proxiedRate >= TARGET.requestsPerSecond,
  });
  const cpuMsPerRequest = (after.cpuUs - before.cpuUs) / 1000 / (2 * BATCH);
  rows.push({
    measure: 'proxy CPU per request (both batches)',
    direct: '',
    proxied: ms(cpuMsPerRequest),
    overhead: '',
    target: `≤ ${TARGET.cpuMsPerRequest} ms`,
    pass: cpuMsPerRequest <= TARGET.cpuMsPerRequest,
  });
  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
  const held = (r: Reading) => r.heapUsed + r.external;
  const memoryRow = (name: string, from: number, to: number, requests: number, limitMb: number) =>
    rows.push({
      measure: name,
      direct: '',
      proxied: `${mb(from)} → ${mb(to)}`,
      overhead: `${to >= from ? '+' : ''}${mb(to - from)} (${((to - from) / requests).toFixed(0)} B/req)`,
      target: `≤ +${limitMb} MB`,
      pass: to - from <= limitMb * MB,
    });
  memoryRow(`proxy heap + buffers, ${BATCH} requests`, held(before), held(middle), BATCH, TARGET.heapMb);
  memoryRow(`proxy heap + buffers, ${BATCH} more`, held(middle), held(after), BATCH, TARGET.heapMb);
  memoryRow(`proxy RSS, all ${2 * BATCH} requests`, before.rss, after.rss, 2 * BATCH, TARGET.rssMb);

  const header: Row = { measure: 'measure', direct: 'direct', proxied: 'via proxy', overhead: 'overhead', target: 'target', pass: true };
  const widths = (Object.keys(header) as Array<keyof Row>).filter((k) => k !== 'pass').map((k) => Math.max(...[header, ...rows].map((r) => String(r[k]).length)));
  const line = (r: Row, result: string) =>
    [r.measure.padEnd(widths[0]), r.direct.padStart(widths[1]), r.proxied.padStart(widths[2]), r.overhead.padStart(widths[3]), r.target.padEnd(widths[4]), result].join('  ');
  const kb = (Buffer.byteLength(requestBody(CASCADE_MODEL, true)) / 1024).toFixed(1);
  console.log(`Proxy overhead on loopback (Node ${process.version}; ${kb} KB requests; ${SAMPLES} per latency row after ${WARMUP_REQUESTS} + ${WARMUP} warm-up)`);
  console.log(line(header, 'result'));
  for (const r of rows) console.log(line(r, r.pass ? 'PASS' : 'FAIL'));
  // The proxy is a process of its own: when the machine has more work than cores, its
  // figures include waiting for one. The load says how busy the machine was meanwhile.
  const load = `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
  console.log(`(whole run ${((performance.now() - runStart) / 1000).toFixed(1)} s; ${load})`);
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
} finally {
  await proxy.stop();
  await dispatcher.close();
  await sim.close();
}
