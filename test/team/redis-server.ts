// A throwaway Redis server for the team tests, from Debian's `redis-server` package (.ci/run
// installs it when missing): on a free loopback port, no persistence, its working folder a
// temporary one. stop() and start() keep the port, for outage tests (the data goes with the
// process: nothing is saved); remove() stops and deletes the folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, serverProcess } from './server-process';

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
  const { start, stop } = serverProcess({
    name: 'Redis',
    command: () => [BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no']],
    readyLine: 'Ready to accept connections',
    startTimeoutMs: 10_000,
    stopSignal: 'SIGTERM',
  });

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
