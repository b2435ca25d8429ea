import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elementRanges, firstMemberRange, memberRanges, type Range } from './json-ranges';

const whole = (body: Buffer): Range => ({ start: 0, end: body.length });
const parseAt = (body: Buffer, range: Range) => JSON.parse(body.toString('utf8', range.start, range.end)) as unknown;
const layout = fc.constantFrom(undefined, 1, '\t', ' \n ');

describe('memberRanges', () => {
  it('finds each member of random objects in random layouts, as JSON.parse reads them', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), layout, (object, space) => {
        const body = Buffer.from(JSON.stringify(object, null, space));
        const parsed = JSON.parse(body.toString()) as Record<string, unknown>;
        const members = memberRanges(body)!;
        expect([...members.keys()]).toEqual(Object.keys(parsed));
        for (const [key, range] of members) expect(parseAt(body, range)).toEqual(parsed[key]);
      }),
      { numRuns: 1_000, seed: 7 },
    );
  });

  it('takes the last of a repeated key, as JSON.parse does, and reads escaped keys', () => {
    const body = Buffer.from('{"model": "a", "m\\u006fdel": "b", "x\\"y": [1, {"model": "c"}]}');
    const members = memberRanges(body)!;
    expect(parseAt(body, members.get('model')!)).toBe('b');
    expect(parseAt(body, members.get('x"y')!)).toEqual([1, { model: 'c' }]);
  });

  it.each([
    ['not an object', '[1, 2]'],
    ['garbage after it', '{"a": 1} x'],
    ['an unterminated string', '{"a": "abc'],
    ['an unterminated object', '{"a": {"b": 1}'],
    ['a missing colon', '{"a" 1}'],
    ['an empty member', '{"a": 1,, "b": 2}'],
    ['a key that is not a string', '{a: 1}'],
    ['empty', ''],
  ])('gives null for a body it cannot follow: %s', (_name, text) => {
    expect(memberRanges(Buffer.from(text))).toBeNull();
  });
});

describe('elementRanges', () => {
  it('finds each element of random arrays in random layouts', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), layout, (array, space) => {
        const body = Buffer.from(JSON.stringify(array, null, space));
        expect(elementRanges(body, whole(body))!.map((range) => parseAt(body, range))).toEqual(JSON.parse(body.toString()));
      }),
      { numRuns: 1_000, seed: 7 },
    );
  });

  it('reads the array inside a member, and nothing else', () => {
    const body = Buffer.from('{"messages": [ {"role": "user"} , "x", [1] ], "after": 1}');
    expect(elementRanges(body, memberRanges(body)!.get('messages')!)!.map((r) => parseAt(body, r))).toEqual([{ role: 'user' }, 'x', [1]]);
    expect(elementRanges(body, memberRanges(body)!.get('after')!)).toBeNull();
  });
});

describe('firstMemberRange', () => {
  it('finds a member without walking past it, and null when it is absent', () => {
    // Everything after "role" is broken: a walk past it would give up.
    const body = Buffer.from('{"role": "system", "content": [1,,]');
    expect(parseAt(body, firstMemberRange(body, whole(body), 'role')!)).toBe('system');
    const tidy = Buffer.from('{"content": [{"role": "x"}], "role": "user"}');
    expect(parseAt(tidy, firstMemberRange(tidy, whole(tidy), 'role')!)).toBe('user');
    expect(firstMemberRange(tidy, whole(tidy), 'name')).toBeNull();
    expect(firstMemberRange(Buffer.from('[1]'), { start: 0, end: 3 }, 'role')).toBeNull();
  });
});
