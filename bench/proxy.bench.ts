// What the proxy adds to a request, measured side by side with the physical floor (issue 13).
// One process tree on loopback: this process is the client and the project's Anthropic API
// simulator (the upstream); two forked children are the proxy as it ships (bench/proxy-child.ts)
// and a bare Node pipe that forwards bytes and nothing else (bench/pipe-server.ts). Five
// targets: the upstream directly, the pipe, the proxy in passthrough, an accepted cascade and
// an escalated one (the draft hedges, `[sim:haiku=hedging]`, the verifier answers).
//
// Workloads: JSON and SSE; Claude Code-shaped bodies of ~20 KB, ~150 KB and ~1 MB
// (bench/requests.ts); 1, 16 and 64 requests in flight. For each workload the targets run in
// rounds, the order rotated each round, so that a burst of other work on the machine falls on
// all of them alike. Figures: p50/p99 of latency and time to first byte, requests per second,
// each target's added latency against the direct upstream and its ratio to the pipe's (formed
// only when the pipe's addition is above zero overall and in every round: bench/stats.ts); the
// CPU per request, peak resident memory and longest event-loop delay
// (perf_hooks.monitorEventLoopDelay) of the pipe's and the proxy's process while they served
// (bench/load-window.ts); the proxy's idle memory; and the delay of each event of a paced
// passthrough stream from the simulator's write to the client's receipt, timed on one clock
// (the simulator runs in this process; its writes are observed through node:diagnostics_channel,
// without changing the simulator or the bytes).
//
// Every figure that the issue targets is printed next to its target with PASS or MISS; a MISS
// exits 1. `--json`: the whole report as one JSON object on stdout (progress on stderr).
// `--profile`: instead, a CPU profile of the proxy (node --cpu-prof) under 16 concurrent
// 150 KB passthrough JSON requests, summarised by self time (bench/cpu-profile.ts).
// Run: npm run bench:overhead [-- --json | --profile]; about 2 minutes on 2 cores.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { createSimulator } from '../simulator/server';
import { bundleLocator, byModule, selfTimes, type CpuProfile } from './cpu-profile';
import type { LoadFigures } from './load-window';
import { forkPipeChild, forkProxyChild, type ProxyChild } from './proxy-child';
import { CASCADE_MODEL, claudeCodeBody, HEADERS, PASSTHROUGH_MODEL, QUESTION } from './requests';
import { added, addedByRound, atLeast, atMost, perSecond, ratioToPipe, spread, type Spread, type Verdict } from './stats';

const JSON_OUT = process.argv.includes('--json');
const PROFILE = process.argv.includes('--profile');

const KB = 1024;
const MB = 1024 * KB;

/** The issue's targets; ratios are to the pipe's figure in the same run. */
const TARGET = {
  passthroughRatio: 2,
  /** Passthrough requests per second against the pipe's, at 16 and 64 concurrent ~150 KB requests. */
  passthroughRateShare: 0.9,
  acceptedRatio: 3,
  ttfbRatio: 2,
  eventDelayP99Ms: 1,
  idleRssMb: 80,
  /** 64 concurrent ~150 KB streams. */
  peakRssMb: 300,
  loopBlockMs: 5,
};

type Format = 'JSON' | 'SSE';
type TargetName = 'direct' | 'pipe' | 'passthrough' | 'accepted' | 'escalated';
const TARGETS: TargetName[] = ['direct', 'pipe', 'passthrough', 'accepted', 'escalated'];
const PROXIED: ReadonlySet<TargetName> = new Set(['passthrough', 'accepted', 'escalated']);
/** The draft (claude-haiku-4-5) hedges, the verifier (claude-sonnet-4-6) answers well. */
const ESCALATING_QUESTION = `${QUESTION} [sim:haiku=hedging]`;

