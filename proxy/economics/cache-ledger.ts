// Which model has a warm prompt cache for a conversation's prefix, how many tokens and until
// about when, learnt only from what the upstream reports (cache reads, cache writes split by
// TTL) and when. Beside each model's real cache it keeps the requested model's cache as it
// would be had that model answered every request of the conversation: what a client without
// the proxy would have had, so the baseline of a drafted request. It also keeps the size of the
// conversation's requests (prompt tokens per byte of body, growth per turn, output, pace) for
// estimates. Bounded (idle and least recently seen conversations go first); numbers only, no
// prompt text. One conversation's entry exports as JSON (ledgerEntrySchema) for replicas that
// share conversation state.
import { z } from 'zod';
import type { Usage } from '../../contracts/decision';
import { cacheWriteSplit, promptTokens, type CacheTtl } from '../pricing/accounting';

export const CACHE_TTL_MS: Readonly<Record<CacheTtl, number>> = Object.freeze({ '5m': 5 * 60_000, '1h': 60 * 60_000 });

/** Models a conversation keeps caches for: the requested model, a draft, a verifier, a shadow. */
const MAX_MODELS = 8;

/** A cached prefix of `tokens` tokens, good until `expiresAt` unless read again before. */
const tierSchema = z.object({ tokens: z.number().nonnegative(), expiresAt: z.number() });
type Tier = z.infer<typeof tierSchema>;

/**
 * One model's cache for one conversation. Anthropic puts 1-hour breakpoints before 5-minute
 * ones, so a prefix is at most a 1-hour part followed by a 5-minute part.
 */
const modelCacheSchema = z.object({ long: tierSchema.nullable(), short: tierSchema.nullable() });
type ModelCache = z.infer<typeof modelCacheSchema>;

export interface WarmCache {
  /** Prefix tokens that would be read from the cache now. */
  tokens: number;
  /** When they expire unless read before. */
  expiresAt: number;
}

/** What the conversation's requests look like, for estimates. */
const profileSchema = z.object({
  /** Prompt tokens per byte of request body, from the last reported usage. */
  tokensPerByte: z.number().nonnegative(),
  /** Prompt tokens of the last request (input + cache writes + cache reads). */
  lastPromptTokens: z.number().nonnegative(),
  lastRawBytes: z.number().nonnegative(),
  /** Prompt tokens each request adds (smoothed); null after one request. */
  growthTokens: z.number().nullable(),
  /** Output tokens of an answer (smoothed). */
  outputTokens: z.number().nonnegative(),
  /** Time between requests (smoothed); null after one request. */
  gapMs: z.number().nullable(),
  lastSeen: z.number(),
  requests: z.number().int().nonnegative(),
});
export type ConversationProfile = z.infer<typeof profileSchema>;

