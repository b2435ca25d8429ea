// The simulator's prompt cache against hand-computed token counts: prefix order, breakpoints,
// TTL split, expiry, refresh on hit, lookback, scope per key and model, the minimum size; and
// once over HTTP with the official SDK, JSON and streamed, where the usage is what a client sees.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { PromptCache, promptBoundaries } from '../../simulator/prompt-cache';
import { createSimulator, type Simulator } from '../../simulator/server';
import type { ContentBlock, Message, MessagesRequest } from '../../proxy/wire';

const MIN = 60_000;
let clock = 1_000_000;
const now = () => clock;

/**
 * A text block whose JSON is `{"type":"text","text":"…"}` (26 characters with the separator the simulator counts,
 * plus the text): `chars` characters in all, i.e. chars / 4 tokens.
 */
function text(chars: number, ttl?: '5m' | '1h'): ContentBlock {
  const block: ContentBlock = { type: 'text', text: 'a'.repeat(chars - 26) };
  if (ttl) block.cache_control = ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  return block;
}

/** System 8,000 chars (2,000 tokens) with a 1-hour breakpoint; `turns` user blocks of 4,000 chars (1,000 tokens). */
function request(turns: number, options: { model?: string; messageTtl?: '5m' | '1h' | null } = {}): MessagesRequest {
  const messages: Message[] = [];
  for (let i = 0; i < turns; i++) {
    if (i > 0) messages.push({ role: 'assistant', content: [text(400)] });
    messages.push({ role: 'user', content: [text(4_000)] });
  }
  const last = messages.at(-1)?.content as ContentBlock[];
  if (options.messageTtl !== null) last[0] = text(4_000, options.messageTtl ?? '5m');
  return { model: options.model ?? 'claude-opus-5-5', max_tokens: 100, system: [text(8_000, '1h')], messages };
}

const usage = (u: ReturnType<PromptCache['apply']>) => u && {
  input: u.input_tokens,
  read: u.cache_read_input_tokens,
  write5m: u.cache_creation?.ephemeral_5m_input_tokens,
  write1h: u.cache_creation?.ephemeral_1h_input_tokens,
};

