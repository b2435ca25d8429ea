import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsTooDeep } from './body-depth';

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('nestsTooDeep', () => {
  it('allows the limit and refuses one level more, arrays and objects alike', () => {
    expect(nestsTooDeep(Buffer.from(nested(MAX_JSON_DEPTH)))).toBe(false);
    expect(nestsTooDeep(Buffer.from(nested(MAX_JSON_DEPTH + 1)))).toBe(true);
    const objects = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1);
    expect(nestsTooDeep(Buffer.from(objects))).toBe(true);
  });

  it('counts depth, not brackets: siblings do not add up', () => {
    expect(nestsTooDeep(Buffer.from(`[${Array(5_000).fill('[[1]]').join(',')}]`))).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(nestsTooDeep(Buffer.from(JSON.stringify({ text: '['.repeat(5_000) })))).toBe(false);
    expect(nestsTooDeep(Buffer.from(JSON.stringify({ text: `"\\"${'{'.repeat(5_000)}` })))).toBe(false);
    // An escaped backslash ends before the quote: what follows is structure again.
    expect(nestsTooDeep(Buffer.from(`["\\\\",${nested(MAX_JSON_DEPTH + 1)}]`))).toBe(true);
  });
});
