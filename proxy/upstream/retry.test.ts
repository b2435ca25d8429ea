import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetryableStatus, retryAfterMs, retryPolicyFromEnv } from './retry';

describe('retry-after', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  it('reads seconds and HTTP dates; anything else is no instruction', () => {
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs(' 1.5 ', now)).toBe(1_500);
    expect(retryAfterMs(['2', '9'], now)).toBe(2_000);
    expect(retryAfterMs('Fri, 01 May 2026 12:00:07 GMT', now)).toBe(7_000);
    // A date already past: retry at once.
    expect(retryAfterMs('Fri, 01 May 2026 11:59:00 GMT', now)).toBe(0);
    for (const bad of [undefined, '', '-1', 'soon', '1e3']) expect(retryAfterMs(bad, now)).toBeNull();
  });
});

describe('backoff', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 500, maxDelayMs: 3_000 };
  it('full jitter under a ceiling that doubles per retry up to the maximum', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0.999999))).toEqual([499, 999, 1_999, 2_999, 2_999]);
    expect(backoffMs(3, policy, () => 0.5)).toBe(1_000);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });
});

describe('what is retried', () => {
  it('429, 529 and other 5xx; never a client error or an answer', () => {
    expect([429, 500, 502, 503, 504, 529].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('retryPolicyFromEnv', () => {
  it('defaults to 3 attempts within 20 s, and names a malformed variable', () => {
    expect(retryPolicyFromEnv({})).toEqual({ attempts: 3, budgetMs: 20_000, baseDelayMs: 500, maxDelayMs: 8_000 });
    expect(retryPolicyFromEnv({ CASCADEFLOW_RETRY_ATTEMPTS: '1', CASCADEFLOW_RETRY_BUDGET_MS: '5000' })).toMatchObject({ attempts: 1, budgetMs: 5_000 });
    expect(() => retryPolicyFromEnv({ CASCADEFLOW_RETRY_ATTEMPTS: '0' })).toThrow(/CASCADEFLOW_RETRY_ATTEMPTS must be an integer from 1 to 10, got "0"/);
    expect(() => retryPolicyFromEnv({ CASCADEFLOW_RETRY_BUDGET_MS: 'lots' })).toThrow(/CASCADEFLOW_RETRY_BUDGET_MS/);
  });
});
