import type { ModelPrice } from '../../contracts/pricing';

/** Anthropic's standard multipliers: 5-minute write 1.25×, 1-hour write 2×, cache read 0.1× input. */
function standard(input: number, output: number): ModelPrice {
  return {
    input,
    output,
    cacheWrite5m: round(input * 1.25),
    cacheWrite1h: round(input * 2),
    cacheRead: round(input * 0.1),
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Built-in list prices, US$ per million tokens (platform.claude.com/docs/en/about-claude/pricing
 * and the model overviews, checked 2026-11-25). Keys are model ids or `*` family patterns;
 * dated ids and aliases (`-latest`) fall back to their family, the most specific pattern wins.
 * Anything else is unknown: cost null, never $0. Not modelled: batch and fast-mode rates, US-only
 * inference (1.1×), and the 1M-context beta surcharge of Sonnet 4.x above 200K prompt tokens.
 */
export const BUILTIN_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  // Opus 4.5 and later cut Opus to $5/$25; Opus 4 and 4.1 stay at $15/$75.
  'claude-opus-4*': standard(15, 75),
  'claude-opus-4-5*': standard(5, 25),
  'claude-opus-4-6*': standard(5, 25),
  'claude-opus-4-7*': standard(5, 25),
  'claude-opus-4-8*': standard(5, 25),
  'claude-opus-5': standard(5, 25),
  // Opus 5.5, Sonnet 5.5 (since 2026-10-07) and Fable/Mythos 5.1 bill cache hits below the standard 0.1×.
  'claude-opus-5-5*': { ...standard(4, 20), cacheRead: 0.2 },
  'claude-fable-5': standard(10, 50),
  'claude-mythos-5': standard(10, 50),
  'claude-fable-5-1*': { ...standard(10, 50), cacheRead: 0.25 },
  'claude-mythos-5-1*': { ...standard(10, 50), cacheRead: 0.25 },
  'claude-sonnet-5': standard(2, 10),
  'claude-sonnet-5-5*': { ...standard(2, 10), cacheRead: 0.1 },
  'claude-sonnet-4*': standard(3, 15),
  // Haiku 5.5 up to 100,000 prompt tokens; see LONG_PROMPT_PRICES for longer prompts.
  'claude-haiku-5-5*': standard(0.1, 0.5),
  'claude-haiku-4-5*': standard(1, 5),
  'claude-3-7-sonnet*': standard(3, 15),
  'claude-3-5-sonnet*': standard(3, 15),
  'claude-3-5-haiku*': standard(0.8, 4),
  'claude-3-opus*': standard(15, 75),
  'claude-3-haiku*': standard(0.25, 1.25),
});

/** A price tier for long prompts: it replaces the whole price of a request whose prompt is longer. */
export interface LongPromptTier {
  /** Prompt tokens (input + cache writes + cache reads) above which the tier applies. */
  aboveTokens: number;
  price: ModelPrice;
}

/**
 * Built-in prices that depend on prompt length, keyed like BUILTIN_PRICES. A request whose
 * prompt is over the threshold pays these rates on every token, output included. They apply
 * only where the built-in price does: a user's override of the model is one flat price.
 */
export const LONG_PROMPT_PRICES: Readonly<Record<string, LongPromptTier>> = Object.freeze({
  // Haiku 5.5: five times the rates above 100,000 prompt tokens.
  'claude-haiku-5-5*': { aboveTokens: 100_000, price: standard(0.5, 2.5) },
});
