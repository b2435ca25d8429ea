import type { CallRecord, Decision, Usage } from '../../contracts/decision';
import type { ModelPrice } from '../../contracts/pricing';
import { mostSpecificMatch } from '../rules/pattern';
import { BUILTIN_PRICES, LONG_PROMPT_PRICES } from './table';

export interface CostBreakdown {
  /** All calls; null when a price is unknown. */
  cost: number | null;
  /** The requested model alone; null when unknown. */
  baselineCost: number | null;
  savings: number | null;
  unpricedModels: string[];
}

export type CacheTtl = '5m' | '1h';

/**
 * The requested model's prompt cache for a request, as it would be had that model answered
 * every request of the conversation (what the client would have had without the proxy).
 */
export interface RequestedCache {
  /** Prefix tokens it would read from its cache. */
  warmTokens: number;
  /** The TTL of the request's cache breakpoint: what its new prefix tokens would be written at. */
  ttl: CacheTtl;
}

export interface SettleInput {
  decision: Decision;
  requestedModel: string;
  /** The draft call (accepted, escalated, draft_error). */
  draft?: CallRecord;
  /** The requested/verifier model's call (escalated, draft_error, passthrough, not_worth_drafting). */
  verifier?: CallRecord;
  /**
   * The requested model's cache for the baseline (from the conversation's cache ledger).
   * Without it (a conversation not seen before) the baseline prices the call's own cache reads
   * and writes.
   */
  requestedCache?: RequestedCache;
}

export interface Accounting {
  /** Cost of one call from its reported usage; null when the model's price is unknown. */
  callCost(model: string, usage: Usage | null): number | null;
  /** The model's price for a prompt of this many tokens (long prompts may cost more); null when unknown. */
  priceOf(model: string, promptTokens: number): ModelPrice | null;
  /**
   * Accepted: cost = draft; baseline = the draft's usage as the requested model would have
   * been billed for it (its own cache reads and writes, see RequestedCache).
   * Escalated / draft_error: cost = draft + verifier; baseline = the verifier's usage likewise.
   * Passthrough / not_worth_drafting: cost = baseline = the one call (savings 0).
   */
  settle(input: SettleInput): CostBreakdown;
}

/**
 * Price of a model: the user's overrides first (so a broad override beats a narrower
 * built-in), then the built-in table; within each, the most specific pattern wins.
 */
export function lookupPrice(model: string, overrides: Record<string, ModelPrice>): ModelPrice | null {
  return lookup(model, overrides)?.price ?? null;
}

/** Dated snapshots and aliases (`claude-opus-5-20260301`, `claude-opus-5-latest`) cost what their model costs. */
const SNAPSHOT_SUFFIX = /-(?:\d{8}|latest)$/;

function lookup(model: string, overrides: Record<string, ModelPrice>): { price: ModelPrice; builtinKey: string | null } | null {
  return lookupId(model, overrides) ?? (SNAPSHOT_SUFFIX.test(model) ? lookupId(model.replace(SNAPSHOT_SUFFIX, ''), overrides) : null);
}

function lookupId(model: string, overrides: Record<string, ModelPrice>): { price: ModelPrice; builtinKey: string | null } | null {
  const own = mostSpecificMatch(Object.keys(overrides), model);
  if (own !== null) return { price: overrides[own], builtinKey: null };
  const key = mostSpecificMatch(Object.keys(BUILTIN_PRICES), model);
  return key === null ? null : { price: BUILTIN_PRICES[key], builtinKey: key };
}

/** Built-ins merged with overrides, as the dashboard lists them. */
export function effectivePrices(overrides: Record<string, ModelPrice>): Record<string, ModelPrice> {
  return { ...BUILTIN_PRICES, ...overrides };
}

/** Cache writes split by TTL when the upstream reports the split; the rest is priced as 5-minute writes. */
export function cacheWriteSplit(usage: Usage): { write5m: number; write1h: number } {
  const total = usage.cache_creation_input_tokens ?? 0;
  const write1h = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const reported5m = usage.cache_creation?.ephemeral_5m_input_tokens;
  const write5m = reported5m ?? Math.max(0, total - write1h);
  return { write5m, write1h };
}

/** The prompt length that picks a price tier: input plus cache writes and reads. */
export function promptTokens(usage: Usage): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

export function priceUsage(price: ModelPrice, usage: Usage): number {
  const { write5m, write1h } = cacheWriteSplit(usage);
  const micro =
    (usage.input_tokens ?? 0) * price.input +
    (usage.output_tokens ?? 0) * price.output +
    write5m * price.cacheWrite5m +
    write1h * price.cacheWrite1h +
    (usage.cache_read_input_tokens ?? 0) * price.cacheRead;
  return micro / 1_000_000;
}

