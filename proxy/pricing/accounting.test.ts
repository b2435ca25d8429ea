import { describe, expect, it } from 'vitest';
import type { CallRecord, Usage } from '../../contracts/decision';
import type { ModelPrice } from '../../contracts/pricing';
import { asRequestedUsage, createAccounting, lookupPrice } from './accounting';
import { BUILTIN_PRICES } from './table';

const accounting = createAccounting(() => ({}));

/** A call as the request path records it: priced once, when it ended. */
function call(model: string, usage: Usage | null, status = 200): CallRecord {
  return { model, status, usage, cost: accounting.callCost(model, usage), latencyMs: 1 };
}

describe('price table', () => {
  it.each([
    ['claude-opus-4-1-20250805', 15, 75],
    ['claude-opus-4-20250514', 15, 75],
    ['claude-opus-4-5-20251101', 5, 25],
    ['claude-opus-4-7', 5, 25],
    ['claude-opus-4-8', 5, 25],
    ['claude-opus-5', 5, 25],
    ['claude-opus-5-5', 4, 20],
    ['claude-sonnet-5-5', 2, 10],
    ['claude-sonnet-5', 2, 10],
    ['claude-haiku-5-5', 0.1, 0.5],
    ['claude-fable-5-1', 10, 50],
    ['claude-mythos-5', 10, 50],
    ['claude-sonnet-4-5-20250929', 3, 15],
    ['claude-sonnet-4-20250514', 3, 15],
    ['claude-3-7-sonnet-20250219', 3, 15],
    ['claude-3-5-sonnet-20241022', 3, 15],
    ['claude-3-5-sonnet-latest', 3, 15],
    ['claude-haiku-4-5-20251001', 1, 5],
    ['claude-3-5-haiku-20241022', 0.8, 4],
    ['claude-3-haiku-20240307', 0.25, 1.25],
    ['claude-3-opus-20240229', 15, 75],
  ])('%s costs $%s / $%s per MTok', (model, input, output) => {
    expect(lookupPrice(model, {})).toMatchObject({ input, output });
  });

  it('derives cache prices with the standard multipliers', () => {
    expect(lookupPrice('claude-3-5-haiku-20241022', {})).toEqual({ input: 0.8, output: 4, cacheWrite5m: 1, cacheWrite1h: 1.6, cacheRead: 0.08 });
    expect(lookupPrice('claude-opus-4-1', {})).toEqual({ input: 15, output: 75, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5 });
  });

  it('has the non-standard cache-hit prices of the 5.x models', () => {
    expect(lookupPrice('claude-opus-5-5', {})).toEqual({ input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 });
    expect(lookupPrice('claude-opus-5', {})).toEqual({ input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 });
    expect(lookupPrice('claude-fable-5-1', {})?.cacheRead).toBe(0.25);
    expect(lookupPrice('claude-fable-5', {})?.cacheRead).toBe(1);
    // Sonnet 5.5's cache hits went from $0.20 to $0.10 on 2026-10-07 (release notes); Sonnet 5 kept 0.1×.
    expect(lookupPrice('claude-sonnet-5-5', {})).toEqual({ input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.1 });
    expect(lookupPrice('claude-sonnet-5', {})?.cacheRead).toBe(0.2);
  });

  it('prices dated snapshots and -latest aliases as their model, and nothing else it does not know', () => {
    expect(lookupPrice('claude-opus-5-20260301', {})).toEqual(lookupPrice('claude-opus-5', {}));
    expect(lookupPrice('claude-sonnet-5-latest', {})).toEqual(lookupPrice('claude-sonnet-5', {}));
    expect(lookupPrice('claude-opus-5-5-20261001', {})).toEqual(lookupPrice('claude-opus-5-5', {}));
    expect(lookupPrice('claude-opus-5-preview', {})).toBeNull();
    expect(lookupPrice('gpt-5-20260301', {})).toBeNull();
  });

  it('prices Haiku 5.5 by prompt length: every token of a prompt over 100,000 tokens at the higher tier', () => {
    // 100,000 prompt tokens (input + cache) is still the low tier: 60k × $0.10 + 30k × $0.01 + 10k × $0.125 + 2k × $0.50.
    const atThreshold = { input_tokens: 60_000, cache_read_input_tokens: 30_000, cache_creation_input_tokens: 10_000, output_tokens: 2_000 };
    expect(accounting.callCost('claude-haiku-5-5', atThreshold)).toBeCloseTo(0.006 + 0.0003 + 0.00125 + 0.001, 12);
    // One more token: 60,001 × $0.50 + 30k × $0.05 + 10k × $0.625 + 2k × $2.50, output included.
    const over = { ...atThreshold, input_tokens: 60_001 };
    expect(accounting.callCost('claude-haiku-5-5', over)).toBeCloseTo(0.0300005 + 0.0015 + 0.00625 + 0.005, 12);
    // A Sonnet 5.x request drafted by Haiku 5.5 and accepted: savings against Sonnet 5.5's rates.
    const settled = accounting.settle({ decision: 'accepted', requestedModel: 'claude-sonnet-5-5', draft: call('claude-haiku-5-5', over) });
    const sonnet = 0.120002 + 0.003 + 0.025 + 0.02;
    expect(settled.baselineCost).toBeCloseTo(sonnet, 12);
    expect(settled.savings).toBeCloseTo(sonnet - 0.0427505, 12);
    // A user's price for the model is one flat price, whatever the prompt length.
    const flat: ModelPrice = { input: 1, output: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 };
    expect(createAccounting(() => ({ 'claude-haiku-5-5': flat })).callCost('claude-haiku-5-5', over)).toBeCloseTo(0.102001, 12);
  });

  it('knows nothing about unknown models', () => {
    expect(lookupPrice('gpt-4o', {})).toBeNull();
    expect(lookupPrice('claude-unknown-9', {})).toBeNull();
  });

  it('lets overrides win, even a broader pattern over a narrower built-in', () => {
    const cheap: ModelPrice = { input: 0.5, output: 1, cacheWrite5m: 0.6, cacheWrite1h: 1, cacheRead: 0.05 };
    expect(lookupPrice('claude-sonnet-4-5', { 'claude-sonnet-*': cheap })).toEqual(cheap);
    expect(lookupPrice('my-local-model', { 'my-local-model': cheap })).toEqual(cheap);
    expect(lookupPrice('claude-haiku-4-5', { 'claude-sonnet-*': cheap })).toEqual(BUILTIN_PRICES['claude-haiku-4-5*']);
  });
});

