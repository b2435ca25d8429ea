// The parent's side of bench/proxy-server.ts (and of bench/pipe-server.ts, the bare pipe it
// is compared with): bundling the child as the proxy ships (esbuild with the settings of
// `npm run build:proxy`, dependencies from node_modules), forking it in a process of its
// own, one request/answer exchange at a time over IPC, and stopping it cleanly, and for
// sure. Bundled rather than run through tsx, whose loader thread alone adds ~50 MB of
// resident memory that the shipped proxy does not have.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { proxyBuildOptions, ROOT } from '../electron/tools/build';
import type { ChildMessage, ParentMessage } from './proxy-server';

export interface ProxyChild {
  readonly process: ChildProcess;
  /** The bundle it runs: a CPU profile's positions refer to it. */
  readonly bundle: string;
  /** Resolves with the child's URL once it listens. */
  readonly url: Promise<string>;
  /** Sends `message` and waits for the child's answer, which must be of type `type`. */
  ask<T extends ChildMessage['type']>(message: ParentMessage, type: T): Promise<Extract<ChildMessage, { type: T }>>;
  /** Asks the child to stop (the proxy flushes and removes its data dir); kills it after 5 s. */
  stop(): Promise<void>;
}

export interface ForkOptions {
  /** Node options before the bundle, e.g. --cpu-prof. */
  execArgv?: string[];
  /** Keep the bundle after the stop (for reading a profile of it). */
  keepBundle?: boolean;
}

/** The proxy under benchmark, against CASCADEFLOW_UPSTREAM_URL in `env`. */
export function forkProxyChild(env: Record<string, string>, options: ForkOptions = {}): Promise<ProxyChild> {
  return forkBenchChild('proxy-server.ts', env, options);
}

/** The bare pipe to CASCADEFLOW_UPSTREAM_URL in `env`. */
export function forkPipeChild(env: Record<string, string>): Promise<ProxyChild> {
  return forkBenchChild('pipe-server.ts', env, {});
}

/** A bundle of its own per child, inside the repository so that dependencies resolve from node_modules. */
async function bundle(entry: string): Promise<string> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'cascadeflow-bench');
  await mkdir(cache, { recursive: true });
  const outDir = await mkdtemp(path.join(cache, `${path.basename(entry, '.ts')}-`));
  const outfile = path.join(outDir, 'child.js');
  // One entry to one file: the shipped build's several entries (outdir) do not apply.
  await build({ ...proxyBuildOptions(outDir), outdir: undefined, entryPoints: [path.join(ROOT, 'bench', entry)], outfile });
  return outfile;
}

async function forkBenchChild(entry: string, env: Record<string, string>, options: ForkOptions): Promise<ProxyChild> {
  const file = await bundle(entry);
  const removeBundle = () => (options.keepBundle ? Promise.resolve() : rm(path.dirname(file), { recursive: true, force: true }));
  // A clean environment: no HTTP(S)_PROXY detour for the loopback upstream, no HOST/PORT from the shell.
  const child = fork(file, [], {
    execArgv: [...(options.execArgv ?? []), '--expose-gc'],
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The next message the child sends answers the last one sent to it.
  let pending: { resolve(message: ChildMessage): void; reject(error: Error): void } | null = null;
  child.on('message', (message: ChildMessage) => pending?.resolve(message));
  child.on('exit', (code) => pending?.reject(new Error(`the ${entry} process exited (code ${code})`)));
  const next = <T extends ChildMessage['type']>(type: T) =>
    new Promise<ChildMessage>((resolve, reject) => (pending = { resolve, reject })).then((answer) => {
      if (answer.type !== type) throw new Error(`unexpected message from the ${entry} process: ${answer.type}`);
      return answer as Extract<ChildMessage, { type: T }>;
    });
  return {
    process: child,
    bundle: file,
    url: next('listening').then((m) => m.url),
    async ask(message, type) {
      const reply = next(type);
      child.send(message);
      return reply;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        if (child.exitCode === null) child.kill();
      }
      await removeBundle();
    },
  };
}
