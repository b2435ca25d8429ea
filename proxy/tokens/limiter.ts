// Rate limits per client token (or client key hash), behind one interface with two
// implementations: this one, in memory, for one machine, and a team's shared one in Redis
// (proxy/team/redis/limiter.ts). In memory: requests per minute over a sliding window (the
// timestamps of the last minute's admitted requests, at most `requestsPerMinute` of them),
// concurrent streams (a count released when the response closes) and a daily spend cap
// against today's cost (the caller's figure: the proxy's own accounting). Pure bookkeeping
// on an injected clock; the state owner (state.ts) supplies limits and spend.
import type { TokenLimits } from '../../contracts/tokens';

export const WINDOW_MS = 60_000;
/** A refused stream cannot know when another ends: clients are told to try again after this. */
export const STREAM_RETRY_AFTER_S = 1;

export type Admission =
  | { ok: true; release: () => void }
  /** `unavailable`: the shared limiter cannot be asked and fails closed (a 503, not a 429). */
  | { ok: false; limit: keyof TokenLimits | 'unavailable'; retryAfterSeconds: number; message: string };

export interface AdmitInput {
  limits: TokenLimits;
  stream: boolean;
  /** Dollars spent today (UTC) by the proxy's accounting. */
  spentToday: number;
  now: number;
}

/** Seconds from `now` to the next UTC midnight, when a daily cap starts again. */
export function secondsToUtcMidnight(now: number): number {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - now) / 1000));
}

export interface Limiter {
  /** Admits (and counts) one request under `key`, or says which limit refused it and when to retry. */
  admit(key: string, input: AdmitInput): Admission | Promise<Admission>;
  /**
   * A recorded request's cost under `key`, once per record. The in-memory limiter takes today's
   * spend from the caller instead (a no-op here); a shared one adds it up across replicas.
   */
  spend(key: string, cost: number, time: number): void;
  /** Statistics reset: today's spend counts from zero (in memory: the caller's figure does). */
  forgetSpend(): void;
  /** Forgets a revoked token's counters. */
  forget(key: string): void;
}

export class RateLimiter implements Limiter {
  /** Admission times within the last minute, oldest first, per key. */
  private readonly recent = new Map<string, number[]>();
  private readonly streams = new Map<string, number>();

  /** Admits (and counts) one request, or says which limit refused it and when to retry. */
  admit(key: string, { limits, stream, spentToday, now }: AdmitInput): Admission {
    const { requestsPerMinute, concurrentStreams, dailySpendUsd } = limits;
    if (dailySpendUsd !== undefined && spentToday >= dailySpendUsd) {
      return refusal('dailySpendUsd', limits, secondsToUtcMidnight(now), spentToday);
    }
    const times = this.window(key, now);
    if (requestsPerMinute !== undefined && times.length >= requestsPerMinute) {
      // The oldest admission in the window leaves it first; then one more fits.
      const retryAfter = Math.max(1, Math.ceil((times[0] + WINDOW_MS - now) / 1000));
      return refusal('requestsPerMinute', limits, retryAfter);
    }
    const open = this.streams.get(key) ?? 0;
    if (stream && concurrentStreams !== undefined && open >= concurrentStreams) {
      return refusal('concurrentStreams', limits, STREAM_RETRY_AFTER_S);
    }
    if (requestsPerMinute !== undefined) {
      times.push(now);
      this.recent.set(key, times);
    }
    if (!stream || concurrentStreams === undefined) return { ok: true, release: () => {} };
    this.streams.set(key, open + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.streams.get(key) ?? 1) - 1;
        if (left > 0) this.streams.set(key, left);
        else this.streams.delete(key);
      },
    };
  }

  spend(): void {}

  forgetSpend(): void {}

  /** Streams open under `key` now. */
  openStreams(key: string): number {
    return this.streams.get(key) ?? 0;
  }

  /** Forgets a revoked token's counters (its open streams release into nothing). */
  forget(key: string): void {
    this.recent.delete(key);
    this.streams.delete(key);
  }

  private window(key: string, now: number): number[] {
    const times = this.recent.get(key) ?? [];
    let expired = 0;
    while (expired < times.length && times[expired] <= now - WINDOW_MS) expired += 1;
    return expired > 0 ? times.slice(expired) : times;
  }
}

/** The refusal by `limit` (one of `limits`), worded alike by every limiter. */
export function refusal(limit: keyof TokenLimits, limits: TokenLimits, retryAfterSeconds: number, spentToday = 0): Admission {
  const { requestsPerMinute, concurrentStreams, dailySpendUsd } = limits;
  const message = {
    dailySpendUsd: `daily spend cap of $${dailySpendUsd} reached ($${spentToday.toFixed(4)} today)`,
    requestsPerMinute: `limit of ${requestsPerMinute} requests per minute reached`,
    concurrentStreams: `limit of ${concurrentStreams} concurrent ${concurrentStreams === 1 ? 'stream' : 'streams'} reached`,
  }[limit];
  return { ok: false, limit, retryAfterSeconds, message };
}