const FORMATS: Format[] = ['JSON', 'SSE'];
const CONCURRENCY = [1, 16, 64] as const;
/**
 * Per body size and concurrency: [rounds, requests per target per round]. A round holds at
 * least as many requests as are in flight. Chosen so that the whole run stays under 3 minutes
 * on 2 cores shared with other work (about 100 s when the load average is below 2, 110-195 s
 * at 3-5): 160-320 samples per target at 20 KB and 150 KB (p99 is then the 2nd-4th largest,
 * 128 at 150 KB × 64), 48-64 at 1 MB (p99 is the largest), where one request costs the
 * simulator alone ~15-30 ms; 1 MB × 64 gets a single round (the rotation then carries on from
 * workload to workload).
 */
const SIZES: Array<{ label: string; bytes: number; plan: Record<(typeof CONCURRENCY)[number], [rounds: number, perRound: number]> }> = [
  { label: '20 KB', bytes: 20 * KB, plan: { 1: [4, 60], 16: [4, 80], 64: [2, 128] } },
  { label: '150 KB', bytes: 150 * KB, plan: { 1: [4, 40], 16: [4, 48], 64: [2, 64] } },
  { label: '1 MB', bytes: 1 * MB, plan: { 1: [3, 16], 16: [2, 32], 64: [1, 64] } },
];
/** What the issue allows the whole run, on 2 cores. */
const BUDGET_S = 180;
/** Before measuring: every path optimised in every process (fewer of the costly 1 MB bodies). */
const WARMUP = { perTarget: 32, perTargetLarge: 8, concurrency: 16 };
/** The paced stream: the simulator pauses before each event; streams per target. */
const PACED = { delayMs: 3, streams: 20, bytes: 20 * KB };
/** The simulator keeps every request it served: forget them this often. */
const SIM_FORGET_EVERY = 32;
/** For the profile: requests of warm-up, then of load. */
const PROFILE_RUN = { warmup: 300, requests: 3_000, concurrency: 16, bytes: 150 * KB };

const log = (line: string) => (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);

const runStart = performance.now();
const loadAtStart = loadavg();
const sim = await createSimulator();
// Idle connections are dropped well before any server here closes them (5 s and more), so
// that a request never goes out on a connection the server is closing at that moment.
const dispatcher = new Agent({ keepAliveTimeout: 2_000, keepAliveMaxTimeout: 2_000, connections: Math.max(...CONCURRENCY) });
const children: ProxyChild[] = [];

interface Sample {
  ms: number;
  ttfbMs: number;
  /** The proxy's x-cascadeflow-decision (null: not the proxy). */
  decision: string | null;
}

