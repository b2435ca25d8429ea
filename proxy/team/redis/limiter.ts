// Rate limits shared by every replica, in Redis: the same three limits as the in-memory limiter
// (proxy/tokens/limiter.ts), each admission one atomic Lua script, so replicas admitting at the
// same moment never both take the last place. Time is Redis's own (TIME), so replicas' clocks
// need not agree.
// - Requests per minute: a sorted set of the last minute's admissions (score: time).
// - Concurrent streams: a sorted set of leases (score: expiry). An open stream's lease is renewed
//   every LEASE_MS / 3 and removed when the response closes; a replica killed mid-stream stops
//   renewing, so its leases expire within LEASE_MS instead of holding places for ever.
// - Daily spend: one hash per UTC day (field: the token's hash, HINCRBYFLOAT per record, kept
//   two days); the cap compares the larger of it and this replica's own figure, so a Redis
//   restarted empty never lets a token spend more than this replica knows of.
// When Redis cannot be asked (down, or slower than the command timeout) the request is admitted
// (fail open, the default) or refused with a 503 (`closed`); either way the connection's health
// goes to the status and /health.
import { randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { refusal, secondsToUtcMidnight, STREAM_RETRY_AFTER_S, WINDOW_MS, type Admission, type AdmitInput, type Limiter } from '../../tokens/limiter';
import type { RedisConnection } from './client';

export const LEASE_MS = 30_000;
const SPEND_TTL_S = 2 * 24 * 3600;
export const UNAVAILABLE_RETRY_AFTER_S = 5;

export type RedisFailureMode = 'open' | 'closed';

// KEYS: window, leases, spend hash. ARGV: rpm, streams, daily cap (-1: none), stream (1/0),
// lease ms, admission id, spend field, this replica's spend today.
// Answers {verdict, retry-after ms, spent today}.
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rpm, streams, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local leaseMs = tonumber(ARGV[5])
if cap >= 0 then
  local spent = math.max(tonumber(redis.call('HGET', KEYS[3], ARGV[7]) or '0'), tonumber(ARGV[8]))
  if spent >= cap then return {'dailySpendUsd', 0, tostring(spent)} end
end
if rpm >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ${WINDOW_MS})
  if redis.call('ZCARD', KEYS[1]) >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {'requestsPerMinute', tonumber(oldest[2]) + ${WINDOW_MS} - now, '0'}
  end
end
local leased = ARGV[4] == '1' and streams >= 0
if leased then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= streams then return {'concurrentStreams', 0, '0'} end
end
if rpm >= 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ${WINDOW_MS})
end
if leased then
  redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[6])
  redis.call('PEXPIRE', KEYS[2], leaseMs * 2)
