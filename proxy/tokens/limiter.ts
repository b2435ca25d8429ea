// Rate limits per client token, in memory: requests per minute over a sliding window (the
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
  | { ok: false; limit: keyof TokenLimits; retryAfterSeconds: number; message: string };

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

export class RateLimiter {
  /** Admission times within the last minute, oldest first, per key. */
  private readonly recent = new Map<string, number[]>();
  private readonly streams = new Map<string, number>();

  /** Admits (and counts) one request, or says which limit refused it and when to retry. */
  admit(key: string, { limits, stream, spentToday, now }: AdmitInput): Admission {
    const { requestsPerMinute, concurrentStreams, dailySpendUsd } = limits;
    if (dailySpendUsd !== undefined && spentToday >= dailySpendUsd) {
      return refuse('dailySpendUsd', secondsToUtcMidnight(now), `daily spend cap of $${dailySpendUsd} reached ($${spentToday.toFixed(4)} today)`);
    }
    const times = this.window(key, now);
    if (requestsPerMinute !== undefined && times.length >= requestsPerMinute) {
      // The oldest admission in the window leaves it first; then one more fits.
      const retryAfter = Math.max(1, Math.ceil((times[0] + WINDOW_MS - now) / 1000));
      return refuse('requestsPerMinute', retryAfter, `limit of ${requestsPerMinute} requests per minute reached`);
    }
    const open = this.streams.get(key) ?? 0;
    if (stream && concurrentStreams !== undefined && open >= concurrentStreams) {
      return refuse('concurrentStreams', STREAM_RETRY_AFTER_S, `limit of ${concurrentStreams} concurrent ${concurrentStreams === 1 ? 'stream' : 'streams'} reached`);
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

function refuse(limit: keyof TokenLimits, retryAfterSeconds: number, message: string): Admission {
  return { ok: false, limit, retryAfterSeconds, message };
}