/** One POST /v1/messages read to its end; throws on an error status. */
async function send(url: string, body: string): Promise<Sample> {
  const start = performance.now();
  const res = await request(`${url}/v1/messages`, { method: 'POST', headers: HEADERS, body, dispatcher });
  if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}: ${await res.body.text()}`);
  let ttfbMs = -1;
  for await (const _ of res.body) if (ttfbMs < 0) ttfbMs = performance.now() - start;
  return { ms: performance.now() - start, ttfbMs, decision: [res.headers['x-cascadeflow-decision']].flat()[0] ?? null };
}

/**
 * `count` requests from `concurrency` clients, each sending its next as soon as the last is
 * answered. The direct upstream and the pipe must not answer with a proxy decision.
 */
async function batch(url: string, body: string, proxied: boolean, concurrency: number, count: number): Promise<{ samples: Sample[]; ms: number }> {
  const samples: Sample[] = [];
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started += 1;
        samples.push(await send(url, body).catch((err: Error) => Promise.reject(new Error(`${url}: ${err.message}`, { cause: err }))));
        if (sim.requests.length >= SIM_FORGET_EVERY) sim.reset();
      }
    }),
  );
  const ms = performance.now() - start;
  sim.reset();
  if (!proxied && samples.some((s) => s.decision !== null)) throw new Error(`${url} answered with a proxy decision: not the upstream or the pipe`);
  return { samples, ms };
}

interface Endpoint {
  url: string;
  /** The process that serves it, measured while it does (null: the simulator, in this process). */
  server: ProxyChild | null;
  /** The request's model and question. */
  body: (format: Format, bytes: number) => string;
  /** The decision the proxy must report (null: not the proxy). */
  decision: string | null;
}

async function endpoints(proxy: ProxyChild, pipe: ProxyChild): Promise<Record<TargetName, Endpoint>> {
  const [proxyUrl, pipeUrl] = await Promise.all([proxy.url, pipe.url]);
  const passthrough = (format: Format, bytes: number) => claudeCodeBody(PASSTHROUGH_MODEL, format === 'SSE', bytes);
  return {
    direct: { url: sim.url, server: null, body: passthrough, decision: null },
    pipe: { url: pipeUrl, server: pipe, body: passthrough, decision: null },
    passthrough: { url: proxyUrl, server: proxy, body: passthrough, decision: 'passthrough' },
    accepted: { url: proxyUrl, server: proxy, body: (format, bytes) => claudeCodeBody(CASCADE_MODEL, format === 'SSE', bytes), decision: 'accepted' },
    escalated: { url: proxyUrl, server: proxy, body: (format, bytes) => claudeCodeBody(CASCADE_MODEL, format === 'SSE', bytes, ESCALATING_QUESTION), decision: 'escalated' },
  };
}

async function loadWindow(server: ProxyChild, open: boolean): Promise<LoadFigures | null> {
  return (await server.ask({ type: 'window', open }, 'window')).figures;
}

interface TargetFigures {
  target: TargetName;
  latency: Spread;
  ttfb: Spread;
  requestsPerSecond: number;
  /** Against the direct upstream, in ms; null for the direct row. */
  added: { p50: number; p99: number; ttfbP50: number } | null;
  /** Added p50 (and time to first byte p50) over the pipe's; null for direct and pipe, or when the pipe added nothing measurable. */
  ratioToPipe: number | null;
  ttfbRatioToPipe: number | null;
  /** The pipe's row: its added p50 of latency and TTFB in each round (the ratios need every one above zero). */
  pipeAddedByRound: { latency: number[]; ttfb: number[] } | null;
  /** The serving process's (the pipe's or the proxy's) while it served this target; null for direct. */
  server: { cpuMsPerRequest: number; peakRssMb: number; loopDelayMaxMs: number; loopDelayP99Ms: number } | null;
  /**
   * Requests the proxy decided otherwise than the target's path, by decision: counted, not
   * fatal, since under load a draft can miss its first-byte deadline (draft_error: the
   * verifier answers).
   */
  offPath: Record<string, number>;
}

interface Cell {
  format: Format;
  size: string;
  bodyBytes: number;
  concurrency: number;
  targets: TargetFigures[];
}

/** Rounds run so far: each starts one target later than the last, across workloads too. */
let roundsRun = 0;

/** One workload: every target in rounds, the order rotated by one each round. */
async function measureCell(points: Record<TargetName, Endpoint>, format: Format, size: (typeof SIZES)[number], concurrency: (typeof CONCURRENCY)[number]): Promise<Cell> {
  const bodies = new Map(TARGETS.map((t) => [t, points[t].body(format, size.bytes)]));
  const collected = new Map(TARGETS.map((t) => [t, { rounds: [] as Sample[][], ms: 0, cpuUs: 0, peakRss: 0, loopMax: 0, loopP99: 0 }]));
  const [rounds, perRound] = size.plan[concurrency];
  for (let round = 0; round < rounds; round++, roundsRun++) {
    const first = roundsRun % TARGETS.length;
    for (const target of [...TARGETS.slice(first), ...TARGETS.slice(0, first)]) {
      const into = collected.get(target)!;
      const { server } = points[target];
      if (server) await loadWindow(server, true);
      const run = await batch(points[target].url, bodies.get(target)!, PROXIED.has(target), concurrency, perRound);
      into.rounds.push(run.samples);
      into.ms += run.ms;
      if (server) {
        const figures = (await loadWindow(server, false))!;
        into.cpuUs += figures.cpuUs;
        into.peakRss = Math.max(into.peakRss, figures.peakRss);
        into.loopMax = Math.max(into.loopMax, figures.loopDelayMaxMs);
        into.loopP99 = Math.max(into.loopP99, figures.loopDelayP99Ms);
      }
    }
  }
  const figures = (target: TargetName) => {
    const c = collected.get(target)!;
    const samples = c.rounds.flat();
    return { latency: spread(samples.map((s) => s.ms)), ttfb: spread(samples.map((s) => s.ttfbMs)), rate: perSecond(samples.length, c.ms), samples, c };
  };
  const direct = figures('direct');
  const pipe = figures('pipe');
  // What the pipe added, over all samples and round by round: a ratio needs it above zero in both.
  const byRound = (target: TargetName, of: (s: Sample) => number) => collected.get(target)!.rounds.map((round) => round.map(of));
  const pipeAdded = { p50: added(pipe.latency, direct.latency).p50, rounds: addedByRound(byRound('pipe', (s) => s.ms), byRound('direct', (s) => s.ms)) };
  const pipeTtfbAdded = { p50: added(pipe.ttfb, direct.ttfb).p50, rounds: addedByRound(byRound('pipe', (s) => s.ttfbMs), byRound('direct', (s) => s.ttfbMs)) };
  const targets = TARGETS.map((target): TargetFigures => {
    const f = figures(target);
    const add = target === 'direct' ? null : { ...added(f.latency, direct.latency), ttfbP50: added(f.ttfb, direct.ttfb).p50 };
    const compared = add && target !== 'pipe';
    return {
      target,
      latency: f.latency,
      ttfb: f.ttfb,
      requestsPerSecond: f.rate,
      added: add,
      ratioToPipe: compared ? ratioToPipe(add.p50, pipeAdded.p50, pipeAdded.rounds) : null,
      ttfbRatioToPipe: compared ? ratioToPipe(add.ttfbP50, pipeTtfbAdded.p50, pipeTtfbAdded.rounds) : null,
      pipeAddedByRound: target === 'pipe' ? { latency: pipeAdded.rounds, ttfb: pipeTtfbAdded.rounds } : null,
      server: points[target].server
        ? { cpuMsPerRequest: f.c.cpuUs / 1000 / f.samples.length, peakRssMb: f.c.peakRss / MB, loopDelayMaxMs: f.c.loopMax, loopDelayP99Ms: f.c.loopP99 }
        : null,
      offPath: countBy(f.samples.filter((s) => s.decision !== points[target].decision).map((s) => String(s.decision))),
    };
  });
  return { format, size: size.label, bodyBytes: Buffer.byteLength(bodies.get('direct')!), concurrency, targets };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Per target of the paced streams: the delays, and the serving process's longest event-loop delay meanwhile. */
type EventDelays = Record<'direct' | 'pipe' | 'passthrough', Spread & { events: number; serverLoopDelayMaxMs: number | null }>;

/**
 * Paced passthrough streams, one at a time, direct, through the pipe and through the proxy in
 * rotating order: for each event, the time from the simulator's write of it to the client
 * having all of its bytes. The simulator's writes are timed by wrapping its response's write
 * when the request starts (http.server.request.start), beneath the simulator's own wrapper.
 */
async function eventDelays(points: Record<TargetName, Endpoint>): Promise<EventDelays> {
  let writes: Array<{ at: number; end: number }> = [];
  const onRequest = (message: unknown) => {
    const res = (message as { response: ServerResponse }).response;
    const write = res.write.bind(res) as (chunk: string | Buffer, ...rest: unknown[]) => boolean;
    let end = 0;
    res.write = ((chunk: string | Buffer, ...rest: unknown[]) => {
      end += Buffer.byteLength(chunk);
      writes.push({ at: performance.now(), end });
      return write(chunk, ...rest);
    }) as typeof res.write;
  };
  const body = claudeCodeBody(PASSTHROUGH_MODEL, true, PACED.bytes);
  const targets = ['direct', 'pipe', 'passthrough'] as const;
  const delays = new Map(targets.map((t) => [t, [] as number[]]));
  sim.script(PASSTHROUGH_MODEL, { kind: 'good', delayMs: PACED.delayMs });
  subscribe('http.server.request.start', onRequest);
  // The pipe's and the proxy's longest event-loop delay meanwhile: a block there delays an event.
  const servers = { pipe: points.pipe.server!, passthrough: points.passthrough.server! };
  const loops = { direct: null as number | null, pipe: null as number | null, passthrough: null as number | null };
  await Promise.all(Object.values(servers).map((server) => loadWindow(server, true)));
  try {
    for (let i = 0; i < PACED.streams; i++) {
      for (const target of [...targets.slice(i % 3), ...targets.slice(0, i % 3)]) {
        writes = [];
        const res = await request(`${points[target].url}/v1/messages`, { method: 'POST', headers: HEADERS, body, dispatcher });
        let received = 0;
        let next = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          const now = performance.now();
          received += chunk.length;
          for (; next < writes.length && writes[next].end <= received; next++) delays.get(target)!.push(now - writes[next].at);
        }
        if (next !== writes.length || received !== writes.at(-1)?.end) {
          throw new Error(`${target}: the client got ${received} bytes, ${next} whole events of the ${writes.length} the simulator wrote (${writes.at(-1)?.end} bytes)`);
        }
      }
    }
  } finally {
    unsubscribe('http.server.request.start', onRequest);
    sim.reset();
    loops.pipe = (await loadWindow(servers.pipe, false))!.loopDelayMaxMs;
    loops.passthrough = (await loadWindow(servers.passthrough, false))!.loopDelayMaxMs;
  }
  return Object.fromEntries(targets.map((t) => [t, { ...spread(delays.get(t)!), events: delays.get(t)!.length, serverLoopDelayMaxMs: loops[t] }])) as EventDelays;
}

interface Check {
  figure: string;
  workload: string;
  measured: string;
  target: string;
  verdict: Verdict;
}

const f2 = (n: number) => n.toFixed(2);
const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(2)}`;
const times = (r: number | null) => (r === null ? '-' : `${r.toFixed(2)}×`);

