import { describe, expect, it } from 'vitest';
import { arithmetic, equationsOf } from './arithmetic';
import { buildContext } from './extract';
import { draftMessage, requestFor } from '../../test/fixtures/messages';

const check = (text: string, partial = false) => arithmetic(buildContext(requestFor('q'), draftMessage(text), partial, undefined));
const reasons = (text: string) => check(text).map((s) => s.reason);

describe('arithmetic consistency', () => {
  it.each([
    'He runs 3 x 60 = 180 meters.',
    'Together they have 20 + 80 + 160 = 260 sheep.',
    '22 + 4 x 12 = 22 + 48 = 70', // precedence and chains
    '3 sprints * 60 meters/sprint = 180 meters', // units between the numbers
    '12 times 3 is 36, and 36 divided by 4 is 9.',
    '40% of 30 = 12',
    '(4/20) * 100% = 20%', // percent read both ways
    'The cost is $1,350 + $250 = $1,600.',
    'x = 140 / 1.5 = 93.33', // rounded to the places written
    'They need 73 / 8 = 9 buses.', // a whole number rounded up
    '1 foot = 12 inches', // a conversion, not a calculation
    '1.5x = 140', // algebra is not arithmetic
    '- 5 - 3 = 2 is the second step', // a list marker, not a minus sign
    '\\( 3 \\times 4 = 12 \\)',
    '```js\nconst total = 2 + 2 = 5;\n```', // code is not stated arithmetic
  ])('accepts %s', (text) => {
    expect(check(text)).toEqual([]);
  });

  it.each([
    ['2 + 2 = 5', '1 of 1 stated calculation wrong: 2 + 2 = 5 (is 4)'],
    ['He pays 8 x $5 = $45 in total.', '1 of 1 stated calculation wrong: 8 * $5 = $45 (is 40)'],
    ['12 times 4 is 46', '1 of 1 stated calculation wrong: 12 * 4 = 46 (is 48)'],
    ['40% of 30 = 15', '1 of 1 stated calculation wrong: 40% * 30 = 15 (is 12)'],
    ['$6.50 + $2.00 + $3.00 = $12.50', '1 of 1 stated calculation wrong: $6.50 + $2.00 + $3.00 = $12.50 (is 11.5)'],
    ['(3 + 4) * 2 = 15', '1 of 1 stated calculation wrong: (3 + 4) * 2 = 15 (is 14)'],
    ['\\( 3 \\times 4 = 13 \\)', '1 of 1 stated calculation wrong: 3 * 4 = 13 (is 12)'],
  ])('flags %s', (text, reason) => {
    expect(reasons(text)).toEqual([reason]);
  });

  it('reads the prose between and after code blocks, not the code', () => {
    const text = 'First:\n```js\nconst x = 2 + 2 = 5;\n```\nSo 3 + 3 = 7.\n~~~\n4 + 4 = 9\n~~~\nAnd 5 + 5 = 11.';
    expect(reasons(text)).toEqual(['2 of 2 stated calculations wrong: 3 + 3 = 7 (is 6)']);
    // An unclosed block runs to the end: nothing after its fence is prose.
    expect(check('1 + 1 = 3\n```\n2 + 2 = 5')).toHaveLength(1);
    expect(equationsOf(buildContext(requestFor('q'), draftMessage('1 + 1 = 2\n```\n2 + 2 = 5'), false, undefined))).toHaveLength(1);
  });

  it('penalises each further wrong result more', () => {
    const one = check('2 + 2 = 5.')[0].penalty;
    const two = check('2 + 2 = 5. Then 3 * 3 = 10.')[0].penalty;
    expect(one).toBeGreaterThan(0.4);
    expect(two).toBeGreaterThan(one);
    expect(check('2 + 2 = 5. Then 3 * 3 = 9.')[0].reason).toMatch(/^1 of 2 stated/);
  });

  it('records stated results for the final-answer check', () => {
    const ctx = buildContext(requestFor('q'), draftMessage('He runs 3 x 60 = 180 meters, and 180 + 20 = 200.'), false, undefined);
    expect(equationsOf(ctx).map((e) => [e.actual, e.result, e.correct])).toEqual([
      [180, 180, true],
      [200, 200, true],
    ]);
  });

  it('ignores the line still being streamed', () => {
    expect(check('15 + 25 = 4', true)).toEqual([]);
    expect(check('15 + 25 = 45\nthen', true)).toHaveLength(1);
  });

  it('survives pathological input without deep recursion', () => {
    expect(check('−'.repeat(100_000) + '5 = 5')).toEqual([]);
    expect(check('('.repeat(100_000) + '5' + ')'.repeat(100_000) + ' = 5')).toEqual([]);
  });
});
