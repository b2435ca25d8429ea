import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { identifyConversation, sourceOf } from '../conversations/identify';
import { measureRequest } from '../economics/request-size';
import { buildAnswerRequest, buildDraftRequest } from '../models/adapt-request';
import { SignatureRegistry } from '../models/signatures';
import { checkQuality } from '../quality';
import type { AssistantMessage, MessagesRequest } from '../wire';
import { nestsTooDeep, parseJsonBody } from './body-depth';
import { parseJsonBytes } from './json-bytes';
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

  it('parses a small request whole when asked for it, where reading it lazily would cost more', () => {
    const small = JSON.stringify({ ...parse(fixture), system: 'short', tools: [] });
    expect(Buffer.byteLength(small)).toBeLessThan(32 * 1024);
    const expected = parse(small);
    const parseSpy = vi.spyOn(JSON, 'parse');
    try {
      const request = new RequestBody(Buffer.from(small)).request;
      expect(parseSpy.mock.calls.map(([text]) => text)).toEqual([small]);
      expect(request).toEqual(expected);
    } finally {
      parseSpy.mockRestore();
    }
  });

  it('tells a body too deep on its member walk as a count over its bytes does', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '[', ']', '{', '}', '"', '\\', 'é', ' ') });
    const value = fc.jsonValue({ maxDepth: 6 }).chain((v) => fc.oneof(fc.constant(v), text.map((t) => [t, v, { [t]: [v] }])));
    fc.assert(
      fc.property(fc.dictionary(text, value, { maxKeys: 4 }), fc.nat(10), fc.boolean(), (object, max, spaced) => {
        const raw = Buffer.from(JSON.stringify(object, null, spaced ? 1 : undefined));
        expect(new RequestBody(raw).nestsDeeperThan(max)).toBe(nestsTooDeep(raw, max));
      }),
      { numRuns: 1_000 },
    );
    // A body the member walk cannot follow is counted over its bytes, among them bad tokens that hold a quote or bracket.
    const odd = ['[[[1]]]', '{"a":[[1]]', '{"a":[[1]]}}', '{"m":"m","messages":[],"x":1[[[[[}', '{"a":x", "b":"[[[["}', '{"a":x","b":[[[1]]],"c":"y"}', '{"a":tru{[[}'];
    for (const raw of odd) expect(new RequestBody(Buffer.from(raw)).nestsDeeperThan(2), raw).toBe(nestsTooDeep(Buffer.from(raw), 2));
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

  it('finds the working directory in the bytes where a search of the parsed text finds it, whatever surrounds it', () => {
    const phrase = 'Primary working directory:';
    const piece = fc.constantFrom(phrase, ' ', '   ', '/srv/app', 'é', '😀', '\n', '\r', '"', '\\', '\u000a', 'x'.repeat(30), '\t');
    const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
    const texts = fc.array(text, { minLength: 1, maxLength: 3 });
    // \u escapes of whatever JSON.stringify leaves as it is (the bytes then hold \u000a for a newline too).
    const escaped = (json: string) => json.replace(/\\n/g, '\\u000a');
    fc.assert(
      fc.property(texts, fc.constantFrom('system string', 'system blocks', 'system message'), fc.boolean(), (parts, where, escape) => {
        const blocks = parts.map((t) => ({ type: 'text', text: t }));
        const request =
          where === 'system string'
            ? { model: 'm', system: parts.join('\n'), messages: [{ role: 'user', content: 'hi' }] }
            : where === 'system blocks'
              ? { model: 'm', system: blocks, messages: [{ role: 'user', content: 'hi' }] }
              : { model: 'm', messages: [{ role: 'system', content: blocks }, { role: 'user', content: 'hi' }] };
        const json = JSON.stringify(request);
        const raw = escape ? escaped(json) : json;
        const fromBytes = identifyConversation(new RequestBody(Buffer.from(raw)).conversationSource());
        expect(fromBytes).toEqual(identifyConversation(sourceOf(parse(raw))));
      }),
      { numRuns: 3_000, seed: 7 },
    );
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

  it('splices a large changed request as pieces: long runs of the client bytes as views of them, the rest copied', () => {
    // A long session: tool results of 40-60 KB each, pretty-printed by the client.
    const base = parse(fixture);
    const results = Array.from({ length: 12 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${'line of a file\n'.repeat(2_500 + i * 100)}` }) as const);
    const large = { ...base, messages: [...results, ...base.messages] } as MessagesRequest;
    const raw = Buffer.from(JSON.stringify(large, null, 1));
    const body = new RequestBody(raw);
    const request = body.request;
    const changed: MessagesRequest = { ...request, model: 'claude-haiku-4-5', messages: [...request.messages.slice(0, -1), { role: 'user', content: 'new' }] };
    const pieces = body.serialize(changed);
    if (!Array.isArray(pieces)) throw new Error('expected pieces for a body of 256 KB or more');
    expect(JSON.parse(Buffer.concat(pieces).toString())).toEqual(JSON.parse(JSON.stringify(changed)));
    const views = pieces.filter((piece) => piece.buffer === raw.buffer);
    const copied = pieces.filter((piece) => piece.buffer !== raw.buffer).reduce((sum, piece) => sum + piece.length, 0);
    expect(views.length).toBeGreaterThan(0);
    expect(copied).toBeLessThan(raw.length / 20);
    // Whatever a change does, the pieces make the change's JSON.
    const change = fc.record({ keep: fc.array(fc.nat(request.messages.length - 1), { maxLength: request.messages.length + 2 }), set: fc.dictionary(fc.constantFrom('model', 'system', 'extra'), fc.jsonValue()) });
    fc.assert(
      fc.property(change, ({ keep, set }) => {
        const other = { ...request, ...set, messages: keep.map((i) => request.messages[i]) } as MessagesRequest;
        expect(JSON.parse(Buffer.concat([body.serialize(other)].flat()).toString())).toEqual(JSON.parse(JSON.stringify(other)));
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('serialises a request built elsewhere (not from these bytes) in full', () => {
    const body = new RequestBody(Buffer.from('{"model": "a", "messages": []}'));
    const other = { model: 'b', messages: [{ role: 'user', content: 'x' }] } as MessagesRequest;
    expect(JSON.parse(body.serialize(other).toString())).toEqual(other);
  });

  describe('read lazily', () => {
    // A long Claude Code session on the captured request: tool calls, their results (large, one
    // failed), a call made three times, a thinking block another model signed, and the question.
    const exchange = (i: number) => [
      {
        role: 'assistant',
        content: [
          ...(i === 1 ? [{ type: 'thinking', thinking: 'plan', signature: 'sig-elsewhere' }] : []),
          { type: 'text', text: `Reading part ${i}.` },
          { type: 'tool_use', id: `toolu_${i}`, name: 'Read', input: { file_path: `/repo/src/m${i % 3}.ts` } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, ...(i === 4 && { is_error: true }), content: `${i === 4 ? 'Error: EACCES ' : ''}${'const x = "q\\u00e9";\n'.repeat(300)}` }],
      },
    ];
    const session = (exchanges: number) => {
      const request = parse(fixture);
      return { ...request, messages: [...request.messages.slice(0, -1), ...Array.from({ length: exchanges }, (_, i) => exchange(i)).flat(), request.messages.at(-1)!] };
    };
    const texts = [fixture, JSON.stringify(session(6)), JSON.stringify(session(40), null, 1)];
    const draft = (content: unknown[]): AssistantMessage =>
      ({ type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content, stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 9 } }) as unknown as AssistantMessage;
    const drafts = [
      draft([{ type: 'text', text: 'The build compiles the renderer and bundles the main process.' }]),
      draft([{ type: 'tool_use', id: 'toolu_new', name: 'Read', input: { file_path: '/repo/src/m1.ts' } }]),
      draft([{ type: 'tool_use', id: 'toolu_new', name: 'Read', input: { file_path: '/repo/src/m1.ts ' } }]),
    ];

    it('sends the same draft and answer bodies, byte for byte, as a full parse', () => {
      const signatures = new SignatureRegistry();
      for (const text of texts) {
        for (const model of ['claude-haiku-4-5', 'claude-haiku-5-5', 'claude-sonnet-4-6']) {
          const lazy = new RequestBody(Buffer.from(text));
          const full = new RequestBody(Buffer.from(text), parse(text));
          expect(lazy.request).not.toBe(full.request);
          const lazyDraft = buildDraftRequest(lazy.request, 'a,b', model, signatures);
          const fullDraft = buildDraftRequest(full.request, 'a,b', model, signatures);
          expect({ ...lazyDraft, body: lazy.serialize(lazyDraft.body).toString() }).toEqual({ ...fullDraft, body: full.serialize(fullDraft.body).toString() });
          const answer = (body: RequestBody) => {
            const request = buildAnswerRequest(body.request, model, signatures);
            return request && body.serialize(request).toString();
          };
          expect(answer(lazy)).toBe(answer(full));
        }
      }
    });

    it('gives the checker, the economics and the conversation what a full parse gives them', () => {
      for (const text of texts) {
        const lazy = new RequestBody(Buffer.from(text));
        const full = new RequestBody(Buffer.from(text), parse(text));
        for (const message of drafts) {
          expect(checkQuality(lazy.request, message)).toEqual(checkQuality(parse(text), message));
          expect(checkQuality(lazy.request, message, { partial: true, completeBlocks: 0 })).toEqual(checkQuality(parse(text), message, { partial: true, completeBlocks: 0 }));
        }
        expect(measureRequest(lazy.request, lazy)).toEqual(measureRequest(full.request, full));
        expect(identifyConversation(lazy.conversationSource())).toEqual(identifyConversation(full.conversationSource()));
        expect(lazy.request).toEqual(parse(text));
      }
    });

    it('does not parse the tool outputs it is not asked for', () => {
      const text = JSON.stringify(session(40));
      const body = new RequestBody(Buffer.from(text));
      const parse = vi.spyOn(JSON, 'parse');
      const request = body.request;
      buildDraftRequest(request, undefined, 'claude-haiku-4-5', new SignatureRegistry());
      for (const message of drafts) checkQuality(request, message);
      measureRequest(request, body);
      const parsed = parse.mock.calls.reduce((sum, [piece]) => sum + String(piece).length, 0);
      parse.mockRestore();
      // The failed call's result is read (its error), the others not.
      expect(parsed).toBeLessThan(text.length / 4);
    });

    it('refuses a body with a malformed message as a full parse does, with its error', () => {
      const good = JSON.stringify(session(6));
      const at = good.indexOf('"tool_use_id":"toolu_3"');
      const malformed = [
        good.slice(0, at) + '"tool_use_id":"toolu_3",,' + good.slice(at + 23),
        good.slice(0, at) + '"tool_use_id":"tool\\u_3"' + good.slice(at + 23),
        good.slice(0, at) + '"tool_use_id":"tool\\n\\x"' + good.slice(at + 23),
        good.replace('Reading part 2.', 'Reading\\npart\\t2\\u0007.').replace('Reading part 3.', 'Reading\\u0001 part\\n3\\u0.'),
        good.replace('"is_error":true', '"is_error":tru'),
        good.replace('"is_error":true', '"is_error":01'),
        good.slice(0, -1),
        good.replace('Reading part 2.', 'Reading\u0000\u0001'),
      ];
      for (const text of malformed) {
        const body = new RequestBody(Buffer.from(text));
        expect(parseJsonBody(() => body.request)).toEqual(parseJsonBody(() => JSON.parse(text)));
        expect(parseJsonBody(() => body.request).ok).toBe(false);
        expect(body.tryRequest()).toBeNull();
      }
    });
  });

  it('reads a deeply nested value with no more walking than parsing the whole body takes', () => {
    const depth = 490; // two levels each: 980, within the proxy's depth limit
    const pad = JSON.stringify('p'.repeat(1_100)); // every level over EAGER_BYTES: each would be lazy if nothing bounded it
    let nested = '0';
    for (let i = 0; i < depth; i++) nested = `[${pad},{"n":${nested}}]`;
    const raw = Buffer.from(
      `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"},` +
        `{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{"deep":${nested}}}]},` +
        `{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}`,
    );
    expect(nestsTooDeep(raw)).toBe(false);
    // A walk over the bytes finds each string's closing quote with one indexOf.
    const indexOf = vi.spyOn(Buffer.prototype, 'indexOf');
    try {
      const whole = JSON.stringify(parseJsonBytes(raw));
      const wholeWalks = indexOf.mock.calls.length;
      const request = new RequestBody(raw).request;
      indexOf.mockClear();
      // What the checker's callKey (quality/tool-history.ts) and JSON.stringify of a changed message do: read all of it.
      expect(JSON.stringify({ ...request, messages: [request.messages[0], { ...request.messages[1] }, request.messages[2]] })).toBe(whole);
      // Lazy at every level, each level's walk would skip every deeper pad again (~depth² skips).
      expect(indexOf.mock.calls.length).toBeLessThan(wholeWalks * 2);
    } finally {
      indexOf.mockRestore();
    }
  });
});
