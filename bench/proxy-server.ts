// The proxy under benchmark, in a process of its own so that its memory is read apart
// from the client's and the simulator's, and so that it gets a core of its own as it
// would in real use. The benches fork it bundled, as it ships (bench/proxy-child.ts), with
// --expose-gc; it reports its URL once listening, then answers CPU, memory and event-loop
// probes over IPC until told to stop: `read` after full collections (what it holds), a
// `window` around a stretch of load without any (bench/load-window.ts: what that load cost
// it). Its state is real: config.json and the decision store's files in a temporary data
// dir, flushed as in use, so their writes are part of what is measured. BENCH_STORE=memory
// keeps stats and decisions in memory instead: a control that shows which event-loop blocks
// persisting causes. bench/sessions.bench.ts moves its clock forward (`clock`) to replay
// pauses that let prompt caches expire without waiting.
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tuneHeapForProxy } from '../proxy/heap';
import { startProxyServer } from '../proxy/server';
import { createProxyContext } from '../proxy/runtime';
import { createMemoryStore } from '../proxy/state/stores';
import { settle, windowAnswer, type LoadFigures } from './load-window';
import { createLoopClock } from './loop-clock';

export interface Reading {
  /** CPU time the process has used so far (user + system), in µs. */
  cpuUs: number;
  /** Resident memory after a full collection (like the two below). */
  rss: number;
  /** Live JavaScript objects. */
  heapUsed: number;
  /** Buffers and other memory outside the JavaScript heap that objects hold on to. */
  external: number;
  /**
   * The longest the event loop was blocked since the last reset, from two independent
   * clocks, all in ms. `loopDelayMaxMs` and `loopDelayP99Ms` come from
   * perf_hooks.monitorEventLoopDelay (1 ms resolution; its samples are whole intervals
   * between timer runs, so an idle loop reads about 1 ms, not 0). `tickGapMaxMs` is the
   * largest gap between runs of a 1 ms setInterval, likewise about 1 ms when idle.
   */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  loopDelayMeanMs: number;
  tickGapMaxMs: number;
  /** How many of the interval's gaps reached each threshold: one long block or many. */
  tickGapsOver: { thresholdMs: number; count: number }[];
  /**
   * The same gaps less the time the main thread spent waiting for a core (Linux schedstat):
   * what the proxy blocked itself, by its own work or a synchronous syscall, whatever else
   * ran on the machine. Equal to the gaps where schedstat is unavailable (`ownExact` false).
   */
  ownBlockMaxMs: number;
  ownGapsOver: { thresholdMs: number; count: number }[];
  ownExact: boolean;
  /** How long the window those figures cover was (since the last reset), in ms. */
  loopWindowMs: number;
  /** Bytes in the data dir (config.json with the in-memory store): whatever files the state keeps there. */
  storeBytes: number;
}

export type ChildMessage =
  | { type: 'listening'; url: string }
  | { type: 'reading'; reading: Reading }
  | { type: 'window'; figures: LoadFigures | null }
  | { type: 'filled' }
  | { type: 'clock' }
  | { type: 'settled' };
/**
 * `read` with `resetLoop`: start a new event-loop window once this reading is taken (after
 * its collections). `window`: open a load window (answered with null figures) or close it
 * (answered with its LoadFigures). `fill`: record `records` copies of the newest decision, then flush.
 * `clock`: from now on Date.now() reads `offsetMs` ahead of the real clock (sent between
 * requests, never during one). `settle`: full collections now, between two workloads, so that
 * one workload's garbage is not collected in the next one's figures (the pipe answers it too).
 */
export type ParentMessage =
  | { type: 'read'; resetLoop?: boolean }
  | { type: 'window'; open: boolean }
  | { type: 'fill'; records: number }
  | { type: 'clock'; offsetMs: number }
  | { type: 'settle' }
  | { type: 'stop' };

const gc = globalThis.gc;
if (!process.send || !gc) throw new Error('bench/proxy-server.ts is forked by bench/proxy-child.ts (IPC and --expose-gc)');
const send = process.send.bind(process);