describe('callCost', () => {
  it('prices input and output', () => {
    // 1000 × $3 + 200 × $15 per MTok = $0.003 + $0.003
    expect(accounting.callCost('claude-sonnet-4-5', { input_tokens: 1000, output_tokens: 200 })).toBeCloseTo(0.006, 12);
  });

  it('prices cache writes (as 5-minute writes without a split) and cache reads', () => {
    const usage: Usage = { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10_000 };
    // haiku 4.5: 100×1 + 50×5 + 2000×1.25 + 10000×0.1 = 100 + 250 + 2500 + 1000 = 3850 µ$
    expect(accounting.callCost('claude-haiku-4-5', usage)).toBeCloseTo(0.00385, 12);
  });

  it('splits cache writes by TTL when reported', () => {
    const usage: Usage = {
      input_tokens: 10,
      output_tokens: 10,
      cache_creation_input_tokens: 3000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      cache_read_input_tokens: null,
    };
    // opus 4.1: 10×15 + 10×75 + 1000×18.75 + 2000×30 = 150 + 750 + 18750 + 60000 = 79650 µ$
    expect(accounting.callCost('claude-opus-4-1', usage)).toBeCloseTo(0.07965, 12);
  });

  it('is null for an unknown model, and 0 for a call that reported no usage', () => {
    expect(accounting.callCost('mystery-model', { input_tokens: 1, output_tokens: 1 })).toBeNull();
    expect(accounting.callCost('mystery-model', null)).toBe(0);
  });
});

