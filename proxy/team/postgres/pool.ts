// The team database connection: one pg pool per process, opened from
// CASCADEFLOW_DATABASE_URL. A replica must start and serve while the database is down, so the
// schema is brought up to date on the first connection that works (retried with backoff), not
// at open: users of the pool wait for whenReady() before their first query.
import type pg from 'pg';
import { migrate } from './migrations';

/**
 * node-postgres, loaded when a team database is configured: a proxy without one never holds it
 * in memory (with what it loads, over 10 MB of a ~100 MB idle proxy).
 */
export async function loadPg(): Promise<typeof pg> {
  return (await import('pg')).default;
}

export interface TeamDatabase {
  readonly pool: pg.Pool;
  /** The driver's client class, for connections of their own (LISTEN). */
  readonly Client: typeof pg.Client;
  /** The schema is up to date (migrations applied by this process or another replica). */
  readonly ready: boolean;
  /** Resolves once `ready`; rejects only when the pool is closed first. */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

/** The URL with any password replaced, for log lines and status. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable database URL)';
  }
}

/** Waits between attempts at the schema: doubling from the first to the last. */
const RETRY_MS = { first: 250, max: 10_000 };

/**
 * Opens the pool (no connection yet) and starts applying missing migrations in the background,
 * retried until they succeed (waiting for another replica doing the same). `onError` gets errors
 * of idle connections (a database restart: without a listener they would crash the process; the
 * next query reconnects) and failed migration attempts.
 */
export async function openTeamDatabase(url: string, onError: (error: Error) => void): Promise<TeamDatabase> {
  const { Pool, Client } = await loadPg();
  // A database that stops answering (paused, packets dropped) fails queries after 15 s instead of
  // holding connections (and /stats, a reset, a drain) forever; keep-alive notices a dead peer.
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, query_timeout: 15_000, keepAlive: true });
  pool.on('error', onError);
  // A connection that dies while checked out (between the statements of a transaction) emits
  // 'error' on its client, which would crash the process without a listener; the statement that
  // uses it next fails and is reported by its caller.
  pool.on('connect', (client) => client.on('error', () => {}));
  let ready = false;
  let closed = false;
  let wake: (() => void) | null = null;

  async function bringUp(): Promise<void> {
    for (let wait = RETRY_MS.first; !closed; wait = Math.min(wait * 2, RETRY_MS.max)) {
      try {
        const client = await pool.connect();
        try {
          await migrate(client);
        } finally {
          client.release();
        }
        ready = true;
        return;
      } catch (error) {
        if (closed) break;
        onError(error as Error);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, wait).unref();
        });
      }
    }
    throw new Error('The team database was closed before its schema was ready.');
  }

  const schema = bringUp();
  // Rejects only on close; callers that wait see it, nobody else must.
  schema.catch(() => {});
  return {
    pool,
    Client,
    get ready() {
      return ready;
    },
    whenReady: () => schema,
    async close() {
      closed = true;
      wake?.();
      await schema.catch(() => {});
      await pool.end();
    },
  };
}
