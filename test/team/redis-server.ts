// A throwaway Redis server for the team tests, from Debian's `redis-server` package (.ci/run
// installs it when missing): on a free loopback port, no persistence, its working folder a
// temporary one. stop() and start() keep the port, for outage tests (the data goes with the
// process: nothing is saved); remove() stops and deletes the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './postgres-server';

const BINARY = '/usr/bin/redis-server';

/** Why the Redis tests cannot run here, or null when they can. */
export function redisUnavailable(): string | null {
  return existsSync(BINARY) ? null : 'Redis is not installed (Debian package `redis-server`; .ci/run installs it)';
}

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Shuts the server down (SIGTERM); resolves once it exited. */
  stop(): Promise<void>;
  /** Starts again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops and deletes the working folder. */
  remove(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  if (redisUnavailable()) throw new Error(redisUnavailable()!);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cascadeflow-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
    const started = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis did not start within 10 s:\n${output.join('')}`)), 10_000);
      const read = (chunk: Buffer) => {
        output.push(chunk.toString('utf8'));
        if (output.join('').includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout!.on('data', read);
      started.stderr!.on('data', read);
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Redis exited (${code}) while starting:\n${output.join('')}`));
      });
    });
  }

  async function stop(): Promise<void> {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