// As the headless proxy runs (proxy/cli.ts).
tuneHeapForProxy();
const dataDir = await mkdtemp(join(tmpdir(), 'cascadeflow-bench-'));
const ctx = await createProxyContext({
  env: { CASCADEFLOW_UPSTREAM_URL: process.env.CASCADEFLOW_UPSTREAM_URL },
  // An in-memory settings store brings in-memory stats and decisions with it (proxy/runtime.ts).
  ...(process.env.BENCH_STORE === 'memory' ? { store: createMemoryStore() } : {}),
  dataDir,
  // One log line per request would measure the terminal, not the proxy.
  logger: { info: () => {}, warn: () => {} },
});
const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });

// Its event-loop clocks (bench/loop-clock.ts) start with the first `resetLoop`, so that benches
// which never ask (proxy.bench.ts, whose load windows have clocks of their own) keep an idle
// proxy truly idle.
const loop = createLoopClock();

/** Copies of the newest decision under new ids, through the same sink as requests, then on disk. */
async function fill(records: number): Promise<void> {
  const [newest] = await ctx.control.getDecisions({ limit: 1 });
  if (!newest) throw new Error('fill: no decision to copy yet (send requests first)');
  for (let i = 0; i < records; i++) ctx.record({ ...newest, id: `${newest.id}-fill-${i}` });
  await ctx.flush();
}

/** Date.now() moved ahead by the parent's `clock` message; installed on the first one only. */
let clockOffsetMs = 0;
let clockMoved = false;
function setClock(offsetMs: number): void {
  if (!clockMoved) {
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() + clockOffsetMs;
    clockMoved = true;
  }
  clockOffsetMs = offsetMs;
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'clock') {
    setClock(message.offsetMs);
    send({ type: 'clock' } satisfies ChildMessage);
  } else if (message.type === 'read') {
    const { user, system } = process.cpuUsage(); // before the collections below
    // Also before them: the forced collections block the loop and are not the proxy's.
    const blocks = loop.read();
    const reading = {
      loopDelayMaxMs: blocks.loopDelayMaxMs,
      loopDelayP99Ms: blocks.loopDelayP99Ms,
      loopDelayMeanMs: blocks.loopDelayMeanMs,
      tickGapMaxMs: blocks.tickGaps.maxMs,
      tickGapsOver: blocks.tickGaps.over,
      ownBlockMaxMs: blocks.own.maxMs,
      ownGapsOver: blocks.own.over,
      ownExact: blocks.ownExact,
      loopWindowMs: blocks.windowMs,
    };
    // Summed over the directory, not one file name, so that it still holds if the layout changes.
    const storeBytes = readdirSync(dataDir).reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);
    // Twice: the first collection can leave work (finalizers, weak references) for a second.
    gc();
    gc();
    const { rss, heapUsed, external } = process.memoryUsage();
    const reply = () => send({ type: 'reading', reading: { cpuUs: user + system, rss, heapUsed, external, ...reading, storeBytes } } satisfies ChildMessage);
    if (!message.resetLoop) reply();
    else {
      // Not at once: the histogram's timer has not run since before the collections, and
      // its first sample after a reset would be their pause. Once it has run, the window opens.
      setTimeout(() => {
        loop.start();
        reply();
      }, 10);
    }
  } else if (message.type === 'window') {
    send(windowAnswer(message.open) satisfies ChildMessage);
  } else if (message.type === 'settle') {
    send(settle() satisfies ChildMessage);
  } else if (message.type === 'fill') {
    void fill(message.records).then(() => send({ type: 'filled' } satisfies ChildMessage));
  } else if (message.type === 'stop') {
    void (async () => {
      loop.stop();
      await proxy.close();
      await ctx.close();
      await rm(dataDir, { recursive: true, force: true });
      process.disconnect();
    })();
  }
});
send({ type: 'listening', url: proxy.url } satisfies ChildMessage);
