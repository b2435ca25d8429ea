// What one stretch of load cost the process it runs in: the proxy under benchmark
// (bench/proxy-server.ts) and the bare pipe it is compared with (bench/pipe-server.ts) measure
// themselves alike. Opened and closed by the parent over IPC (a `window` message); no
// collections are forced, and nothing runs between windows, so that an idle process stays idle.
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

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
  windowMs: number;
}

/** Enabled only while a window is open. */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
let opened = { at: 0, cpuUs: 0 };
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

export function openWindow(): void {
  peakExact = resetPeakRss();
  loopDelay.reset();
  loopDelay.enable();
  opened = { at: performance.now(), cpuUs: cpuUs() };
}

export function closeWindow(): LoadFigures {
  const used = cpuUs() - opened.cpuUs;
  loopDelay.disable();
  return {
    cpuUs: used,
    rss: process.memoryUsage.rss(),
    peakRss: peakRss(),
    peakExact,
    loopDelayMaxMs: loopDelay.max / 1e6,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    windowMs: performance.now() - opened.at,
  };
}

/** The child's answer to a `window` message: null figures when opening. */
export function windowAnswer(open: boolean): { type: 'window'; figures: LoadFigures | null } {
  if (open) openWindow();
  return { type: 'window', figures: open ? null : closeWindow() };
}
