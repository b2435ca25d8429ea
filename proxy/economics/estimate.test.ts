import { describe, expect, it } from 'vitest';
import { createAccounting } from '../pricing/accounting';
import { estimateCosts, type EstimateInput } from './estimate';

// List prices, $/MTok (input / output / 5-min write / 1-h write / read):
// Opus 5.5 4 / 20 / 5 / 8 / 0.2; Sonnet 5.5 2 / 10 / 2.5 / 4 / 0.1; Haiku 5.5 0.1 / 0.5 / 0.125 / 0.2 / 0.01.
const { priceOf } = createAccounting(() => ({}));
const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const HAIKU = 'claude-haiku-5-5';

function input(overrides: Partial<EstimateInput>): EstimateInput {
  return {
    size: { promptTokens: 30_100, cacheableTokens: 30_000, ttl: '1h' },
    outputTokens: 400,
    growthTokens: 1_500,
    gapMs: 30_000,
    requested: { model: OPUS, warmTokens: 0 },
    draft: { model: SONNET, warmTokens: 0 },
    verifier: { model: OPUS, warmTokens: 0 },
    acceptance: { p: 0.5, basis: 'given', outcomes: 4 },
    horizon: 1,
    ...overrides,
  };
}

describe('estimateCosts', () => {
  it('outside a conversation (horizon 1) is draft + (1 − p) × verifier, each with its own cache', () => {
    const estimate = estimateCosts(
      input({ requested: { model: OPUS, warmTokens: 28_000 }, verifier: { model: OPUS, warmTokens: 28_000 } }),
      priceOf,
    );
    // Opus: 28,000 read × 0.2 + 2,000 written × 8 + 100 in × 4 + 400 out × 20 = 5,600 + 16,000 + 400 + 8,000 = 30,000 µ$
    expect(estimate?.direct).toBeCloseTo(0.03, 12);
    // Sonnet, cold: 30,000 × 4 + 100 × 2 + 400 × 10 = 124,200 µ$; plus half of Opus's 30,000.
    expect(estimate?.draft).toBeCloseTo(0.1392, 12);
    expect(estimate).toMatchObject({ acceptance: 0.5, acceptanceBasis: 'given', worthDrafting: false });
  });

  it("in a conversation averages over the horizon, and counts the verifier's deferred cache writes", () => {
    // Sonnet requested, Haiku drafts; Haiku is warm from accepted turns, Sonnet never answered.
    const estimate = estimateCosts(
      input({
        size: { promptTokens: 31_600, cacheableTokens: 31_500, ttl: '1h' },
        requested: { model: SONNET, warmTokens: 0 },
        draft: { model: HAIKU, warmTokens: 30_000 },
        verifier: { model: SONNET, warmTokens: 0 },
        acceptance: { p: 0.75, basis: 'given', outcomes: 4 },
        horizon: 20,
      }),
      priceOf,
    );
    // Direct: now 31,500 × 4 + 100 × 2 + 400 × 10 = 130,200; each later turn 30,000 × 0.1 + 1,500 × 4
    // + 200 + 4,000 = 13,200; (130,200 + 19 × 13,200) / 20 = 19,050 µ$.
    expect(estimate?.direct).toBeCloseTo(0.01905, 12);
    // Draft: Haiku 30,000 × 0.01 + 1,500 × 0.2 + 100 × 0.1 + 400 × 0.5 = 810 every turn;
    // Sonnet without writes: (4,200 now + 19 × 7,200) / 20 = 7,050, × (1 − 0.75) = 1,762.5;
    // Sonnet's writes (31,500 now + 19 × 1,500) × (1 − 0.75^20) / 20 × 4 = 11,961.945 µ$.
    expect(estimate?.draft).toBeCloseTo(0.014534445, 9);
    expect(estimate?.worthDrafting).toBe(true);
  });

  it('charges every escalation the whole prefix when the pauses outlast the TTL', () => {
    const estimate = estimateCosts(
      input({
        size: { promptTokens: 30_100, cacheableTokens: 30_000, ttl: '5m' },
        gapMs: 10 * 60_000,
        requested: { model: SONNET, warmTokens: 0 },
        draft: { model: HAIKU, warmTokens: 0 },
        verifier: { model: SONNET, warmTokens: 0 },
        horizon: 20,
      }),
      priceOf,
    );
    // Every turn cold: Sonnet 30,000 × 2.5 + 100 × 2 + 400 × 10 = 79,200; Haiku 30,000 × 0.125 + 10 + 200 = 3,960.
    expect(estimate?.direct).toBeCloseTo(0.0792, 12);
    // 3,960 + 0.5 × 4,200 + 0.5 × 30,000 × 2.5 = 3,960 + 2,100 + 37,500 = 43,560 µ$
    expect(estimate?.draft).toBeCloseTo(0.04356, 12);
  });

  it('prices a request that asks for no caching at the input price', () => {
    const estimate = estimateCosts(input({ size: { promptTokens: 10_000, cacheableTokens: 0, ttl: null }, draft: { model: HAIKU, warmTokens: 0 } }), priceOf);
    // Opus 10,000 × 4 + 400 × 20 = 48,000; Haiku 10,000 × 0.1 + 400 × 0.5 = 1,200, + half of Opus.
    expect(estimate?.direct).toBeCloseTo(0.048, 12);
    expect(estimate?.draft).toBeCloseTo(0.0252, 12);
    expect(estimate?.worthDrafting).toBe(true);
  });

  it('makes no estimate when a price is unknown', () => {
    expect(estimateCosts(input({ draft: { model: 'local-model', warmTokens: 0 } }), priceOf)).toBeNull();
  });

  it('prices long Haiku 5.5 prompts at their tier', () => {
    const size = { promptTokens: 120_000, cacheableTokens: 0, ttl: null };
    const estimate = estimateCosts(input({ size, outputTokens: 0, draft: { model: HAIKU, warmTokens: 0 }, acceptance: { p: 1, basis: 'given', outcomes: 0 } }), priceOf);
    // 120,000 × $0.50 (five times the rate above 100,000 prompt tokens) = 60,000 µ$
    expect(estimate?.draft).toBeCloseTo(0.06, 12);
  });
});
