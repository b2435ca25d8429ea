import { describe, expect, it } from 'vitest';
import type { Usage } from '../../contracts/decision';
import { CacheLedger } from './cache-ledger';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';

function usage(read: number, write5m: number, write1h: number, input = 50, output = 400): Usage {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: write5m + write1h,
    cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
  };
}

/** One request answered by `model` alone. */
function direct(ledger: CacheLedger, time: number, u: Usage, model = OPUS, rawBytes = 100_000, id = 'c1') {
  ledger.observeRequest(id, { time, rawBytes, calls: [{ model, usage: u }], answered: u });
}

describe('CacheLedger', () => {
  it('knows a 1-hour prefix as warm for an hour after it was written, and each read extends it', () => {
    const ledger = new CacheLedger();
    direct(ledger, T0, usage(0, 0, 30_000));
    expect(ledger.warm('c1', OPUS, T0 + 1)).toEqual({ tokens: 30_000, expiresAt: T0 + 60 * MIN });
    // 50 minutes later: read 30,000, wrote 1,500 more; good for another hour from then.
    direct(ledger, T0 + 50 * MIN, usage(30_000, 0, 1_500));
    expect(ledger.warm('c1', OPUS, T0 + 100 * MIN)).toEqual({ tokens: 31_500, expiresAt: T0 + 110 * MIN });
    expect(ledger.warm('c1', OPUS, T0 + 110 * MIN)).toBeNull();
    // Another model, another conversation: nothing known.
    expect(ledger.warm('c1', SONNET, T0 + 1)).toBeNull();
    expect(ledger.warm('c2', OPUS, T0 + 1)).toBeNull();
  });

  it('expires a 5-minute prefix after 5 minutes unless a read refreshes it', () => {
    const ledger = new CacheLedger();
    direct(ledger, T0, usage(0, 30_000, 0));
    direct(ledger, T0 + 4 * MIN, usage(30_000, 0, 0)); // a pure read: refreshed until 9 min
    expect(ledger.warm('c1', OPUS, T0 + 8 * MIN)?.tokens).toBe(30_000);
    expect(ledger.warm('c1', OPUS, T0 + 9 * MIN)).toBeNull();
  });

  it('keeps a 1-hour part and a 5-minute part apart: after 5 minutes only the 1-hour part is warm', () => {
    const ledger = new CacheLedger();
    // System and tools at 1 hour (12,000), the history at 5 minutes (18,000 more).
    direct(ledger, T0, usage(0, 18_000, 12_000));
    expect(ledger.warm('c1', OPUS, T0 + 4 * MIN)).toEqual({ tokens: 30_000, expiresAt: T0 + 5 * MIN });
    expect(ledger.warm('c1', OPUS, T0 + 6 * MIN)).toEqual({ tokens: 12_000, expiresAt: T0 + 60 * MIN });
    // The next turn reads the 1-hour part (refreshing it) and writes the rest again at 5 minutes.
    direct(ledger, T0 + 30 * MIN, usage(12_000, 19_000, 0));
    expect(ledger.warm('c1', OPUS, T0 + 34 * MIN)?.tokens).toBe(31_000);
    expect(ledger.warm('c1', OPUS, T0 + 80 * MIN)).toEqual({ tokens: 12_000, expiresAt: T0 + 90 * MIN });
  });

  it('leaves the cache as it was after a call that neither read nor wrote one', () => {
    const ledger = new CacheLedger();
    direct(ledger, T0, usage(0, 0, 30_000));
    direct(ledger, T0 + MIN, { input_tokens: 31_000, output_tokens: 10 });
    expect(ledger.warm('c1', OPUS, T0 + 2 * MIN)).toEqual({ tokens: 30_000, expiresAt: T0 + 60 * MIN });
  });

  it("keeps each model's real cache, and the requested model's as it would be had it answered every request", () => {
    const ledger = new CacheLedger();
    direct(ledger, T0, usage(0, 0, 30_000));
    // An accepted Sonnet draft answered turn 2 with a cold cache: Opus saw nothing of it.
    const draft = usage(0, 0, 31_500);
    ledger.observeRequest('c1', { time: T0 + MIN, rawBytes: 105_000, calls: [{ model: SONNET, usage: draft }], answered: draft });
    expect(ledger.warm('c1', SONNET, T0 + 2 * MIN)?.tokens).toBe(31_500);
    expect(ledger.warm('c1', OPUS, T0 + 2 * MIN)).toEqual({ tokens: 30_000, expiresAt: T0 + 60 * MIN });
    // Without the proxy Opus would have answered turn 2 and hold all 31,500, good until 61 min.
    expect(ledger.directWarm('c1', T0 + 2 * MIN)).toEqual({ tokens: 31_500, expiresAt: T0 + 61 * MIN });
  });

  it('learns the conversation: tokens per byte, growth per turn, output and pace, smoothed', () => {
    const ledger = new CacheLedger();
    direct(ledger, T0, usage(0, 0, 29_950, 50, 400), OPUS, 125_000);
    // 30,000 prompt tokens for 125,000 bytes.
    expect(ledger.profile('c1')).toMatchObject({ tokensPerByte: 0.24, lastPromptTokens: 30_000, growthTokens: null, gapMs: null, outputTokens: 400, requests: 1 });
    direct(ledger, T0 + 20_000, usage(29_950, 0, 2_000, 50, 200), OPUS, 133_000);
    expect(ledger.profile('c1')).toMatchObject({ lastPromptTokens: 32_000, growthTokens: 2_000, gapMs: 20_000, outputTokens: 340 });
    // Growth 1,000 and a 40 s gap: 2,000 + 0.3 × (1,000 − 2,000) = 1,700; 20 + 0.3 × 20 = 26 s.
    direct(ledger, T0 + 60_000, usage(31_950, 0, 1_000, 50, 200), OPUS, 137_000);
    expect(ledger.profile('c1')).toMatchObject({ lastPromptTokens: 33_000, growthTokens: 1_700, gapMs: 26_000 });
    expect(ledger.profile('c1')?.tokensPerByte).toBeCloseTo(33_000 / 137_000, 12);
  });

  it('a call made after the request (a shadow) warms its model, in a conversation it knows', () => {
    const ledger = new CacheLedger();
    direct(ledger, T0, usage(0, 0, 30_000), SONNET);
    ledger.observeCall('c1', OPUS, usage(0, 0, 30_000), T0 + 1);
    ledger.observeCall('unknown', OPUS, usage(0, 0, 30_000), T0 + 1);
    expect(ledger.warm('c1', OPUS, T0 + 2)?.tokens).toBe(30_000);
    expect(ledger.size).toBe(1);
  });

  it('is bounded: the least recently seen conversation goes first, and idle ones expire', () => {
    const ledger = new CacheLedger({ maxConversations: 2, idleMs: 120 * MIN });
    direct(ledger, T0, usage(0, 0, 1_000), OPUS, 5_000, 'a');
    direct(ledger, T0 + 1, usage(0, 0, 1_000), OPUS, 5_000, 'b');
    direct(ledger, T0 + 2, usage(1_000, 0, 10), OPUS, 5_000, 'a'); // a seen again: b is now the oldest
    direct(ledger, T0 + 3, usage(0, 0, 1_000), OPUS, 5_000, 'c');
    expect([ledger.profile('a'), ledger.profile('b'), ledger.profile('c')].map(Boolean)).toEqual([true, false, true]);
    direct(ledger, T0 + 121 * MIN, usage(0, 0, 1_000), OPUS, 5_000, 'd');
    expect(ledger.size).toBe(1);
    expect(ledger.profile('d')).not.toBeNull();
  });
});
