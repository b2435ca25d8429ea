import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifyConversation, sourceOf } from '../conversations/identify';
import type { MessagesRequest } from '../wire';
import { RequestBody } from './request-body';

const fixture = readFileSync(new URL('../../test/fixtures/claude-code/request-2.1.332.json', import.meta.url), 'utf8');
const parse = (text: string) => JSON.parse(text) as MessagesRequest;

describe('RequestBody', () => {
  it('reads single members without parsing the request', () => {
    const body = new RequestBody(Buffer.from(fixture));
    expect(body.member('model')).toBe('claude-opus-5-5');
    expect(body.member('stream')).toBe(true);
    expect(body.member('absent')).toBeUndefined();
    expect(body.isParsed).toBe(false);
    expect(body.request).toEqual(parse(fixture));
    expect(body.isParsed).toBe(true);
  });

  it('identifies the conversation from the bytes as from the parsed request', () => {
    const bodies = [
      fixture,
      // A long session: the history ten times over.
      JSON.stringify({ ...parse(fixture), messages: Array.from({ length: 10 }, () => parse(fixture).messages).flat() }),
      // No session id: the opening's hash, from the system prompt and the first user turn.
      JSON.stringify({ ...parse(fixture), metadata: undefined }),
      JSON.stringify({ model: 'm', system: 'Primary working directory: /sys', messages: [{ role: 'assistant', content: 'a' }, { role: 'user', content: [{ type: 'text', text: 'q' }] }] }, null, 2),
      JSON.stringify({ model: 'm', messages: [{ role: 'system', content: [{ type: 'text', text: 'x\nPrimary working directory:   /in/message \n' }] }, 7, null, { role: 'user', content: 'hi' }] }),
      JSON.stringify({ model: 'm', messages: [] }),
    ];
    for (const text of bodies) {
      const lazy = new RequestBody(Buffer.from(text));
      const identified = identifyConversation(lazy.conversationSource());
      expect(identified).toEqual(identifyConversation(sourceOf(parse(text))));
      expect([text.slice(0, 40), lazy.isParsed]).toEqual([text.slice(0, 40), false]);
    }
    expect(identifyConversation(new RequestBody(Buffer.from(bodies[4])).conversationSource())?.project).toBe('/in/message');
  });

  it('splices a changed request: equal to the change, the untouched parts as the client wrote them', () => {
    // Pretty-printed by the client: its layout survives only in the parts the change kept.
    const text = JSON.stringify(parse(fixture), null, 1);
    const body = new RequestBody(Buffer.from(text));
    const request = body.request;
    const changed: MessagesRequest = { ...request, model: 'claude-haiku-4-5', max_tokens: 1_000, messages: [...request.messages.slice(0, -1), { role: 'user', content: 'new' }] };
    delete changed.metadata;
    const spliced = body.serialize(changed).toString();
    expect(JSON.parse(spliced)).toEqual(JSON.parse(JSON.stringify(changed)));
    const layout = (value: unknown) => JSON.stringify(value, null, 1).replace(/\n/g, '\n ');
    expect(spliced).toContain(layout(request.tools).slice(0, 200));
    expect(spliced).toContain(`"model":"claude-haiku-4-5"`);
  });

  it('splices whatever a change does to a request, members and messages alike', () => {
    const request = parse(fixture);
    const change = fc.record({
      drop: fc.subarray(Object.keys(request)),
      set: fc.dictionary(fc.constantFrom('model', 'max_tokens', 'thinking', 'extra'), fc.jsonValue()),
      // Kept messages in order (runs of them), in any order, or twice.
      keep: fc.oneof(fc.subarray(request.messages.map((_, i) => i)), fc.array(fc.nat(request.messages.length - 1), { maxLength: request.messages.length + 2 })),
      insert: fc.array(fc.jsonValue(), { maxLength: 2 }),
      space: fc.constantFrom(undefined, 1, '\t'),
    });
    fc.assert(
      fc.property(change, ({ drop, set, keep, insert, space }) => {
        const body = new RequestBody(Buffer.from(JSON.stringify(request, null, space)));
        const original = body.request;
        const changed = { ...original, ...set, messages: [...keep.map((i) => original.messages[i]), ...insert] } as MessagesRequest;
        for (const key of drop) delete (changed as unknown as Record<string, unknown>)[key];
        expect(JSON.parse(body.serialize(changed).toString())).toEqual(JSON.parse(JSON.stringify(changed)));
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('serialises a request built elsewhere (not from these bytes) in full', () => {
    const body = new RequestBody(Buffer.from('{"model": "a", "messages": []}'));
    const other = { model: 'b', messages: [{ role: 'user', content: 'x' }] } as MessagesRequest;
    expect(JSON.parse(body.serialize(other).toString())).toEqual(other);
  });
});
