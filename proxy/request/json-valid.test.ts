import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJson } from './json-valid';

const fixture = readFileSync(new URL('../../test/fixtures/claude-code/request-2.1.332.json', import.meta.url));

function parses(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

const bodies: Array<[string, string | Buffer]> = [
  ['escapes of every kind', '{"a\\"b": "\\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\ude00 \\udc00", "c": ["\\""]}'],
  ['a bad escape', '{"a": "\\x41"}'],
  ['a short unicode escape', '{"a": "\\u12g4"}'],
  ['an escape cut by the end', '{"a": "\\u12'],
  ['a raw tab in a string', '{"a": "x\ty"}'],
  ['a raw newline in a string', '{"a": "x\ny"}'],
  ['a raw DEL in a string (allowed)', '{"a": "x\u007fy"}'],
  ['numbers', '[0, -0, 1, -12, 1.5, -0.25, 1e5, 1E+5, 2e-3, 123456789012345678901234567890]'],
  ['a leading zero', '[01]'],
  ['a bare minus', '[-]'],
  ['a dot without digits after', '[1.]'],
  ['a dot without digits before', '[.5]'],
  ['an exponent without digits', '[1e]'],
  ['an exponent sign without digits', '[1e+]'],
  ['a plus sign', '[+1]'],
  ['a literal followed by letters', '[truex]'],
  ['a cut literal', '[nul'],
  ['capitalised literals', '[True]'],
  ['empty containers', '{"a": {}, "b": [], "c": [{}, [[]]]}'],
  ['whitespace around everything', ' \t\r\n{ "a" :\n[ 1 ,\t2 ] , "b" : { } } \n'],
  ['a trailing comma', '[1, 2,]'],
  ['a leading comma', '[, 1]'],
  ['a key that is not a string', '{a: 1}'],
  ['a number as key', '{1: 1}'],
  ['a missing value', '{"a": }'],
  ['a colon in an array', '[1: 2]'],
  ['unclosed containers', '{"a": [1, {"b": 2}'],
  ['too many closers', '{"a": 1}}'],
  ['a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')])],
  ['invalid UTF-8 in strings', Buffer.concat([Buffer.from('{"a": "x'), Buffer.from([0xc3]), Buffer.from('", "b'), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('": 2}')])],
  ['a non-ASCII byte outside strings', Buffer.concat([Buffer.from('{"a": 1'), Buffer.from([0xc2, 0xa0]), Buffer.from('}')])],
  ['a NUL outside strings', '{"a": 1\u0000}'],
  ['a top-level scalar', ' "s" '],
  ['empty', ''],
  ['only whitespace', '  '],
];

describe('isJson', () => {
  it.each(bodies)('says what JSON.parse says: %s', (_name, text) => {
    const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
    expect(isJson(body)).toBe(parses(body));
  });

  it('takes a real Claude Code request', () => {
    expect(isJson(fixture)).toBe(true);
  });

  it('takes random values in random layouts', () => {
    const layout = fc.constantFrom(undefined, 1, '\t', ' \n ');
    fc.assert(
      fc.property(fc.jsonValue(), layout, (value, space) => {
        expect(isJson(Buffer.from(JSON.stringify(value, null, space)))).toBe(true);
      }),
      { numRuns: 2_000, seed: 17 },
    );
  });

  it('says what JSON.parse says on damaged bodies', () => {
    const damage = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\\u', ' ', '\n', '\u0001', 'x', 'e', '.', '-', '+', '0', '1', 'true', '\u00e9');
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom('insert', 'replace', 'delete'), damage, (value, at, how, text) => {
        const json = JSON.stringify({ model: 'claude-haiku-4-5', value });
        const i = at % json.length;
        const damaged = how === 'insert' ? json.slice(0, i) + text + json.slice(i) : how === 'replace' ? json.slice(0, i) + text + json.slice(i + 1) : json.slice(0, i) + json.slice(i + 1);
        const body = Buffer.from(damaged);
        expect(isJson(body)).toBe(parses(body));
      }),
      { numRuns: 5_000, seed: 17 },
    );
  });

  it('says what JSON.parse says on random bytes drawn from JSON', () => {
    const token = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\\"', '\\u00', 'a', '0', '-', '.', 'e', 'true', 'null', ' ', '\t', '\u0000', '\u00ff');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 16 }), (tokens) => {
        const body = Buffer.from(tokens.join(''));
        expect(isJson(body)).toBe(parses(body));
      }),
      { numRuns: 5_000, seed: 17 },
    );
  });
});

describe('isJson, four bytes at a time', () => {
  it('finds the character that ends or breaks a string wherever it falls in a word, at any alignment', () => {
    const char = fc.constantFrom('a', 'é', '😀', ' ', '\\n', '\\"', '\\\\', '\\u00e9', '"', '\\', '\u0001', '\n', '\u001f', '\u007f', '\\q');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), fc.integer({ min: 0, max: 7 }), (chars, offset) => {
        const text = `{"k": "${chars.join('')}", "n": [1]}`;
        // The same bytes at every offset of a larger allocation: the words start elsewhere each time.
        const body = Buffer.concat([Buffer.alloc(offset), Buffer.from(text)]).subarray(offset);
        expect(isJson(body)).toBe(parses(body));
      }),
      { numRuns: 5_000, seed: 19 },
    );
  });

  it('answers for a body that ends before its first aligned byte', () => {
    const pool = Buffer.alloc(8, 0x31); // "11111111"
    for (const [offset, length] of [[1, 1], [1, 2], [2, 1], [1, 0], [3, 0]]) {
      const body = pool.subarray(offset, offset + length);
      expect(isJson(body), `offset ${offset}, length ${length}`).toBe(parses(body));
    }
  });
});