interface Idle {
  /** RSS once started, nothing served yet, as it is. */
  startMb: number;
  /** After the run, after full collections: RSS, and of it the JavaScript heap and buffers. */
  afterMb: number;
  afterHeapMb: number;
  afterExternalMb: number;
}

function checks(cells: Cell[], perEvent: EventDelays, idle: Idle): Check[] {
  const out: Check[] = [];
  const name = (c: Cell) => `${c.format} ${c.size} ×${c.concurrency}`;
  const row = (c: Cell, t: TargetName) => c.targets.find((x) => x.target === t)!;
  for (const c of cells) {
    const pipe = row(c, 'pipe');
    const pass = row(c, 'passthrough');
    const acc = row(c, 'accepted');
    const ratioText = (t: TargetFigures, ttfb = false) => {
      const ratio = ttfb ? t.ttfbRatioToPipe : t.ratioToPipe;
      const text = `${signed(ttfb ? t.added!.ttfbP50 : t.added!.p50)} vs ${signed(ttfb ? pipe.added!.ttfbP50 : pipe.added!.p50)} ms = `;
      const rounds = pipe.pipeAddedByRound![ttfb ? 'ttfb' : 'latency'];
      return text + (ratio === null ? `- (pipe by round: ${rounds.map(signed).join(', ')})` : times(ratio));
    };
    out.push({ figure: 'passthrough added p50 / pipe', workload: name(c), measured: ratioText(pass), target: `≤ ${TARGET.passthroughRatio}×`, verdict: atMost(pass.ratioToPipe, TARGET.passthroughRatio) });
    out.push({ figure: 'accepted added p50 / pipe', workload: name(c), measured: ratioText(acc), target: `≤ ${TARGET.acceptedRatio}×`, verdict: atMost(acc.ratioToPipe, TARGET.acceptedRatio) });
    if (c.format === 'SSE') {
      out.push({ figure: 'passthrough added TTFB p50 / pipe', workload: name(c), measured: ratioText(pass, true), target: `≤ ${TARGET.ttfbRatio}×`, verdict: atMost(pass.ttfbRatioToPipe, TARGET.ttfbRatio) });
    }
    if (c.size === '150 KB' && c.concurrency >= 16) {
      const share = pass.requestsPerSecond / pipe.requestsPerSecond;
      out.push({
        figure: 'passthrough req/s / pipe',
        workload: name(c),
        measured: `${pass.requestsPerSecond.toFixed(0)} vs ${pipe.requestsPerSecond.toFixed(0)} = ${(100 * share).toFixed(0)} %`,
        target: `≥ ${100 * TARGET.passthroughRateShare} %`,
        verdict: atLeast(share, TARGET.passthroughRateShare),
      });
    }
  }
  const paced = perEvent.passthrough;
  out.push({ figure: 'per-event delay p99, passthrough', workload: `${paced.events} events`, measured: `${f2(paced.p99)} ms (p50 ${f2(paced.p50)})`, target: `≤ ${TARGET.eventDelayP99Ms} ms`, verdict: atMost(paced.p99, TARGET.eventDelayP99Ms) });
  out.push({ figure: 'idle RSS, started', workload: 'no request yet', measured: `${idle.startMb.toFixed(1)} MB`, target: `≤ ${TARGET.idleRssMb} MB`, verdict: atMost(idle.startMb, TARGET.idleRssMb) });
  out.push({
    figure: 'idle RSS, after the run',
    workload: 'after full collections',
    measured: `${idle.afterMb.toFixed(1)} MB (heap ${idle.afterHeapMb.toFixed(1)}, buffers ${idle.afterExternalMb.toFixed(1)})`,
    target: `≤ ${TARGET.idleRssMb} MB`,
    verdict: atMost(idle.afterMb, TARGET.idleRssMb),
  });
  const streams64 = cells.filter((c) => c.format === 'SSE' && c.size === '150 KB' && c.concurrency === 64);
  for (const c of streams64) {
    const peak = Math.max(...c.targets.flatMap((t) => (PROXIED.has(t.target) && t.server ? [t.server.peakRssMb] : [])));
    out.push({ figure: 'peak RSS, 64 concurrent streams', workload: name(c), measured: `${peak.toFixed(1)} MB`, target: `≤ ${TARGET.peakRssMb} MB`, verdict: atMost(peak, TARGET.peakRssMb) });
  }
  const loop = cells.flatMap((c) => c.targets.flatMap((t) => (PROXIED.has(t.target) && t.server ? [{ c, t, ms: t.server.loopDelayMaxMs }] : [])));
  const worst = loop.reduce((a, b) => (b.ms > a.ms ? b : a));
  const within = loop.filter((l) => l.ms <= TARGET.loopBlockMs).length;
  out.push({
    figure: 'longest event-loop delay under load',
    workload: `worst: ${worst.t.target}, ${name(worst.c)}`,
    measured: `${worst.ms.toFixed(1)} ms (${within} of ${loop.length} runs within)`,
    target: `≤ ${TARGET.loopBlockMs} ms`,
    verdict: atMost(worst.ms, TARGET.loopBlockMs),
  });
  return out;
}

