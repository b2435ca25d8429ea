// One connection to the team's Redis (CASCADEFLOW_REDIS_URL), shared by the parts that keep
// real-time state there (rate limits, conversation state, the event fan-out). ioredis: it
// reconnects by itself, loads Lua scripts by SHA with a fallback to EVAL (defineCommand) and
// re-subscribes a pub/sub connection after a reconnect. Configured so that Redis going away
// never holds a request up: no offline queue (a command while disconnected fails at once), no
// retry of a command cut off by a disconnect, a per-command timeout; reconnects back off to at
// most RECONNECT_MAX_MS and never stop, so a replica finds Redis again when it returns.
// `healthy` is false from a connection error or a failed command until the next success;
// each change goes once to the watchers (the status' outages, /health). The URL, which may hold a
// password, is never logged.
import type { Redis, RedisOptions } from 'ioredis';

export const RECONNECT_MAX_MS = 2_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;
/** A server that accepts no connection within this is down (loopback or a LAN: milliseconds normally). */
export const CONNECT_TIMEOUT_MS = 1_000;
/** How long opening waits for the first connection before going on without it. */
export const DEFAULT_CONNECT_WAIT_MS = 2_000;

export interface RedisConnectionOptions {
  /** Shown in errors and in CLIENT LIST, e.g. `cascadeflow:limits`. */
  name: string;
  /** A command without an answer after this fails (and marks the connection unhealthy). */
  commandTimeoutMs?: number;
}

export interface RedisConnection {
  readonly client: Redis;
  /** Connected, and the last command through `run` succeeded. */
  readonly healthy: boolean;
  /** Why it is unhealthy, or null. */
  readonly problem: string | null;
  /**
   * Called on every change of health: the reason while unhealthy, null when healthy again (the
   * first connection is not a change; failing to get one is). At once when unhealthy now.
   */
  onHealthChange(listener: (reason: string | null) => void): () => void;
  /** Runs commands, noting success or failure in `healthy`; rethrows the failure. */
  run<T>(commands: (client: Redis) => Promise<T>): Promise<T>;
  /** A second connection for SUBSCRIBE (a subscribed connection takes no other commands); closed with this one. */
  subscriber(): Redis;
  /** Resolves true once connected, false after `timeoutMs` without a connection. */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Exponential backoff from 50 ms, capped: reconnecting never gives up. */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), RECONNECT_MAX_MS);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens (in the background) a connection to `url`; commands fail fast until it is up. ioredis is
 * loaded here, not at start: a proxy without Redis never holds it in memory.
 */
export async function connectRedis(url: string, options: RedisConnectionOptions): Promise<RedisConnection> {
  const { Redis } = await import('ioredis');
  const redisOptions: RedisOptions = {
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelay,
  };
  const client = new Redis(url, redisOptions);
  const subscribers: Redis[] = [];
  const watchers = new Set<(reason: string | null) => void>();
  let problem: string | null = 'not connected yet';
  // What the watchers were told: the first connection is not news, losing one (or never getting it) is.
  let reportedHealthy = true;
  let closed = false;

  const setProblem = (next: string | null) => {
    if (closed) return;
    problem = next;
    if ((next === null) === reportedHealthy) return;
    reportedHealthy = next === null;
    for (const watcher of [...watchers]) watcher(next);
  };
  client.on('ready', () => setProblem(null));
  client.on('error', (error: unknown) => setProblem(`Redis (${options.name}): ${describe(error)}`));
  client.on('close', () => {
    if (problem === null) setProblem(`Redis (${options.name}): connection closed`);
  });

  return {
    client,
    get healthy() {
      return problem === null;
    },
    get problem() {
      return problem;
    },
    onHealthChange(listener) {
      watchers.add(listener);
      if (!reportedHealthy) listener(problem);
      return () => void watchers.delete(listener);
    },
    async run(commands) {
      try {
        const result = await commands(client);
        if (client.status === 'ready') setProblem(null);
        return result;
      } catch (error) {
        setProblem(`Redis (${options.name}): ${describe(error)}`);
        throw error;
      }
    },
    subscriber() {
      // Subscriptions wait for the connection (and are renewed after a reconnect).
      const sub = client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined, connectionName: `${options.name}:sub` });
      sub.on('error', () => {});
      subscribers.push(sub);
      return sub;
    },
    ready(timeoutMs = DEFAULT_CONNECT_WAIT_MS) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(value);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        timer.unref();
        client.on('ready', onReady);
      });
    },
    async close() {
      closed = true;
      watchers.clear();
      for (const sub of subscribers) sub.disconnect();
      client.disconnect();
    },
  };
}
