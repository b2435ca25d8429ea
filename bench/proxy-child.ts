// The parent's side of bench/proxy-server.ts: forking the proxy in a process of its own,
// one request/answer exchange at a time over IPC, and stopping it cleanly, and for sure.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './proxy-server';

export interface ProxyChild {
  readonly process: ChildProcess;
  /** Resolves with the proxy's URL once it listens. */
  readonly url: Promise<string>;
  /** Sends `message` and waits for the proxy's answer, which must be of type `type`. */
  ask<T extends ChildMessage['type']>(message: ParentMessage, type: T): Promise<Extract<ChildMessage, { type: T }>>;
  /** Asks the proxy to stop (it flushes and removes its data dir); kills it after 5 s. */
  stop(): Promise<void>;
}

export function forkProxyChild(env: Record<string, string>): ProxyChild {
  // A clean environment: no HTTP(S)_PROXY detour for the loopback upstream, no HOST/PORT from the shell.
  const child = fork(fileURLToPath(new URL('./proxy-server.ts', import.meta.url)), [], {
    execArgv: ['--import', import.meta.resolve('tsx'), '--expose-gc'],
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The next message the proxy process sends answers the last one sent to it.
  let pending: { resolve(message: ChildMessage): void; reject(error: Error): void } | null = null;
  child.on('message', (message: ChildMessage) => pending?.resolve(message));
  child.on('exit', (code) => pending?.reject(new Error(`the proxy process exited (code ${code})`)));
  const next = <T extends ChildMessage['type']>(type: T) =>
    new Promise<ChildMessage>((resolve, reject) => (pending = { resolve, reject })).then((answer) => {
      if (answer.type !== type) throw new Error(`unexpected message from the proxy process: ${answer.type}`);
      return answer as Extract<ChildMessage, { type: T }>;
    });
  return {
    process: child,
    url: next('listening').then((m) => m.url),
    async ask(message, type) {
      const reply = next(type);
      child.send(message);
      return reply;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      if (child.exitCode === null) child.kill();
    },
  };
}
