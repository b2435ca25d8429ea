// A throwaway PostgreSQL server for the team tests, from Debian's `postgresql` package
// (.ci/run installs it when missing): initdb into a temporary folder, then `postgres` on a free
// loopback port with its socket in that folder, tuned for tests (no fsync). PostgreSQL refuses
// to run as root, so as root both run as the package's `postgres` user. stop() and start()
// keep the data, for outage tests; remove() stops and deletes everything.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, serverProcess } from './server-process';

const USER = 'cascadeflow';

/** The newest installed PostgreSQL's bin folder, or null when the package is missing. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : null;
}

/** Why the team tests cannot run here, or null when they can. */
export function postgresUnavailable(): string | null {
  return postgresBinDir() ? null : 'PostgreSQL is not installed (Debian package `postgresql`; .ci/run installs it)';
}

export interface PostgresServer {
  /** postgres://… for the `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** A fresh, empty database on this server; its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (SIGINT), data kept; resolves once the server exited. */
  stop(): Promise<void>;
  /** Starts again on the same data and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops and deletes the data folder. */
  remove(): Promise<void>;
}

/**
 * Runs as the `postgres` user when we are root (PostgreSQL's own rule). setpriv execs the
 * command in place, so signals reach postgres itself.
 */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]]
    : [command, args];
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresUnavailable() ?? 'no PostgreSQL');
  const root = mkdtempSync(path.join(os.tmpdir(), 'cascadeflow-pg-'));
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'socket');
  mkdirSync(dataDir, { mode: 0o700 });
  mkdirSync(socketDir);
  if (process.getuid?.() === 0) {
    const pgUser = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const pgGroup = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    const [uid, gid] = [Number(pgUser.stdout.trim()), Number(pgGroup.stdout.trim())];
    chmodSync(root, 0o755);
    chownSync(dataDir, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  const [initCmd, initArgs] = asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', USER, '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', timeout: 60_000 });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);

  const port = await freePort();
  const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
  const { start, stop } = serverProcess({
    name: 'PostgreSQL',
    command: () =>
      asServerUser(path.join(bin, 'postgres'), [
        '-D', dataDir, '-p', String(port), '-k', socketDir,
        '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
      ]),
    readyLine: 'ready to accept connections',
    startTimeoutMs: 30_000,
    // PostgreSQL's fast shutdown.
    stopSignal: 'SIGINT',
  });

  await start();
  return {
    url,
    port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://${USER}@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    stop,
    start,
    async remove() {
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
