// The proxy as users run it, in a process of its own: proxy/cli.ts bundled as `npm run
// build:proxy` ships it (esbuild, dependencies from node_modules), started with --port 0 on a
// data folder, so the soak tests can read its memory and file descriptors from /proc, and kill
// it with SIGKILL mid-burst and start it again on the same folder. With `inspect`, its V8
// inspector listens on a loopback port so a test can force a garbage collection and read the
// live heap: RSS alone mixes leaks with heap the collector has not given back yet.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { WebSocket, type MessageEvent } from 'undici';
import { proxyBuildOptions, ROOT } from '../../electron/tools/build';

/** Builds the proxy once into a folder of its own inside node_modules (so imports resolve); returns its entry and a remover. */
export async function bundleProxy(): Promise<{ entry: string; remove(): Promise<void> }> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'cascadeflow-soak');
  await mkdir(cache, { recursive: true });
  const outDir = await mkdtemp(path.join(cache, 'proxy-'));
  await build({ ...proxyBuildOptions(outDir), logLevel: 'warning' });
  return { entry: path.join(outDir, 'cli.js'), remove: () => rm(outDir, { recursive: true, force: true }) };
}

export interface ProxyProcess {
  url: string;
  pid: number;
  /** Everything it printed (stdout and stderr), line by line. */
  output: string[];
  /** Resident memory (bytes) and open file descriptors, from /proc. */
  sample(): Promise<{ rss: number; fds: number }>;
  /** The live heap (bytes) right after a full garbage collection (started with `inspect` only). */
  heapAfterGc(): Promise<number>;
  /** SIGKILL, resolved once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful drain and flush), resolved once it exited. */
  stop(): Promise<void>;
}

/** Starts the proxy in front of `upstream` on `dataDir` (`env`: variables beside the clean ones); resolves once it listens (its banner's URL). */
export async function startProxyProcess(entry: string, dataDir: string, upstream: string, options: { inspect?: boolean; env?: Record<string, string> } = {}): Promise<ProxyProcess> {
  // A clean environment: no proxy detour for loopback, no HOST/PORT or npm lifecycle from the shell.
  const child: ChildProcess = spawn(process.execPath, [...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), entry, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--upstream', upstream], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let inspector: string | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the proxy did not start within 20 s:\n${output.join('\n')}`)), 20_000);
    const read = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        output.push(line);
        inspector ??= /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1] ?? null;
        const listening = /listening on (http:\/\/\S+)/.exec(line);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the proxy exited (code ${code}):\n${output.join('\n')}`));
    });
  });
  const pid = child.pid!;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const end = async (signal: NodeJS.Signals) => {
    if (gone()) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  return {
    url,
    pid,
    output,
    async sample() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
      return { rss: rssKb * 1024, fds: (await readdir(`/proc/${pid}/fd`)).length };
    },
    async heapAfterGc() {
      if (!inspector) throw new Error('started without inspect');
      const socket = new WebSocket(inspector);
      await once(socket, 'open');
      let id = 0;
      const call = (method: string) =>
        new Promise<Record<string, number>>((resolve) => {
          const mine = ++id;
          const onMessage = (event: MessageEvent) => {
            const reply = JSON.parse(String(event.data)) as { id?: number; result: Record<string, number> };
            if (reply.id !== mine) return;
            socket.removeEventListener('message', onMessage);
            resolve(reply.result);
          };
          socket.addEventListener('message', onMessage);
          socket.send(JSON.stringify({ id: mine, method }));
        });
      try {
        await call('HeapProfiler.collectGarbage');
        return (await call('Runtime.getHeapUsage')).usedSize;
      } finally {
        socket.close();
      }
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
