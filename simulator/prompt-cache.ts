// The simulated upstream's prompt cache, modelled on Anthropic's: a request's prefix (tools →
// system → messages, in that order) up to each `cache_control` breakpoint (a top-level one
// stands for the last block) is cached per API key
// and model. A breakpoint whose prefix (or one up to 20 blocks before it) was cached and has
// not expired is a cache read; the rest, up to the last breakpoint, is written with the
// breakpoint's TTL (5 minutes, or 1 hour for `ttl: "1h"`); a read refreshes what it read.
// Prefixes under MIN_CACHEABLE_TOKENS are not cached, as the API silently skips them.
// Holds digests and expiry times only, never prompt text.
import { createHash, type Hash } from 'node:crypto';
import type { Usage } from '../contracts/decision';
import type { ContentBlock, MessagesRequest, ToolDefinition } from '../proxy/wire';
import { CHARS_PER_TOKEN } from './behaviours';

export const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
export type CacheTtl = keyof typeof TTL_MS;

/**
 * The smallest cacheable prefix. The real minimum depends on the model (512 to 4,096 tokens);
 * one value is enough for tests and benches, whose prefixes are either tiny or tens of thousands.
 */
export const MIN_CACHEABLE_TOKENS = 1_024;
/** How many blocks before a breakpoint the API looks for an earlier cached prefix. */
export const LOOKBACK_BLOCKS = 20;
/** Entries kept at most; the oldest go first (expired ones are swept before that). */
const MAX_ENTRIES = 50_000;

interface Entry {
  expiresAt: number;
  ttlMs: number;
}

/** One block of the prompt in cache order, with the prefix it closes. */
interface Boundary {
  /** Digest of the prompt from the start through this block. */
  digest: string;
  /** Tokens of the prompt from the start through this block. */
  tokens: number;
  /** The block's breakpoint TTL, when it carries cache_control. */
  ttl?: CacheTtl;
}

export type CacheUsage = Pick<Usage, 'input_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'cache_creation'>;

export class PromptCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Looks the request's prefix up and caches what it may: the input side of its usage, or null
   * when the request has no breakpoint over the minimum (then the caller's count stands).
   * `totalTokens` is the whole prompt as the caller counts it; `scope` the API key and model.
   */
  apply(request: MessagesRequest, scope: string, totalTokens: number): CacheUsage | null {
    const boundaries = promptBoundaries(request);
    const breakpoints = boundaries.flatMap((b, i) => (b.ttl && b.tokens >= MIN_CACHEABLE_TOKENS ? [i] : []));
    if (breakpoints.length === 0) return null;
    const now = this.now();
    const key = (i: number) => `${scope}\u0000${boundaries[i].digest}`;

    // The longest cached prefix any breakpoint reaches (within its lookback window).
    let hit = -1;
    for (const b of breakpoints) {
      for (let i = b; i >= Math.max(0, b - LOOKBACK_BLOCKS) && i > hit; i--) {
        const entry = this.alive(key(i), now);
        if (entry) {
          hit = i;
          break;
        }
      }
    }
    const read = hit >= 0 ? boundaries[hit].tokens : 0;
    if (hit >= 0) {
      // What was read stays cached for another TTL, the breakpoints it passed through too.
      for (const i of [hit, ...breakpoints.filter((b) => b < hit)]) {
        const entry = this.alive(key(i), now);
        if (entry) this.set(key(i), { expiresAt: now + entry.ttlMs, ttlMs: entry.ttlMs });
      }
    }
    const written = { '5m': 0, '1h': 0 };
    let cached = read;
    for (const b of breakpoints) {
      if (b <= hit) continue;
      const ttl = boundaries[b].ttl as CacheTtl;
      written[ttl] += boundaries[b].tokens - cached;
      cached = boundaries[b].tokens;
      this.set(key(b), { expiresAt: now + TTL_MS[ttl], ttlMs: TTL_MS[ttl] });
    }
    return {
      input_tokens: Math.max(0, totalTokens - cached),
      cache_creation_input_tokens: written['5m'] + written['1h'],
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: written['5m'], ephemeral_1h_input_tokens: written['1h'] },
    };
  }

  clear(): void {
    this.entries.clear();
  }

  private alive(key: string, now: number): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt > now) return entry;
    this.entries.delete(key);
    return null;
  }

  private set(key: string, entry: Entry): void {
    // Re-inserted at the end: the map's order is the order of last use.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size <= MAX_ENTRIES) return;
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(k);
    }
  }
}

/**
 * The prompt's blocks in cache order (each tool, each system block, each message's blocks),
 * with the digest and token count of the prefix each one closes. A block's cache_control is
 * not part of its content: moving a breakpoint does not change the prefix before it.
 */
export function promptBoundaries(request: MessagesRequest): Boundary[] {
  const hash: Hash = createHash('sha256');
  const boundaries: Boundary[] = [];
  let chars = 0;
  const add = (block: unknown, role: string) => {
    // Whatever a block is (a string, or something malformed a test sends), its JSON is its content.
    const isObject = typeof block === 'object' && block !== null;
    const { cache_control: control, ...content } = isObject ? (block as ContentBlock | ToolDefinition) : { cache_control: undefined };
    const json = JSON.stringify(isObject ? content : block) ?? 'null';
    hash.update(`${role}\u0000${json}\u0000`);
    // Counted like the whole prompt's estimate (its JSON), so that the prefix never outgrows it.
    chars += json.length + 1;
    const boundary: Boundary = { digest: hash.copy().digest('base64url'), tokens: Math.floor(chars / CHARS_PER_TOKEN) };
    const ttl = ttlOf(control);
    if (ttl) boundary.ttl = ttl;
    boundaries.push(boundary);
  };
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  for (const tool of list(request.tools)) add(tool, 'tool');
  for (const block of list(request.system)) add(block, 'system');
  for (const message of request.messages) for (const block of list(message?.content)) add(block, String(message?.role));
  // A top-level cache_control (automatic caching) is a breakpoint on the last block.
  const automatic = ttlOf(request.cache_control);
  const last = boundaries.at(-1);
  if (automatic && last && !last.ttl) last.ttl = automatic;
  return boundaries;
}

function ttlOf(control: unknown): CacheTtl | undefined {
  if (!control || typeof control !== 'object' || (control as { type?: unknown }).type !== 'ephemeral') return undefined;
  return (control as { ttl?: unknown }).ttl === '1h' ? '1h' : '5m';
}
