// A database server of the team tests as a child process that can be stopped and started again
// on the same port and data: what test/team/postgres-server.ts and redis-server.ts share.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export { freePort } from '../electron/ports';

export interface ServerCommand {
  /** For error messages: "PostgreSQL", "Redis". */
  name: string;
  command: () => [string, string[]];
  /** What the server prints once it accepts connections. */
  readyLine: string;
  startTimeoutMs: number;
  /** The signal of a quick, clean shutdown. */
  stopSignal: NodeJS.Signals;
}

export interface ServerProcess {
  /** Resolves once the server says it accepts connections. */
  start(): Promise<void>;
  /** Resolves once it exited (nothing when it is not running). */
  stop(): Promise<void>;
}

export function serverProcess({ name, command, readyLine, startTimeoutMs, stopSignal }: ServerCommand): ServerProcess {
  let child: ChildProcess | null = null;
  return {
    async start() {
      const [cmd, args] = command();
      const started = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      const output: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not start within ${startTimeoutMs / 1000} s:\n${output.join('')}`)), startTimeoutMs);
        const read = (chunk: Buffer) => {
          output.push(chunk.toString('utf8'));
          if (output.join('').includes(readyLine)) {
            clearTimeout(timer);
            resolve();
          }
        };
        started.stdout!.on('data', read);
        started.stderr!.on('data', read);
        started.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code}) while starting:\n${output.join('')}`));
        });
      });
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill(stopSignal);
      await exited;
    },
  };
}