/** One conversation's entry as JSON: each model's cache, the requested model's as if direct, the profile. */
export const ledgerEntrySchema = z.object({
  models: z.array(z.object({ model: z.string().max(200), cache: modelCacheSchema })).max(MAX_MODELS),
  direct: modelCacheSchema,
  profile: profileSchema,
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

interface ConversationEntry {
  models: Map<string, ModelCache>;
  direct: ModelCache;
  profile: ConversationProfile;
}

export interface CacheLedgerOptions {
  /** Conversations kept at most; the least recently seen go first. */
  maxConversations?: number;
  /** A conversation not seen for this long is forgotten (longer than the longest TTL). */
  idleMs?: number;
}

/** Weight of the newest value in the smoothed figures. */
const SMOOTHING = 0.3;

export class CacheLedger {
  private readonly conversations = new Map<string, ConversationEntry>();
  private readonly max: number;
  private readonly idleMs: number;

  constructor({ maxConversations = 5_000, idleMs = 2 * CACHE_TTL_MS['1h'] }: CacheLedgerOptions = {}) {
    this.max = maxConversations;
    this.idleMs = idleMs;
  }

  get size(): number {
    return this.conversations.size;
  }

  /**
   * One request of the conversation, once answered: the calls it made (each warms its model's
   * cache), the usage of the answer the client got (the request's size, and the requested
   * model's cache had it answered) and the body's size in bytes.
   */
  observeRequest(conversationId: string, turn: { time: number; rawBytes: number; calls: ReadonlyArray<{ model: string; usage: Usage | null }>; answered: Usage | null }): void {
    const entry = this.touch(conversationId, turn.time);
    for (const call of turn.calls) if (call.usage) observeUsage(this.modelCache(entry, call.model), call.usage, turn.time);
    if (!turn.answered) return;
    observeUsage(entry.direct, turn.answered, turn.time);
    updateProfile(entry.profile, promptTokens(turn.answered), turn.rawBytes, turn.answered.output_tokens ?? 0, turn.time);
  }

  /** A call made apart from a request (a shadow verification): it warms its model's cache too. */
  observeCall(conversationId: string, model: string, usage: Usage, time: number): void {
    const entry = this.conversations.get(conversationId);
    if (entry) observeUsage(this.modelCache(entry, model), usage, time);
  }

  /** The model's warm prefix for the conversation at `time`; null when cold or unknown. */
  warm(conversationId: string, model: string, time: number): WarmCache | null {
    const cache = this.conversations.get(conversationId)?.models.get(model);
    return cache ? warmOf(cache, time) : null;
  }

  /** The requested model's warm prefix had it answered every request of the conversation. */
  directWarm(conversationId: string, time: number): WarmCache | null {
    const entry = this.conversations.get(conversationId);
    return entry ? warmOf(entry.direct, time) : null;
  }

  profile(conversationId: string): Readonly<ConversationProfile> | null {
    return this.conversations.get(conversationId)?.profile ?? null;
  }

  /** The conversation's entry as JSON; null when it has none. */
  exportEntry(conversationId: string): LedgerEntry | null {
    const entry = this.conversations.get(conversationId);
    if (!entry) return null;
    return {
      models: [...entry.models].map(([model, cache]) => ({ model, cache: structuredClone(cache) })),
      direct: structuredClone(entry.direct),
      profile: { ...entry.profile },
    };
  }

  /** Replaces the conversation's entry with an exported one (null: forgets it). */
  importEntry(conversationId: string, exported: LedgerEntry | null): void {
    this.conversations.delete(conversationId);
    if (!exported) return;
    const models = new Map(exported.models.map(({ model, cache }) => [model, structuredClone(cache)]));
    this.conversations.set(conversationId, { models, direct: structuredClone(exported.direct), profile: { ...exported.profile } });
    while (this.conversations.size > this.max) this.conversations.delete(this.conversations.keys().next().value as string);
  }

  private touch(id: string, time: number): ConversationEntry {
    let entry = this.conversations.get(id);
    if (entry) this.conversations.delete(id);
    else {
      entry = {
        models: new Map(),
        direct: { long: null, short: null },
        profile: { tokensPerByte: 0, lastPromptTokens: 0, lastRawBytes: 0, growthTokens: null, outputTokens: 0, gapMs: null, lastSeen: time, requests: 0 },
      };
    }
    // Re-inserted last: the map's order is least recently seen first.
    this.conversations.set(id, entry);
    for (const [oldId, old] of this.conversations) {
      if (this.conversations.size <= this.max && time - old.profile.lastSeen < this.idleMs) break;
      if (oldId !== id) this.conversations.delete(oldId);
    }
    return entry;
  }

  private modelCache(entry: ConversationEntry, model: string): ModelCache {
    let cache = entry.models.get(model);
    if (!cache) {
      if (entry.models.size >= MAX_MODELS) entry.models.delete(entry.models.keys().next().value as string);
      cache = { long: null, short: null };
      entry.models.set(model, cache);
    }
    return cache;
  }
}

const alive = (tier: Tier | null, time: number): tier is Tier => tier !== null && tier.expiresAt > time;

function warmOf(cache: ModelCache, time: number): WarmCache | null {
  const tiers = [cache.long, cache.short].filter((t): t is Tier => alive(t, time));
  if (!tiers.length) return null;
  const longest = tiers.reduce((a, b) => (b.tokens > a.tokens ? b : a));
  return { tokens: longest.tokens, expiresAt: longest.expiresAt };
}

/**
 * After a call the model's cache holds the prefix it read or wrote (reads + writes tokens):
 * 1-hour writes extend the 1-hour part, 5-minute writes the 5-minute part, and a read refreshes
 * the parts it went through. A read nothing known covers is taken as a 5-minute part (the
 * shorter guess). A call that read and wrote nothing leaves the cache as it was.
 */
function observeUsage(cache: ModelCache, usage: Usage, time: number): void {
  const read = usage.cache_read_input_tokens ?? 0;
  const { write5m, write1h } = cacheWriteSplit(usage);
  const cached = read + write5m + write1h;
  if (cached === 0) return;
  if (write1h > 0) cache.long = { tokens: read + write1h, expiresAt: time + CACHE_TTL_MS['1h'] };
  else if (alive(cache.long, time) && cache.long.tokens <= read) cache.long.expiresAt = time + CACHE_TTL_MS['1h'];
  if (write5m > 0 || !(alive(cache.long, time) && cache.long.tokens >= cached)) {
    cache.short = { tokens: cached, expiresAt: time + CACHE_TTL_MS['5m'] };
  }
}

function smooth(previous: number | null, value: number): number {
  return previous === null ? value : previous + SMOOTHING * (value - previous);
}

function updateProfile(profile: ConversationProfile, prompt: number, rawBytes: number, output: number, time: number): void {
  if (profile.requests > 0) {
    profile.growthTokens = smooth(profile.growthTokens, Math.max(0, prompt - profile.lastPromptTokens));
    profile.gapMs = smooth(profile.gapMs, Math.max(0, time - profile.lastSeen));
    profile.outputTokens = smooth(profile.outputTokens, output);
  } else profile.outputTokens = output;
  if (rawBytes > 0 && prompt > 0) profile.tokensPerByte = prompt / rawBytes;
  profile.lastPromptTokens = prompt;
  profile.lastRawBytes = rawBytes;
  profile.lastSeen = time;
  profile.requests += 1;
}
