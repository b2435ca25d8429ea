// The demo in one call, shared by `npm run demo` and the desktop app's "Try a demo": the
// Anthropic API simulator and a proxy in front of it, on a fresh temporary folder (never the
// user's data folder: their totals stay untouched) and loopback ports, then the scripted
// traffic. stop() ends the traffic, closes both servers and removes the folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StatsSnapshot, Totals } from '../contracts/stats';
import type { Logger } from '../proxy/log/logger';
import { createProxyContext } from '../proxy/runtime';
import { PortInUseError, startProxyServer, type RunningProxy } from '../proxy/server';
import { DASHBOARD_PATH } from '../proxy/dashboard';
import { createSimulator, type Simulator } from '../simulator/server';
import { writeProject } from './project';
import { BURST_REQUESTS, sendBurst, trickle, type TrafficOptions } from './traffic';

/** A Claude Code turn every few seconds, for a few minutes: the dashboard keeps moving. */
export const DEFAULT_TRICKLE = { everyMs: 6_000, steps: 40 };
const LOOPBACK = '127.0.0.1';

export interface DemoOptions {
  /** The proxy's port: this one when free, else any free port (said in `portNote`). Default 0: any. */
  port?: number;
  /** Where the temporary folder is made (default: the OS's temporary folder). */
  tmpDir?: string;
  /** The proxy's log lines (default: the console). */
  logger?: Logger;
  /** The trickle after the burst; false: none. */
  trickle?: { everyMs: number; steps: number } | false;
}

export interface RunningDemo {
  version: string;
  /** The proxy's base URL, for the user's own client. */
  baseUrl: string;
  dashboardUrl: string;
  /** The simulator's URL, the proxy's upstream. */
  upstreamUrl: string;
  /** The temporary folder: the proxy's data (`dataDir`) and the project the scripted sessions work in. */
  folder: string;
  dataDir: string;
  /** Why the proxy is not on the port asked for, when it is not. */
  portNote: string | null;
  /** Settles once the burst's requests are answered and recorded, with the all-time totals then. */
  burst: Promise<Totals>;
  /** Settles when the trickle has sent its last request. */
  trickle: Promise<void>;
  stats(): Promise<StatsSnapshot>;
  /** Stops the traffic and both servers and removes the folder; idempotent. */
  stop(): Promise<void>;
}

async function listen(ctx: Awaited<ReturnType<typeof createProxyContext>>, port: number): Promise<{ proxy: RunningProxy; portNote: string | null }> {
  try {
    return { proxy: await startProxyServer(ctx, { host: LOOPBACK, port }), portNote: null };
  } catch (error) {
    if (!(error instanceof PortInUseError) || port === 0) throw error;
    const proxy = await startProxyServer(ctx, { host: LOOPBACK, port: 0 });
    return { proxy, portNote: `port ${port} is in use, so the demo proxy listens on ${proxy.port}` };
  }
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const folder = await mkdtemp(path.join(options.tmpDir ?? tmpdir(), 'cascadeflow-demo-'));
  const dataDir = path.join(folder, 'data');
  const project = path.join(folder, 'project');
  const cleanups: Array<() => Promise<unknown>> = [() => rm(folder, { recursive: true, force: true })];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    await writeProject(project);
    const simulator: Simulator = await createSimulator({ host: LOOPBACK, port: 0 });
    cleanups.push(() => simulator.close());
    // Only the upstream comes from here: the user's environment (their key, PORT, data folder) stays out.
    const ctx = await createProxyContext({ env: { CASCADEFLOW_UPSTREAM_URL: simulator.url }, dataDir, logger: options.logger });
    cleanups.push(async () => {
      await ctx.flush();
      await ctx.close();
    });
    const { proxy, portNote } = await listen(ctx, options.port ?? 0);
    cleanups.push(() => proxy.close());

    const abort = new AbortController();
    const traffic: TrafficOptions = { baseUrl: proxy.url, project, signal: abort.signal };
    let recorded = 0;
    let burstRecorded: () => void = () => undefined;
    const allRecorded = new Promise<void>((resolve) => (burstRecorded = resolve));
    const unsubscribe = ctx.control.subscribe((event) => {
      if (event.type === 'decision' && ++recorded === BURST_REQUESTS) burstRecorded();
    });
    cleanups.push(async () => unsubscribe());
    const burst = sendBurst(traffic)
      .then(() => allRecorded)
      .then(async () => (await ctx.control.getStats()).allTime);
    const pace = options.trickle ?? DEFAULT_TRICKLE;
    const trickling = burst.then(() => (pace ? trickle(traffic, pace.everyMs, pace.steps) : undefined));
    // Stopping cuts them; whoever awaits them sees that, nobody else has to.
    trickling.catch(() => undefined);
    // Traffic first, so no request starts against a closing proxy.
    cleanups.push(async () => {
      abort.abort();
      await Promise.allSettled([burst, trickling]);
    });

    let stopping: Promise<void> | null = null;
    return {
      version: ctx.config.version,
      baseUrl: proxy.url,
      dashboardUrl: `${proxy.url}${DASHBOARD_PATH}/`,
      upstreamUrl: simulator.url,
      folder,
      dataDir,
      portNote,
      burst,
      trickle: trickling,
      stats: () => ctx.control.getStats(),
      stop: () => (stopping ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