/**
 * A call's usage as the requested model would have reported it for the same prompt: the part
 * the call read or wrote in its cache is read from the requested model's cache as far as that
 * is warm and written (at the request's TTL) beyond; uncached input and output stay as they are.
 */
export function asRequestedUsage(usage: Usage, cache: RequestedCache): Usage {
  const { write5m, write1h } = cacheWriteSplit(usage);
  const cacheable = (usage.cache_read_input_tokens ?? 0) + write5m + write1h;
  if (cacheable === 0) return usage;
  const read = Math.min(cache.warmTokens, cacheable);
  const written = cacheable - read;
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: written,
    cache_creation: { ephemeral_5m_input_tokens: cache.ttl === '5m' ? written : 0, ephemeral_1h_input_tokens: cache.ttl === '1h' ? written : 0 },
  };
}

/** Model ids whose lookups an accounting keeps; more, and it starts over (ids come from clients). */
const LOOKUPS_KEPT = 256;

/**
 * `overrides`: the user's prices as they are now; a change comes as a new object (settings are
 * replaced whole, never edited in place), which is what lets lookups be kept until then.
 */
export function createAccounting(overrides: () => Record<string, ModelPrice>): Accounting {
  // Each lookup matches the model against every price pattern (~1.7 µs), several times per
  // request for the same few models: kept per model until the overrides change.
  let kept: { overrides: Record<string, ModelPrice>; found: Map<string, ReturnType<typeof lookup>> } | null = null;
  function lookupKept(model: string): ReturnType<typeof lookup> {
    const current = overrides();
    if (kept?.overrides !== current) kept = { overrides: current, found: new Map() };
    let found = kept.found.get(model);
    if (found === undefined) {
      if (kept.found.size >= LOOKUPS_KEPT) kept.found.clear();
      found = lookup(model, current);
      kept.found.set(model, found);
    }
    return found;
  }

  function priceOf(model: string, prompt: number): ModelPrice | null {
    const found = lookupKept(model);
    if (!found) return null;
    const tier = found.builtinKey === null ? undefined : LONG_PROMPT_PRICES[found.builtinKey];
    return tier && prompt > tier.aboveTokens ? tier.price : found.price;
  }

  function callCost(model: string, usage: Usage | null): number | null {
    // A call that reported no usage (refused, failed before any token) was not billed.
    if (!usage) return 0;
    const price = priceOf(model, promptTokens(usage));
    return price && priceUsage(price, usage);
  }

  function settle(input: SettleInput): CostBreakdown {
    const unpriced = new Set<string>();
    const cost = (model: string, usage: Usage | null): number | null => {
      const value = callCost(model, usage);
      if (value === null) unpriced.add(model);
      return value;
    };
    const sum = (...values: Array<number | null>): number | null =>
      values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v as number), 0);
    // Each call was priced once, when it ended (CallRecord.cost); only the baseline is priced here.
    const callsCost = (...calls: Array<CallRecord | undefined>): number | null =>
      sum(
        ...calls
          .filter((c): c is CallRecord => !!c)
          .map((c) => {
            if (c.cost === null) unpriced.add(c.model);
            return c.cost;
          }),
      );

    const { decision, requestedModel, draft, verifier, requestedCache } = input;
    // What the requested model would have charged for the prompt and answer of this call.
    const asRequested = (call: CallRecord | undefined): number | null => {
      const usage = call?.usage ?? null;
      if (!usage || !requestedCache) return cost(requestedModel, usage);
      // The requested model's own call read at least what it read (e.g. a prefix other conversations share).
      const own = call?.model === requestedModel ? (usage.cache_read_input_tokens ?? 0) : 0;
      return cost(requestedModel, asRequestedUsage(usage, { ...requestedCache, warmTokens: Math.max(requestedCache.warmTokens, own) }));
    };
    let total: number | null;
    let baseline: number | null;
    if (decision === 'accepted') {
      total = callsCost(draft);
      baseline = asRequested(draft);
    } else if (decision === 'passthrough' || decision === 'not_worth_drafting') {
      // One call, the requested model's: nothing saved, nothing lost.
      total = callsCost(verifier ?? draft);
      baseline = total;
    } else {
      // Escalated / draft_error: the draft was paid for on top; the baseline is the answer
      // alone, priced at the requested model (its own, when the verifier is the requested model).
      total = callsCost(draft, verifier);
      baseline = asRequested(verifier);
    }
    return {
      cost: total,
      baselineCost: baseline,
      savings: total === null || baseline === null ? null : baseline - total,
      unpricedModels: [...unpriced],
    };
  }

  return { callCost, priceOf, settle };
}