/** Columns padded to their widest cell; numbers right-aligned, the columns in `text` left-aligned. */
function table(rows: string[][], text: number[] = [0]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (text.includes(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

function printCells(cells: Cell[]): void {
  const head = ['workload', 'target', 'n', 'p50', 'p99', 'TTFB p50', 'TTFB p99', 'req/s', '+p50', '+p99', '+TTFB p50', '×pipe', '×pipe TTFB', 'CPU/req', 'peak RSS', 'ELD max', 'ELD p99', 'off path'];
  const rows = [head];
  for (const c of cells) {
    for (const t of c.targets) {
      rows.push([
        t.target === 'direct' ? `${c.format} ${c.size} ×${c.concurrency}` : '',
        t.target,
        String(t.latency.n),
        f2(t.latency.p50),
        f2(t.latency.p99),
        f2(t.ttfb.p50),
        f2(t.ttfb.p99),
        t.requestsPerSecond.toFixed(0),
        t.added ? signed(t.added.p50) : '',
        t.added ? signed(t.added.p99) : '',
        t.added ? signed(t.added.ttfbP50) : '',
        t.target === 'direct' || t.target === 'pipe' ? '' : times(t.ratioToPipe),
        t.target === 'direct' || t.target === 'pipe' ? '' : times(t.ttfbRatioToPipe),
        t.server ? f2(t.server.cpuMsPerRequest) : '',
        t.server ? t.server.peakRssMb.toFixed(0) : '',
        t.server ? t.server.loopDelayMaxMs.toFixed(1) : '',
        t.server ? t.server.loopDelayP99Ms.toFixed(1) : '',
        Object.entries(t.offPath).map(([decision, n]) => `${n} ${decision}`).join(', '),
      ]);
    }
  }
  for (const line of table(rows, [0, 1, 17])) log(line);
  log("Times in ms. +: added over the direct upstream at the same quantile; ×pipe: added p50 over the pipe's (-: the pipe's was not above 0 overall and in every round).");
  log('CPU/req (ms), peak RSS (MB), ELD (event-loop delay, ms, 1 ms resolution): the pipe\'s or the proxy\'s process while it served that target.');
  log("off path: requests the proxy decided otherwise than the target's path (e.g. a draft past its first-byte deadline under load).");
}

const machine = () => ({
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  loadAverageAtStart: loadAtStart,
  loadAverageAtEnd: loadavg(),
});

async function profileRun(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cascadeflow-profile-'));
  const proxy = await forkProxyChild({ CASCADEFLOW_UPSTREAM_URL: sim.url }, { execArgv: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250'], keepBundle: true });
  children.push(proxy);
  const url = await proxy.url;
  const body = claudeCodeBody(PASSTHROUGH_MODEL, false, PROFILE_RUN.bytes);
  await batch(url, body, true, PROFILE_RUN.concurrency, PROFILE_RUN.warmup);
  const run = await batch(url, body, true, PROFILE_RUN.concurrency, PROFILE_RUN.requests);
  await proxy.stop(); // the profile is written as the process exits
  const [file] = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
  const locate = bundleLocator(`file://${proxy.bundle}`, await readFile(proxy.bundle, 'utf8'));
  const times = selfTimes(profile, locate);
  await rm(path.dirname(proxy.bundle), { recursive: true, force: true });
  const kb = (Buffer.byteLength(body) / KB).toFixed(0);
  log(`CPU profile of the proxy: ${PROFILE_RUN.requests} passthrough JSON requests of ${kb} KB, ${PROFILE_RUN.concurrency} in flight, after ${PROFILE_RUN.warmup} of warm-up`);
  log(`(${perSecond(run.samples.length, run.ms).toFixed(0)} req/s; the profile covers the whole process life, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s; kept at ${path.join(dir, file)})`);
  log('Top functions by self time, and the caller that most of it came through:');
  const caller = (t: (typeof times)[number]) => {
    const [top] = t.callers;
    return top ? `${top.name} (${top.where || 'V8'}) ${((100 * top.ms) / t.ms).toFixed(0)} %` : '';
  };
  const rows = times.slice(0, 25).map((t) => [`${(100 * t.share).toFixed(1)} %`, t.ms.toFixed(0), t.name, t.where, caller(t)]);
  for (const line of table([['share', 'ms', 'function', 'module', 'mostly from'], ...rows], [2, 3, 4])) log(`  ${line}`);
  log('By module:');
  for (const line of table([['share', 'ms', 'module'], ...byModule(times).slice(0, 15).map((m) => [`${(100 * m.share).toFixed(1)} %`, m.ms.toFixed(0), m.where || '(V8: idle, GC, program)'])], [2])) log(`  ${line}`);
  log(`(load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores)`);
}

async function overheadRun(): Promise<void> {
  const proxy = await forkProxyChild({ CASCADEFLOW_UPSTREAM_URL: sim.url });
  children.push(proxy);
  const pipe = await forkPipeChild({ CASCADEFLOW_UPSTREAM_URL: sim.url });
  children.push(pipe);
  const points = await endpoints(proxy, pipe);
  // The cascade drafts every time: cost-aware drafting would stop drafting the escalating body.
  const patched = await fetch(`${points.passthrough.url}/api/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ draftPolicy: 'always' }) });
  if (!patched.ok) throw new Error(`PATCH /api/settings: HTTP ${patched.status}`);

  // Idle: started, settings saved, nothing served; a second to settle, then its memory as it is.
  await loadWindow(proxy, true);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idleStart = (await loadWindow(proxy, false))!.rss / MB;

  // Size by size, smallest first, each warmed up just before: the peak memory of a workload
  // is not inflated by what larger bodies left behind (the heap and malloc keep what they grew to).
  const cells: Cell[] = [];
  for (const size of SIZES) {
    const count = size.bytes >= MB ? WARMUP.perTargetLarge : WARMUP.perTarget;
    log(`${size.label}: warming up (${count} requests per target and format, ${WARMUP.concurrency} in flight)…`);
    for (const format of FORMATS) {
      for (const target of TARGETS) await batch(points[target].url, points[target].body(format, size.bytes), PROXIED.has(target), WARMUP.concurrency, count);
    }
    for (const format of FORMATS) {
      for (const concurrency of CONCURRENCY) {
        const started = performance.now();
        cells.push(await measureCell(points, format, size, concurrency));
        log(`  ${format} ${size.label} ×${concurrency}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    }
  }
  const perEvent = await eventDelays(points);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = (await proxy.ask({ type: 'read' }, 'reading')).reading;
  const idle = { startMb: idleStart, afterMb: after.rss / MB, afterHeapMb: after.heapUsed / MB, afterExternalMb: after.external / MB };
  const found = checks(cells, perEvent, idle);
  const seconds = (performance.now() - runStart) / 1000;

  if (JSON_OUT) {
    const settings = { sizes: SIZES, concurrency: CONCURRENCY, warmup: WARMUP, paced: PACED, targets: TARGET, budgetS: BUDGET_S };
    process.stdout.write(`${JSON.stringify({ machine: machine(), settings, seconds, cells, perEvent, idle, checks: found }, null, 2)}\n`);
  } else {
    log(`\nProxy overhead on loopback (Node ${process.version}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores)`);
    const plans = SIZES.map((s) => `${s.label}: ${CONCURRENCY.map((c) => `×${c} ${s.plan[c].join(' × ')}`).join(', ')}`);
    log(`Rounds × requests per target: ${plans.join('; ')}; the order of targets rotated each round.`);
    printCells(cells);
    log(`\nPer-event delay, paced stream (${PACED.delayMs} ms between events, ${PACED.streams} streams per target, one at a time): simulator write → client has the event`);
    const paced = (['direct', 'pipe', 'passthrough'] as const).map((t) => {
      const loop = perEvent[t].serverLoopDelayMaxMs;
      return [t, String(perEvent[t].events), f2(perEvent[t].p50), f2(perEvent[t].p99), loop === null ? '' : loop.toFixed(1)];
    });
    for (const line of table([['target', 'events', 'p50 ms', 'p99 ms', 'its ELD max ms'], ...paced])) log(`  ${line}`);
    log('\nTargets (issue 13), each against the pipe in the same run:');
    for (const line of table([['figure', 'workload', 'measured', 'target', 'result'], ...found.map((c) => [c.figure, c.workload, c.measured, c.target, c.verdict])], [0, 1])) log(`  ${line}`);
    const count = (v: Verdict) => found.filter((c) => c.verdict === v).length;
    log(`${count('PASS')} PASS, ${count('MISS')} MISS, ${count('n/a')} n/a. Whole run ${seconds.toFixed(0)} s (budget ${BUDGET_S} s); load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end, on ${availableParallelism()} cores.`);
  }
  if (found.some((c) => c.verdict === 'MISS')) process.exitCode = 1;
}

// Stops by itself whatever hangs: a run takes about 2 minutes.
const watchdog = setTimeout(() => {
  console.error('proxy bench: still running after 6 minutes; stopping');
  for (const child of children) child.process.kill();
  process.exit(2);
}, 360_000);
watchdog.unref();

try {
  await (PROFILE ? profileRun() : overheadRun());
} finally {
  await Promise.all(children.map((c) => c.stop()));
  await dispatcher.close();
  await sim.close();
}
