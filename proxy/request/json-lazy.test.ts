import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EAGER_BYTES, lazyJson } from './json-lazy';

const whole = (raw: Buffer) => ({ start: 0, end: raw.length });
const read = (text: string, levels = 8) => lazyJson(Buffer.from(text), whole(Buffer.from(text)), levels);
/** A string long enough to be read lazily wherever it is. */
const big = (seed: string) => `${seed} `.repeat(Math.ceil((EAGER_BYTES * 2) / (seed.length + 1)));

/** Every own property name, in order, with its value: what a reader of the value can tell apart (the lazy state is symbol-keyed, hidden). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') return Object.getOwnPropertyNames(value).map((key) => [key, shape((value as Record<string, unknown>)[key])]);
  return value;
}

describe('lazyJson', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads what JSON.parse reads, key order and __proto__ included, in any layout', () => {
    // Large strings among small values, so that objects and arrays at every level are read lazily.
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.constantFrom('', big('x'), big('日本 "q" \\ \n')), tie('object'), tie('array')),
      object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'role', '1', 'content')), tie('node'), { maxKeys: 5 }),
      array: fc.array(tie('node'), { maxLength: 5 }),
    })).object;
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 1, '\t'), (object, space) => {
        const text = JSON.stringify(object, null, space);
        const lazy = read(text);
        expect(shape(lazy)).toEqual(shape(JSON.parse(text)));
        expect(JSON.stringify(lazy)).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 400, seed: 23 },
    );
  });

  it('keeps a repeated key in its first place with its last value, as JSON.parse does', () => {
    const text = `{"a": "${big('first')}", "b": 1, "a": "${big('last')}", "__proto__": {"x": "${big('p')}"}}`;
    const lazy = read(text) as Record<string, unknown>;
    expect(shape(lazy)).toEqual(shape(JSON.parse(text)));
    expect(Object.getPrototypeOf(lazy)).toBe(Object.prototype);
  });

  it('parses a large member only when it is read, once, and keeps what is written', () => {
    const output = big('tool output');
    const text = JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: output }] }, { role: 'user', content: 'q' }] });
    const parse = vi.spyOn(JSON, 'parse');
    const lazy = read(text) as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    const [first] = lazy.messages;
    expect([first.role, first.content[0].type, first.content[0].tool_use_id]).toEqual(['user', 'tool_result', 't1']);
    expect(parse.mock.calls.some(([piece]) => String(piece).includes('tool output'))).toBe(false);
    expect(first.content[0].content).toBe(output);
    expect(lazy.messages).toBe(lazy.messages);
    expect(first.content).toBe(first.content);
    first.content = [{ type: 'text', text: 'new' }];
    expect(JSON.parse(JSON.stringify(lazy))).toEqual({ messages: [{ role: 'user', content: [{ type: 'text', text: 'new' }] }, { role: 'user', content: 'q' }] });
    expect({ ...first }).toEqual({ role: 'user', content: [{ type: 'text', text: 'new' }] });
  });

  it('stays lazy for the levels it is told, and parses a value below them whole when read', () => {
    const text = JSON.stringify({ a: { b: { c: big('deep') } } });
    const outer = read(text, 2) as { a: { b: unknown } };
    expect(Object.getOwnPropertyDescriptor(outer, 'a')?.get).toBeTypeOf('function');
    expect(Object.getOwnPropertyDescriptor(outer.a, 'b')?.get).toBeTypeOf('function');
    // The third level is below the two: a plain value, parsed with its whole subtree.
    expect(Object.getOwnPropertyDescriptor(outer.a.b, 'c')).toMatchObject({ value: big('deep') });
    expect(outer).toEqual(JSON.parse(text));
  });

  it('keeps no client-chosen long member name alive after its value is gone', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heapUsed = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heapUsed();
    for (let i = 0; i < 40; i++) {
      // A member over EAGER_BYTES gets an accessor; a shared one would keep its 1 MB name for the process's life.
      const name = `k${i}-${'k'.repeat(1_000_000)}`;
      expect(Object.keys(read(JSON.stringify({ [name]: big('v') })) as object)).toEqual([name]);
    }
    expect(heapUsed() - before).toBeLessThan(10_000_000);
  });
});
