// Two clocks of a process's event-loop blocks, for the benches' children (bench/load-window.ts
// around a stretch of load; bench/proxy-server.ts for bench/event-loop.bench.ts). The histogram
// is perf_hooks.monitorEventLoopDelay, libuv's timer sampled in native code; the interval is
// what a JavaScript timer (e.g. the proxy's own) actually experiences, and it also gives each
// gap less the time the main thread waited for a core (Linux schedstat): the process's own
// block. On a shared machine the whole gap mostly measures the other processes (a bare pipe
// that does nothing reads 5-43 ms under load); the own block is what the process did itself,
// by its work, garbage collection or a synchronous syscall. It still counts time the main
// thread sat off a core without queueing for one, e.g. in a GC pause waiting for V8's helper
// threads while they queue: so the longest own block also comes with the main thread's CPU
// time within it (schedstat's first field). Neither clock spins (a setImmediate
// loop would take a core from what it measures), and both run only between start and stop,
// so that an idle process stays idle.
import { openSync, readSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BlockTally, type Blocks } from './stats';

export interface LoopBlocks {
  /** perf_hooks.monitorEventLoopDelay (1 ms resolution: its samples are whole intervals, so an idle loop reads ~1 ms, not 0). */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  loopDelayMeanMs: number;
  /** Gaps between runs of a 1 ms setInterval, likewise ~1 ms when idle. */
  tickGaps: Blocks;
  /**
   * The same gaps less the run-queue wait within each: equal to them where schedstat is
   * unavailable (`ownExact` false). Times of the longest (`maxAtMs`) are performance.now().
   */
  own: Blocks;
  ownExact: boolean;
  /** Since the start, in ms. */
  windowMs: number;
}

/** The counts of gaps reported at these lengths: one long block or many. */
const THRESHOLDS_MS = [10, 25, 50, 100];

/**
 * The main thread's (its task id is the pid) schedstat, opened once and read through the one
 * descriptor: ~6 µs a read, where opening the file each time costs ~60 µs, too much for a
 * 1 ms clock. Null where there is none (not Linux, or a kernel without schedstats).
 */
let schedstat: number | null | undefined;
const schedBuffer = Buffer.alloc(128);

/** Milliseconds the main thread has run, and has waited on a run queue, so far: the first two fields of its schedstat. */
function schedMs(): { cpu: number; wait: number } {
  if (schedstat === undefined) {
    try {
      schedstat = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
    } catch {
      schedstat = null;
    }
  }
  if (schedstat === null) return { cpu: 0, wait: 0 };
  const length = readSync(schedstat, schedBuffer, 0, schedBuffer.length, 0);
  const [cpu, wait] = schedBuffer.toString('latin1', 0, length).split(' ');
  return { cpu: Number(cpu) / 1e6, wait: Number(wait) / 1e6 };
}

export interface LoopClock {
  /** (Re)starts both clocks from now. */
  start(): void;
  /** The blocks since the start, the one still open included; the clocks run on. */
  read(): LoopBlocks;
  /** Stops both clocks (a read after it gives what they saw until then). */
  stop(): void;
}

export function createLoopClock(): LoopClock {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let ticker: NodeJS.Timeout | null = null;
  let tally = new BlockTally(THRESHOLDS_MS);
  let started = 0;
  let stopped = 0;
  let lastTick = 0;
  let last = { cpu: 0, wait: 0 };
  const tick = () => {
    const now = performance.now();
    const sched = schedMs();
    tally.add(now - lastTick, sched.wait - last.wait, now, sched.cpu - last.cpu);
    lastTick = now;
    last = sched;
  };
  return {
    start() {
      histogram.enable(); // no-op once enabled
      histogram.reset();
      ticker ??= setInterval(tick, 1).unref();
      tally = new BlockTally(THRESHOLDS_MS);
      lastTick = started = performance.now();
      stopped = 0;
      last = schedMs();
    },
    read() {
      const running = ticker !== null;
      const now = running ? performance.now() : stopped;
      const sched = running ? schedMs() : last;
      const blocks = running ? tally.read({ gapMs: now - lastTick, waitMs: sched.wait - last.wait, atMs: now, cpuMs: sched.cpu - last.cpu }) : tally.read();
      return {
        loopDelayMaxMs: histogram.max / 1e6,
        loopDelayP99Ms: histogram.percentile(99) / 1e6,
        loopDelayMeanMs: histogram.mean / 1e6,
        tickGaps: blocks.gaps,
        own: blocks.own,
        ownExact: schedstat !== null,
        windowMs: now - started,
      };
    },
    stop() {
      if (ticker === null) return;
      tick(); // the gap open at this moment counts too
      clearInterval(ticker);
      ticker = null;
      histogram.disable();
      stopped = performance.now();
    },
  };
}
