import { describe, expect, it } from 'vitest';
import type { ContentBlock, MessagesRequest } from '../wire';
import { measureRequest } from './request-size';

const block = (text: string, ttl?: '5m' | '1h'): ContentBlock => ({
  type: 'text',
  text,
  ...(ttl && { cache_control: ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' } }),
});
const json = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

function request(last: ContentBlock[], system: ContentBlock[] = [block('s'.repeat(4_000), '5m')]): MessagesRequest {
  return {
    model: 'claude-opus-5-5',
    max_tokens: 1_000,
    tools: [{ name: 'Read', input_schema: { type: 'object' } }],
    system,
    messages: [
      { role: 'user', content: [block('u'.repeat(2_000))] },
      { role: 'assistant', content: [block('a'.repeat(1_000))] },
      { role: 'user', content: last },
    ],
  };
}

describe('measureRequest', () => {
  it('counts the whole body by bytes, all of it cacheable when the breakpoint ends it', () => {
    const r = request([block('q'.repeat(3_000), '1h')]);
    const raw = json(r);
    const size = measureRequest(r, raw, 0.25);
    expect(size).toEqual({ promptTokens: Math.round(raw / 4), cacheableTokens: Math.round(raw / 4), ttl: '1h' });
  });

  it('leaves out what follows the last breakpoint', () => {
    const after = block('z'.repeat(800));
    const r = request([block('q'.repeat(3_000), '5m'), after]);
    const raw = json(r);
    expect(measureRequest(r, raw, 0.25)).toMatchObject({ ttl: '5m', cacheableTokens: Math.round(raw / 4) - Math.round(json([after]) / 4) });
  });

  it('counts only tools and system up to a breakpoint in the system', () => {
    const r = request([block('q')]);
    const size = measureRequest(r, json(r), 0.25);
    expect(size).toMatchObject({ ttl: '5m', cacheableTokens: Math.round((json(r.tools) + json(r.system)) / 4) });
  });

  it('knows a request without cache_control caches nothing, and a top-level one caches it all', () => {
    const r = request([block('q')], [block('s')]);
    expect(measureRequest(r, 8_000, 0.25)).toMatchObject({ promptTokens: 2_000, cacheableTokens: 0, ttl: null });
    expect(measureRequest({ ...r, cache_control: { type: 'ephemeral' } }, 8_000, 0.25)).toMatchObject({ cacheableTokens: 2_000, ttl: '5m' });
  });
});
