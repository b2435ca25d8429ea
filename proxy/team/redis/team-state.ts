// A replica's shared real-time state in the team's Redis (CASCADEFLOW_REDIS_URL), opened by
// runtime.ts over the replica's one Redis connection (client.ts; conversation state uses it
// too): the rate limits every replica enforces together (limiter.ts) and the live event fan-out
// (fanout.ts). While Redis is unreachable the status carries an outage (/health `degraded`,
// saying what that means for requests), gone once it answers again.
import type { Logger } from '../../log/logger';
import type { EventHub } from '../../state/event-hub';
import type { RedisConnection } from './client';
import { startEventFanout, type EventFanout } from './fanout';
import { RedisRateLimiter, type RedisFailureMode } from './limiter';

export const FAILURE_MODE_ENV = 'CASCADEFLOW_RATE_LIMITS_ON_REDIS_FAILURE';

/** open (the default) or closed; throws on anything else, like the other environment settings. */
export function readRedisFailureMode(env: NodeJS.ProcessEnv): RedisFailureMode {
  const value = env[FAILURE_MODE_ENV]?.trim().toLowerCase() || 'open';
  if (value === 'open' || value === 'closed') return value;
  throw new Error(`${FAILURE_MODE_ENV} must be "open" or "closed", not "${env[FAILURE_MODE_ENV]}"`);
}

/** What an outage means, for /health (no address: /health answers anyone). */
export function outageMessage(mode: RedisFailureMode): string {
  const limits =
    mode === 'open'
      ? 'client rate limits are not enforced (they fail open)'
      : `requests with rate limits are refused with 503 (${FAILURE_MODE_ENV}=closed)`;
  return `Redis unreachable: ${limits}; other replicas' live events are not shown`;
}

export interface RedisTeamStateOptions {
  /** The replica's connection (runtime.ts opens it; closing it is the caller's). */
  connection: RedisConnection;
  hub: Pick<EventHub, 'relay' | 'deliverRemote'>;
  /** This replica's id (CASCADEFLOW_REPLICA_ID, else the host name): its own events are not shown twice. */
  replica: string;
  /** status.outage('redis', …): the message while Redis is away, null once it is back. */
  outage(message: string | null): void;
  logger: Logger;
  /** Stream leases' lifetime; default the limiter's (tests shorten it). */
  leaseMs?: number;
}

export interface RedisTeamState {
  readonly limiter: RedisRateLimiter;
  readonly fanout: EventFanout;
  close(): Promise<void>;
}

export function openRedisTeamState(env: NodeJS.ProcessEnv, options: RedisTeamStateOptions): RedisTeamState {
  const { connection, logger } = options;
  const mode = readRedisFailureMode(env);
  const limiter = new RedisRateLimiter(connection, { onFailure: mode, leaseMs: options.leaseMs });
  const fanout = startEventFanout(connection, options.hub, options.replica);
  const unwatch = connection.onHealthChange((problem) => {
    // The detail (which may name the server's address) goes to the log only.
    if (problem) logger.warn(`Redis: ${problem}`);
    options.outage(problem ? outageMessage(mode) : null);
  });
  return {
    limiter,
    fanout,
    async close() {
      unwatch();
      limiter.close();
      await fanout.close();
    },
  };
}
