import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseJsonBytes } from './json-bytes';

const claudeCodeRequest = JSON.parse(readFileSync(new URL('../../test/fixtures/claude-code/request-2.1.332.json', import.meta.url), 'utf8')) as { messages: unknown[] };

/** parseJsonBytes against JSON.parse of the whole body: the same value (key order included) or the same error. */
function outcome(run: () => unknown): { value: string; protoKey: boolean } | { error: string } {
  try {
    const value = run();
    return { value: JSON.stringify(value), protoKey: Object.prototype.hasOwnProperty.call(value ?? {}, '__proto__') };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function expectSameAsJsonParse(body: Buffer, pieceBytes: number): void {
  expect(outcome(() => parseJsonBytes(body, pieceBytes))).toEqual(outcome(() => JSON.parse(body.toString('utf8'))));
}

const tricky: Array<[string, string | Buffer]> = [
  ['escaped quotes and backslash runs in keys and values', '{"a\\"b": "c\\\\", "d\\\\\\"": ["\\"]", "\\\\"], "e": "x\\\\\\\\"}'],
  ['unicode escapes, a quote among them', '{"\\u006dodel": "claude\\u0022\\u00e9\\ud83d\\ude00", "k": "\\u005c"}'],
  ['duplicate keys: first place, last value', '{"model": "a", "messages": [1], "model": "b", "x": {"y": 1, "y": [2, 3]}}'],
  ['a __proto__ key is an own property', '{"__proto__": {"polluted": true}, "a": [{"__proto__": 1}]}'],
  ['JSON whitespace everywhere', ' \t\r\n{ \n"a" \t: \r[ 1 , 2\n, { } , [ ] ] ,\t"b":null } \n'],
  ['numbers and literals', '{"a": -0, "b": 1e5, "c": -1.5E-3, "d": true, "e": false, "f": null, "g": 12345678901234567890}'],
  ['multi-byte UTF-8 text', '{"text": "日本語 — ünïcødé 😀", "日本": ["é", "ß"]}'],
  ['a trailing comma in an object', '{"a": 1, "b": 2,}'],
  ['a trailing comma in an array', '{"a": [1, 2, ], "b": 2}'],
  ['an empty member', '{"a": 1,, "b": 2}'],
  ['a missing colon', '{"a" 1, "b": 2}'],
  ['garbage after the body', '{"a": [1, 2], "b": 2} x'],
  ['two bodies', '{"a": [1, 2]} {"b": 2}'],
  ['an unterminated string', '{"a": [1, 2], "b": "abc'],
  ['an unterminated object', '{"a": [1, 2], "b": {"c": 1'],
  ['mismatched brackets', '{"a": [1, 2}, "b": 2]'],
  ['a non-JSON space (no-break space)', '{"a": [1, 2],\u00a0"b": 2}'],
  ['a form feed', '{"a": [1, 2],\f"b": 2}'],
  ['a raw control character in a string', '{"a": [1, 2], "b": "x\u0001y"}'],
  ['a bad literal', '{"a": [1, 2], "b": tru}'],
  ['two numbers in a row', '{"a": [1 2], "b": 2}'],
  ['a single-quoted string', "{'a': [1, 2], \"b\": 2}"],
  ['a leading byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": [1, 2], "b": 2}')])],
  ['invalid UTF-8 around structure', Buffer.concat([Buffer.from('{"a": ["x'), Buffer.from([0xc3]), Buffer.from('", "'), Buffer.from([0xe2, 0x82]), Buffer.from('"], "b'), Buffer.from([0xff]), Buffer.from('": 2}')])],
  ['a top-level array', '[{"a": 1}, [2, 3], "four", 5, null]'],
  ['a top-level string', '"just a string with a \\" quote"'],
  ['a top-level number', '  42  '],
  ['empty', ''],
  ['only whitespace', ' \n '],
];

describe('parseJsonBytes', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(tricky)('gives what JSON.parse gives: %s', (_name, text) => {
    const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
    for (const pieceBytes of [1, 2, 5, 12, 60_000]) expectSameAsJsonParse(body, pieceBytes);
  });

  it.each(tricky.slice(0, 7))('cuts a well-formed body without falling back to the whole: %s', (_name, text) => {
    const parse = vi.spyOn(JSON, 'parse');
    parseJsonBytes(Buffer.from(text), 5);
    const whole = parse.mock.calls.some(([piece]) => piece === text);
    parse.mockRestore();
    expect(whole).toBe(false);
  });

  it('never hands JSON.parse more than a piece of a well-formed large body', () => {
    // A real Claude Code request (~52 KB) with its history repeated up to a long session's ~350 KB.
    const messages = Array.from({ length: 32 }, () => claudeCodeRequest.messages).flat();
    const body = Buffer.from(JSON.stringify({ ...claudeCodeRequest, messages }));
    expect(body.length).toBeGreaterThan(300_000);
    const parse = vi.spyOn(JSON, 'parse');
    const value = parseJsonBytes(body);
    const sizes = parse.mock.calls.map(([text]) => Buffer.byteLength(text as string));
    parse.mockRestore();
    expect(value).toEqual(JSON.parse(body.toString('utf8')));
    expect(sizes.length).toBeGreaterThan(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(60_000);
  });

  it('matches JSON.parse on random values in random layouts, with pieces of any size', () => {
    const layout = fc.constantFrom(undefined, 1, '\t', ' \n ');
    fc.assert(
      fc.property(fc.jsonValue(), layout, fc.integer({ min: 1, max: 200 }), (value, space, pieceBytes) => {
        expectSameAsJsonParse(Buffer.from(JSON.stringify(value, null, space)), pieceBytes);
      }),
      { numRuns: 2_000, seed: 13 },
    );
  });

  it('matches JSON.parse, value or error, on damaged bodies', () => {
    const damage = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', ' ', 'x', '1', '\u00e9');
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom('insert', 'replace', 'delete'), damage, fc.integer({ min: 1, max: 100 }), (value, at, how, text, pieceBytes) => {
        const json = JSON.stringify({ model: 'claude-haiku-4-5', value });
        const i = at % json.length;
        const damaged = how === 'insert' ? json.slice(0, i) + text + json.slice(i) : how === 'replace' ? json.slice(0, i) + text + json.slice(i + 1) : json.slice(0, i) + json.slice(i + 1);
        expectSameAsJsonParse(Buffer.from(damaged), pieceBytes);
      }),
      { numRuns: 3_000, seed: 13 },
    );
  });
});
