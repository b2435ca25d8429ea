import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestBody } from '../request/request-body';
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

  it('does not read the history block by block when its bytes hold no breakpoint', () => {
    const r = request([block('q')]);
    const raw = Buffer.from(JSON.stringify(r));
    const unread = r.messages.map(({ role }) => ({
      role,
      get content(): never {
        throw new Error('the history was read');
      },
    }));
    expect(measureRequest({ ...r, messages: unread } as MessagesRequest, new RequestBody(raw, r), 0.25)).toEqual(measureRequest(r, raw.length, 0.25));
  });

  it('measures the tools and the system prompt before a breakpoint off the body, without reading the tools', () => {
    const r = request([block('q')], [block('s'.repeat(300)), block('t'.repeat(500), '5m'), block('after')]);
    const raw = Buffer.from(JSON.stringify(r));
    const unread = {
      ...r,
      get tools(): never {
        throw new Error('the tools were read');
      },
    };
    expect(measureRequest(unread as MessagesRequest, new RequestBody(raw, r), 0.25)).toEqual(measureRequest(r, raw.length, 0.25));
  });

  it('measures the same on the body as it arrived as by serialising, wherever the breakpoint is', () => {
    // Text with what JSON escapes or encodes in several bytes: quotes, backslashes, newlines, control characters, non-ASCII.
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '"', '\\', '\n', '\u0001', '😀', ' '), maxLength: 40 });
    const control = fc.option(fc.constantFrom<'5m' | '1h'>('5m', '1h'), { nil: undefined });
    const cached = <T extends object>(value: T, ttl: '5m' | '1h' | undefined) =>
      ttl ? { ...value, cache_control: ttl === '1h' ? { type: 'ephemeral' as const, ttl: '1h' } : { type: 'ephemeral' as const } } : value;
    const tool = fc.record({ name: text, description: text, ttl: control }).map(({ ttl, ...t }) => cached({ ...t, input_schema: { type: 'object' } }, ttl));
    const system = fc.oneof(text, fc.array(fc.record({ text, ttl: control }).map(({ text, ttl }) => block(text, ttl)), { maxLength: 4 }));
    const message = fc.record({ role: fc.constantFrom<'user' | 'assistant'>('user', 'assistant'), content: fc.oneof(text, fc.array(fc.record({ text, ttl: control }).map(({ text, ttl }) => block(text, ttl)), { maxLength: 3 })) });
    const requests = fc.record(
      { tools: fc.option(fc.array(tool, { maxLength: 4 }), { nil: undefined }), system: fc.option(system, { nil: undefined }), messages: fc.array(message, { minLength: 1, maxLength: 4 }) },
      { requiredKeys: ['messages'] },
    );
    fc.assert(
      fc.property(requests, (fields) => {
        const r = { model: 'claude-opus-5-5', max_tokens: 1_000, ...fields } as MessagesRequest;
        const raw = Buffer.from(JSON.stringify(r));
        expect(measureRequest(r, new RequestBody(raw, r), 0.25)).toEqual(measureRequest(r, raw.length, 0.25));
      }),
      { numRuns: 500 },
    );
  });
});