end
return {'ok', 0, '0'}
`;

// KEYS: leases. ARGV: lease ms, ids…  Pushes open leases' expiry on, and puts back those that
// expired while Redis was out of reach (the streams are still open). A stream released while its
// renewal is on the way may be put back too: it then holds its place one lease time at most.
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local leaseMs = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], leaseMs * 2)
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    cascadeflowAdmit(window: string, leases: string, spend: string, ...args: (string | number)[]): Result<[string, number, string], Context>;
    cascadeflowRenew(leases: string, ...args: (string | number)[]): Result<number, Context>;
  }
}

export interface RedisLimiterOptions {
  /** What a request meets while Redis cannot be asked; default open. */
  onFailure?: RedisFailureMode;
  /** Default LEASE_MS; tests shorten it. */
  leaseMs?: number;
  /** Key prefix; default `cascadeflow:limits:`. */
  prefix?: string;
}

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export class RedisRateLimiter implements Limiter {
  private readonly client: Redis;
  private readonly leaseMs: number;
  private readonly prefix: string;
  /** Open streams' leases by leases key: renewed together. */
  private readonly open = new Map<string, Set<string>>();
  private readonly renewTimer: NodeJS.Timeout;

  constructor(
    private readonly connection: RedisConnection,
    private readonly options: RedisLimiterOptions = {},
  ) {
    this.client = connection.client;
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.prefix = options.prefix ?? 'cascadeflow:limits:';
    this.client.defineCommand('cascadeflowAdmit', { numberOfKeys: 3, lua: ADMIT });
    this.client.defineCommand('cascadeflowRenew', { numberOfKeys: 1, lua: RENEW });
    this.renewTimer = setInterval(() => this.renew(), Math.max(10, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  async admit(key: string, { limits, stream, spentToday, now }: AdmitInput): Promise<Admission> {
    const { requestsPerMinute, concurrentStreams, dailySpendUsd } = limits;
    const leased = stream && concurrentStreams !== undefined;
    if (requestsPerMinute === undefined && !leased && dailySpendUsd === undefined) return { ok: true, release: () => {} };
    const id = randomUUID();
    const leases = this.key('streams', key);
    let answer: [string, number, string];
    try {
      answer = await this.connection.run((client) =>
        client.cascadeflowAdmit(
          this.key('window', key),
          leases,
          this.spendKey(now),
          requestsPerMinute ?? -1,
          concurrentStreams ?? -1,
          dailySpendUsd ?? -1,
          stream ? 1 : 0,
          this.leaseMs,
          id,
          key,
          spentToday,
        ),
      );
    } catch {
      return this.unavailable();
    }
    const [verdict, retryAfterMs, spent] = answer;
    if (verdict === 'dailySpendUsd') return refusal(verdict, limits, secondsToUtcMidnight(now), Number(spent));
    if (verdict === 'requestsPerMinute') return refusal(verdict, limits, Math.max(1, Math.ceil(retryAfterMs / 1000)));
    if (verdict === 'concurrentStreams') return refusal(verdict, limits, STREAM_RETRY_AFTER_S);
    if (!leased) return { ok: true, release: () => {} };
    return { ok: true, release: this.lease(leases, id) };
  }

  spend(key: string, cost: number, time: number): void {
    const day = this.spendKey(time);
    void this.connection
      .run((client) => client.multi().hincrbyfloat(day, key, cost).expire(day, SPEND_TTL_S).exec())
      .catch(() => {});
  }

  forgetSpend(): void {
    void this.connection.run((client) => client.del(this.spendKey(Date.now()))).catch(() => {});
  }

  forget(key: string): void {
    void this.connection.run((client) => client.del(this.key('window', key), this.key('streams', key))).catch(() => {});
  }

  /** Stops renewing: leases still open expire on their own (what a killed replica's do). */
  close(): void {
    clearInterval(this.renewTimer);
    this.open.clear();
  }

  private key(kind: 'window' | 'streams', key: string): string {
    return `${this.prefix}${kind}:${key}`;
  }

  private spendKey(time: number): string {
    return `${this.prefix}spend:${utcDay(time)}`;
  }

  private unavailable(): Admission {
    if (this.options.onFailure !== 'closed') return { ok: true, release: () => {} };
    return {
      ok: false,
      limit: 'unavailable',
      retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_S,
      message: 'rate limits cannot be checked (the team’s Redis is unreachable) and this proxy refuses requests until it is back',
    };
  }

  /** Keeps the lease renewed until released; releasing removes it at once. */
  private lease(leases: string, id: string): () => void {
    let ids = this.open.get(leases);
    if (!ids) this.open.set(leases, (ids = new Set()));
    ids.add(id);
    return () => {
      if (!ids.delete(id)) return;
      if (ids.size === 0 && this.open.get(leases) === ids) this.open.delete(leases);
      void this.connection.run((client) => client.zrem(leases, id)).catch(() => {});
    };
  }

  private renew(): void {
    for (const [leases, ids] of this.open) {
      void this.connection.run((client) => client.cascadeflowRenew(leases, this.leaseMs, ...ids)).catch(() => {});
    }
  }
}