describe('settle', () => {
  const draftUsage: Usage = { input_tokens: 1000, output_tokens: 200 };
  const verifierUsage: Usage = { input_tokens: 1000, output_tokens: 400 };

  it('accepted: cost is the draft; baseline is the same tokens at the requested model', () => {
    const result = accounting.settle({
      decision: 'accepted',
      requestedModel: 'claude-3-5-sonnet-20241022',
      draft: call('claude-3-5-haiku-20241022', draftUsage),
    });
    // draft: 1000×0.8 + 200×4 = 1600 µ$; baseline: 1000×3 + 200×15 = 6000 µ$
    expect(result.cost).toBeCloseTo(0.0016, 12);
    expect(result.baselineCost).toBeCloseTo(0.006, 12);
    expect(result.savings).toBeCloseTo(0.0044, 12);
    expect(result.unpricedModels).toEqual([]);
  });

  it('escalated: cost is draft + verifier; baseline the verifier alone; savings negative', () => {
    const result = accounting.settle({
      decision: 'escalated',
      requestedModel: 'claude-sonnet-4-5',
      draft: call('claude-haiku-4-5', draftUsage),
      verifier: call('claude-sonnet-4-5', verifierUsage),
    });
    // draft: 1000×1 + 200×5 = 2000 µ$; verifier: 1000×3 + 400×15 = 9000 µ$
    expect(result.cost).toBeCloseTo(0.011, 12);
    expect(result.baselineCost).toBeCloseTo(0.009, 12);
    expect(result.savings).toBeCloseTo(-0.002, 12);
  });

  it('draft_error: a draft refused with no usage costs nothing on top', () => {
    const result = accounting.settle({
      decision: 'draft_error',
      requestedModel: 'claude-sonnet-4-5',
      draft: call('claude-haiku-4-5', null, 400),
      verifier: call('claude-sonnet-4-5', verifierUsage),
    });
    expect(result.cost).toBeCloseTo(0.009, 12);
    expect(result.baselineCost).toBeCloseTo(0.009, 12);
    expect(result.savings).toBeCloseTo(0, 12);
  });

  it('draft_error: a stream that broke after message_start is still paid for', () => {
    const result = accounting.settle({
      decision: 'draft_error',
      requestedModel: 'claude-sonnet-4-5',
      draft: call('claude-haiku-4-5', { input_tokens: 1000, output_tokens: 1 }),
      verifier: call('claude-sonnet-4-5', verifierUsage),
    });
    expect(result.cost).toBeCloseTo(0.009 + 0.001005, 12);
    expect(result.savings).toBeCloseTo(-0.001005, 12);
  });

  it('passthrough: cost equals baseline', () => {
    const result = accounting.settle({
      decision: 'passthrough',
      requestedModel: 'claude-haiku-4-5',
      verifier: call('claude-haiku-4-5', { input_tokens: 500, output_tokens: 100, cache_read_input_tokens: 5000 }),
    });
    // 500×1 + 100×5 + 5000×0.1 = 1500 µ$
    expect(result).toEqual({ cost: expect.closeTo(0.0015, 12), baselineCost: expect.closeTo(0.0015, 12), savings: 0, unpricedModels: [] });
  });

  it('unknown prices stay unknown and are flagged, never $0', () => {
    const passthrough = accounting.settle({ decision: 'passthrough', requestedModel: 'mystery', verifier: call('mystery', verifierUsage) });
    expect(passthrough).toEqual({ cost: null, baselineCost: null, savings: null, unpricedModels: ['mystery'] });

    const accepted = accounting.settle({ decision: 'accepted', requestedModel: 'mystery-big', draft: call('claude-haiku-4-5', draftUsage) });
    expect(accepted.cost).toBeCloseTo(0.002, 12);
    expect(accepted.baselineCost).toBeNull();
    expect(accepted.savings).toBeNull();
    expect(accepted.unpricedModels).toEqual(['mystery-big']);
  });

  it('uses price overrides from settings at call time', () => {
    let overrides: Record<string, ModelPrice> = {};
    const live = createAccounting(() => overrides);
    expect(live.callCost('local-llm', { input_tokens: 1_000_000, output_tokens: 0 })).toBeNull();
    overrides = { 'local-*': { input: 2, output: 4, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 } };
    expect(live.callCost('local-llm', { input_tokens: 1_000_000, output_tokens: 1_000_000 })).toBeCloseTo(6, 12);
  });

  it('prices alike however many model ids it has looked up before', () => {
    const live = createAccounting(() => ({}));
    const before = live.priceOf('claude-opus-5-5', 1_000);
    for (let i = 0; i < 600; i++) expect(live.priceOf(`unknown-${i}`, 1_000)).toBeNull();
    expect(live.priceOf('claude-opus-5-5', 1_000)).toEqual(before);
    expect(before).not.toBeNull();
  });

  it('not_worth_drafting: the one call is cost and baseline alike, savings 0', () => {
    const result = accounting.settle({
      decision: 'not_worth_drafting',
      requestedModel: 'claude-opus-5-5',
      verifier: call('claude-opus-5-5', { input_tokens: 10, output_tokens: 100, cache_read_input_tokens: 30_000, cache_creation_input_tokens: 1_000 }),
      requestedCache: { warmTokens: 0, ttl: '1h' },
    });
    // 10×4 + 100×20 + 30,000×0.2 + 1,000×5 = 40 + 2,000 + 6,000 + 5,000 = 13,040 µ$
    expect(result).toEqual({ cost: expect.closeTo(0.01304, 12), baselineCost: expect.closeTo(0.01304, 12), savings: 0, unpricedModels: [] });
  });

  it("prices an accepted draft's baseline with the requested model's own warm cache, not the draft's cold writes", () => {
    // Sonnet 5.5 drafted with a cold cache: it wrote the whole 40,000-token prefix for an hour.
    const draftUsage: Usage = {
      input_tokens: 50,
      output_tokens: 400,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 40_000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 40_000 },
    };
    const draft = call('claude-sonnet-5-5', draftUsage);
    // 50×2 + 400×10 + 40,000×4 = 100 + 4,000 + 160,000 = 164,100 µ$
    expect(draft.cost).toBeCloseTo(0.1641, 12);
    const settled = accounting.settle({
      decision: 'accepted',
      requestedModel: 'claude-opus-5-5',
      draft,
      requestedCache: { warmTokens: 38_000, ttl: '1h' },
    });
    // Opus 5.5 would have read 38,000 and written 2,000 for an hour:
    // 50×4 + 400×20 + 38,000×0.2 + 2,000×8 = 200 + 8,000 + 7,600 + 16,000 = 31,800 µ$
    expect(settled.baselineCost).toBeCloseTo(0.0318, 12);
    expect(settled.savings).toBeCloseTo(0.0318 - 0.1641, 12);
    // Without the requested model's cache state the draft's cold writes were priced as Opus writes:
    // 200 + 8,000 + 40,000×8 = 328,200 µ$, ten times the honest baseline.
    expect(accounting.settle({ decision: 'accepted', requestedModel: 'claude-opus-5-5', draft }).baselineCost).toBeCloseTo(0.3282, 12);
  });

  it("prices an escalation's baseline with the requested model's cache had it answered every turn", () => {
    // The verifier (the requested model) had not seen the accepted turns: it read 30,000 and wrote 6,000 (5 min).
    const verifierUsage: Usage = { input_tokens: 0, output_tokens: 300, cache_read_input_tokens: 30_000, cache_creation_input_tokens: 6_000 };
    const settled = accounting.settle({
      decision: 'escalated',
      requestedModel: 'claude-opus-5-5',
      draft: call('claude-sonnet-5-5', { input_tokens: 0, output_tokens: 100, cache_read_input_tokens: 35_000, cache_creation_input_tokens: 1_000 }),
      verifier: call('claude-opus-5-5', verifierUsage),
      requestedCache: { warmTokens: 35_000, ttl: '5m' },
    });
    // draft: 100×10 + 35,000×0.1 + 1,000×2.5 = 1,000 + 3,500 + 2,500 = 7,000 µ$
    // verifier: 300×20 + 30,000×0.2 + 6,000×5 = 6,000 + 6,000 + 30,000 = 42,000 µ$
    // baseline: 300×20 + 35,000×0.2 + 1,000×5 = 6,000 + 7,000 + 5,000 = 18,000 µ$
    expect(settled.cost).toBeCloseTo(0.049, 12);
    expect(settled.baselineCost).toBeCloseTo(0.018, 12);
    expect(settled.savings).toBeCloseTo(-0.031, 12);
  });

  it("counts at least what the requested model's own call read", () => {
    // The ledger knew 10,000 warm tokens; Opus itself read 12,000 (a prefix another conversation warmed).
    const settled = accounting.settle({
      decision: 'escalated',
      requestedModel: 'claude-opus-5-5',
      draft: call('claude-sonnet-5-5', null),
      verifier: call('claude-opus-5-5', { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 12_000, cache_creation_input_tokens: 3_000 }),
      requestedCache: { warmTokens: 10_000, ttl: '5m' },
    });
    // 12,000 × 0.2 + 3,000 × 5 = 2,400 + 15,000 = 17,400 µ$: the call's own cost, savings 0.
    expect(settled.baselineCost).toBeCloseTo(0.0174, 12);
    expect(settled.savings).toBeCloseTo(0, 12);
  });

  it('leaves uncached usage alone, and never reads more than the call had cached', () => {
    expect(asRequestedUsage({ input_tokens: 900, output_tokens: 9 }, { warmTokens: 5_000, ttl: '5m' })).toEqual({ input_tokens: 900, output_tokens: 9 });
    expect(asRequestedUsage({ input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 700, cache_creation_input_tokens: 300 }, { warmTokens: 5_000, ttl: '1h' })).toEqual({
      input_tokens: 1,
      output_tokens: 2,
      cache_read_input_tokens: 1_000,
      cache_creation_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    });
  });

  it('settles the calls at the cost recorded when each ended, so the record adds up to its calls', () => {
    let overrides: Record<string, ModelPrice> = { 'local-*': { input: 2, output: 4, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 } };
    const live = createAccounting(() => overrides);
    const usage = { input_tokens: 1_000_000, output_tokens: 0 };
    const draft: CallRecord = { model: 'local-llm', status: 200, usage, cost: live.callCost('local-llm', usage), latencyMs: 1 };
    // The price is edited while the request is under way: the draft was already priced at $2.
    overrides = { 'local-*': { ...overrides['local-*'], input: 3 } };
    const settled = live.settle({ decision: 'accepted', requestedModel: 'local-big', draft });
    expect(settled.cost).toBeCloseTo(2, 12);
    expect(settled.baselineCost).toBeCloseTo(3, 12);
  });
});
