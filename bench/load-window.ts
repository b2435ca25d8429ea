// What one stretch of load cost the process it runs in: the proxy under benchmark
// (bench/proxy-server.ts) and the bare pipe it is compared with (bench/pipe-server.ts) measure
// themselves alike. Opened and closed by the parent over IPC (a `window` message); no
// collections are forced inside a window, only between workloads when the parent asks (`settle`),
// and nothing else runs between windows, so that an idle process stays idle.
// Event-loop blocks on both clocks of bench/loop-clock.ts: the raw delay, which on a shared
// machine includes waiting for a core, and the process's own block, which does not.
import { readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { createLoopClock } from './loop-clock';

export interface LoadFigures {
  /** CPU time used in the window (user + system), in µs. */
  cpuUs: number;
  /** Resident memory at the close, and its peak in the window (Linux VmHWM, reset at the opening). */
  rss: number;
  peakRss: number;
  /** False where the peak cannot be reset (not Linux): then it is the process's peak so far. */
  peakExact: boolean;
  /** perf_hooks.monitorEventLoopDelay over the window (1 ms resolution, so ~1 ms means no block). */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** The longest gap of a 1 ms timer, and the same less the run-queue wait within it (bench/loop-clock.ts). */
  tickGapMaxMs: number;
  ownBlockMaxMs: number;
  /** False where the run-queue wait cannot be read: then the own block is the whole gap. */
  ownExact: boolean;
  /**
   * The gap that held the longest own block, on the monotonic clock of process.hrtime and of V8's
   * CPU profiles (µs): where to look in a profile for what blocked.
   */
  ownBlockGapUs: { from: number; to: number };
  /** The main thread's CPU time in that gap (schedstat): the rest of the own block it was blocked off a core, e.g. waiting for GC helper threads. */
  ownBlockCpuMs: number;
  /** Garbage collections in the window (perf_hooks 'gc' entries): the longest pause and the sum, in ms of wall time. */
  gcMaxMs: number;
  gcTotalMs: number;
  windowMs: number;
}

/** Running only while a window is open. */
const clock = createLoopClock();
let gcPauses: number[] = [];
const gcObserver = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e: PerformanceEntry) => e.duration)));
let openedCpuUs = 0;
let peakExact = false;

/** Writing 5 to /proc/self/clear_refs (Linux 4.0+) resets the peak to the current RSS. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  const kb = peakExact ? /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1] : undefined;
  return kb ? Number(kb) * 1024 : process.resourceUsage().maxRSS * 1024;
}

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** A performance.now() time on the monotonic clock, in µs. */
function monotonicUs(performanceMs: number): number {
  return Number(process.hrtime.bigint() / 1000n) - (performance.now() - performanceMs) * 1000;
}

export function openWindow(): void {
  peakExact = resetPeakRss();
  clock.start();
  gcPauses = [];
  gcObserver.observe({ entryTypes: ['gc'] });
  openedCpuUs = cpuUs();
}

export function closeWindow(): LoadFigures {
  const used = cpuUs() - openedCpuUs;
  clock.stop();
  gcPauses.push(...gcObserver.takeRecords().map((e) => e.duration));
  gcObserver.disconnect();
  const loop = clock.read();
  return {
    cpuUs: used,
    rss: process.memoryUsage.rss(),
    peakRss: peakRss(),
    peakExact,
    loopDelayMaxMs: loop.loopDelayMaxMs,
    loopDelayP99Ms: loop.loopDelayP99Ms,
    tickGapMaxMs: loop.tickGaps.maxMs,
    ownBlockMaxMs: loop.own.maxMs,
    ownExact: loop.ownExact,
    ownBlockGapUs: { from: monotonicUs(loop.own.maxAtMs - loop.own.maxGapMs), to: monotonicUs(loop.own.maxAtMs) },
    ownBlockCpuMs: loop.own.maxCpuMs,
    gcMaxMs: Math.max(0, ...gcPauses),
    gcTotalMs: gcPauses.reduce((sum, ms) => sum + ms, 0),
    windowMs: loop.windowMs,
  };
}

/** The child's answer to a `window` message: null figures when opening. */
export function windowAnswer(open: boolean): { type: 'window'; figures: LoadFigures | null } {
  if (open) openWindow();
  return { type: 'window', figures: open ? null : closeWindow() };
}

/**
 * Full collections now (the child runs with --expose-gc), outside any window: between two
 * workloads, so that the garbage one left is not collected inside the next one's figures.
 */
export function settle(): { type: 'settled' } {
  const gc = globalThis.gc;
  if (!gc) throw new Error('settle needs --expose-gc');
  // Twice: the first collection can leave work (finalizers, weak references) for a second.
  gc();
  gc();
  return { type: 'settled' };
}