describe('simulator prompt cache', () => {
  it('counts the prefix through each block: tools, then system, then messages', () => {
    const boundaries = promptBoundaries({ ...request(1), tools: [{ name: 'Read', description: 'd', input_schema: { type: 'object' } }] });
    // The tool's JSON is 64 characters + 1 → 16 tokens; then 2,000 system tokens; then 1,000 message tokens.
    expect(boundaries.map((b) => [b.tokens, b.ttl])).toEqual([[16, undefined], [2_016, '1h'], [3_016, '5m']]);
  });

  it('writes a first sighting with its TTL split, then reads it back', () => {
    const cache = new PromptCache(now);
    // 3,000 prefix tokens: 2,000 under the 1-hour breakpoint, 1,000 more under the 5-minute one; 50 uncached.
    expect(usage(cache.apply(request(1), 'k', 3_050))).toEqual({ input: 50, read: 0, write5m: 1_000, write1h: 2_000 });
    clock += 4 * MIN;
    expect(usage(cache.apply(request(1), 'k', 3_050))).toEqual({ input: 50, read: 3_000, write5m: 0, write1h: 0 });
  });

  it('expires each breakpoint after its TTL, and a hit refreshes what it read', () => {
    const cache = new PromptCache(now);
    cache.apply(request(1), 'k', 3_000);
    clock += 4 * MIN;
    cache.apply(request(1), 'k', 3_000); // refreshed: now good until 9 minutes from the start
    clock += 4 * MIN;
    expect(usage(cache.apply(request(1), 'k', 3_000))?.read).toBe(3_000);
    // 6 minutes after that last hit the 5-minute part is gone; the 1-hour system prefix is not.
    clock += 6 * MIN;
    expect(usage(cache.apply(request(1), 'k', 3_000))).toEqual({ input: 0, read: 2_000, write5m: 1_000, write1h: 0 });
    clock += 61 * MIN;
    expect(usage(cache.apply(request(1), 'k', 3_000))).toEqual({ input: 0, read: 0, write5m: 1_000, write1h: 2_000 });
  });

  it('reads the previous turn when the breakpoint moves to the new last message, and writes only what is new', () => {
    const cache = new PromptCache(now);
    cache.apply(request(1), 'k', 3_000);
    // Turn 2 adds an assistant block (100 tokens) and a user block (1,000): 1,100 new tokens.
    expect(usage(cache.apply(request(2), 'k', 4_100))).toEqual({ input: 0, read: 3_000, write5m: 1_100, write1h: 0 });
  });

  it('keeps caches apart per API key and per model', () => {
    const cache = new PromptCache(now);
    cache.apply(request(1), 'k', 3_000);
    expect(usage(cache.apply(request(1), 'other key', 3_000))?.read).toBe(0);
    expect(usage(cache.apply(request(1, { model: 'claude-sonnet-5-5' }), 'k2', 3_000))?.read).toBe(0);
  });

  it('looks back at most 20 blocks before a breakpoint for an earlier prefix', () => {
    const cache = new PromptCache(now);
    cache.apply(request(1), 'k', 3_000);
    // 10 turns later the old breakpoint (block 1) is 20 blocks before the new one (block 21): found.
    expect(usage(cache.apply(request(11), 'k', 14_000))?.read).toBe(3_000);
    cache.clear();
    cache.apply(request(1), 'k', 3_000);
    // 11 turns later it is 22 blocks before it: only the system prefix is found.
    expect(usage(cache.apply(request(12), 'k', 15_100))?.read).toBe(2_000);
  });

  it('leaves requests without a breakpoint, or with a prefix under the minimum, to the caller', () => {
    const cache = new PromptCache(now);
    expect(cache.apply(request(1, { messageTtl: null }), 'k', 3_000)).not.toBeNull(); // the system breakpoint still counts
    const bare: MessagesRequest = { model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'hi' }] };
    expect(cache.apply(bare, 'k', 5)).toBeNull();
    const small: MessagesRequest = { model: 'claude-opus-5-5', system: [text(4_000, '5m')], messages: [{ role: 'user', content: 'hi' }] };
    expect(cache.apply(small, 'k', 1_010)).toBeNull(); // 1,000 tokens < 1,024
  });
});

describe('simulator prompt cache over HTTP', () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  it('reports cache reads and writes to the SDK, JSON and streamed, and records them', async () => {
    sim = await createSimulator({ now });
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-sim', maxRetries: 0 });
    const body = request(1) as Anthropic.MessageCreateParamsNonStreaming;
    const first = await client.messages.create(body);
    expect(first.usage).toMatchObject({
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 3_000,
      cache_creation: { ephemeral_5m_input_tokens: 1_000, ephemeral_1h_input_tokens: 2_000 },
    });
    // The whole prompt's estimate (its JSON / 4) less the 3,000 cached tokens: the JSON around the blocks.
    expect(first.usage.input_tokens).toBeGreaterThan(0);
    expect(first.usage.input_tokens).toBeLessThan(50);
    const second = await client.messages.stream(body).finalMessage();
    expect(second.usage).toMatchObject({ cache_read_input_tokens: 3_000, cache_creation_input_tokens: 0, input_tokens: first.usage.input_tokens });
    expect(sim.requests.map((r) => r.usage?.cache_read_input_tokens)).toEqual([0, 3_000]);
  });

  it('reports as before for requests without cache_control', async () => {
    sim = await createSimulator({ now });
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-sim', maxRetries: 0 });
    const answer = await client.messages.create({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(8_000) }] });
    expect(answer.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    expect(answer.usage.cache_creation).toBeUndefined();
    expect(answer.usage.input_tokens).toBeGreaterThan(2_000);
  });
});
