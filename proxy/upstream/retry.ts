// Retries of the calls the proxy adds (the answering call after a draft, shadow checks): a 429,
// 529 or other 5xx answer is asked again after a wait, exponential backoff with full jitter
// unless the upstream's `retry-after` says how long, bounded in attempts and in total time so
// the client's own patience is never exceeded. When the bounds are reached the last answer is
// returned unread, so the client gets the upstream's own status, headers and body. Never used
// for a draft (a failed draft escalates) nor for a plain passthrough (the client's own retry
// policy decides, reading the `retry-after` the proxy relays unchanged).
import type { UpstreamResponse } from './client';

export interface RetryPolicy {
  /** Calls at most, the first one included (1: never retry). */
  attempts: number;
  /** No retry starts later than this after the first call was sent (ms). */
  budgetMs: number;
  /** Full jitter: retry n waits a random time in [0, min(maxDelayMs, baseDelayMs × 2^(n−1))). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ attempts: 3, budgetMs: 20_000, baseDelayMs: 500, maxDelayMs: 8_000 });

/** For calls that must not be retried. */
export const NO_RETRY: Readonly<RetryPolicy> = Object.freeze({ ...DEFAULT_RETRY_POLICY, attempts: 1 });

/**
 * The policy with the environment's bounds: CASCADEFLOW_RETRY_ATTEMPTS (1–10, the first call
 * included) and CASCADEFLOW_RETRY_BUDGET_MS. Throws a message naming a malformed variable.
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  const read = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  return {
    ...DEFAULT_RETRY_POLICY,
    attempts: read('CASCADEFLOW_RETRY_ATTEMPTS', 1, 10) ?? DEFAULT_RETRY_POLICY.attempts,
    budgetMs: read('CASCADEFLOW_RETRY_BUDGET_MS', 0, 600_000) ?? DEFAULT_RETRY_POLICY.budgetMs,
  };
}

/** Rate limited (429), overloaded (529) or any other server error. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * The wait a `retry-after` header asks for (RFC 9110 §10.2.3: whole seconds, or an HTTP date),
 * in ms; null when absent or unreadable.
 */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Every HTTP-date form starts with the day's name; Date.parse alone would take "-1" for a year.
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Full-jitter backoff before retry `n` (1-based). */
export function backoffMs(n: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1)));
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** The client went away: stop waiting (the wait ends with the signal's reason, as an aborted call does). */
  signal: AbortSignal;
  /** Told before each call after the first. */
  onRetry?(): void;
  random?: () => number;
}

/**
 * Calls `send` until the answer is not retryable or a bound is reached. A call that throws
 * (no answer at all) is not retried: its error goes to the caller.
 */
export async function sendWithRetries(send: () => Promise<UpstreamResponse>, options: RetryOptions): Promise<UpstreamResponse> {
  const { policy, signal } = options;
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    const upstream = await send();
    if (!isRetryableStatus(upstream.status) || attempt >= policy.attempts) return upstream;
    const wait = retryAfterMs(upstream.headers['retry-after'], Date.now()) ?? backoffMs(attempt, policy, options.random);
    if (Date.now() + wait - startedAt > policy.budgetMs) return upstream;
    // Read to the end (a short error body), so the connection is reused.
    await upstream.body.text();
    await pause(wait, signal);
    options.onRetry?.();
  }
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    signal.addEventListener('abort', aborted, { once: true });
  });
}
