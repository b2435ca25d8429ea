import { describe, expect, it } from 'vitest';
import { buildContext } from './extract';
import { draftMessage, requestFor } from '../../test/fixtures/messages';
import { repetition } from './repetition';

const check = (text: string) => repetition(buildContext(requestFor('Tell me about caching.'), draftMessage(text), false, undefined));

describe('repetition', () => {
  it('flags a loop of the same sentence', () => {
    const loop = 'The cache stores the response so the next request is faster. '.repeat(12);
    const [signal] = check(loop);
    expect(signal).toMatchObject({ name: 'repetition' });
    expect(signal.penalty).toBeGreaterThan(0.7);
    expect(signal.reason).toMatch(/% of the text repeats itself/);
  });

  it('accepts varied prose and ignores repeated code', () => {
    const prose =
      'A cache keeps recent responses close to the client. When the same request comes again, the stored copy is served ' +
      'without a round trip. Entries expire after their time to live, and a validator such as an ETag lets the server ' +
      'confirm that a stale copy is still good. Invalidation is the hard part: writes must evict or update what they change.';
    expect(check(prose)).toEqual([]);
    const code = '```js\n' + 'cache.set(key, value); // store the value for the next request\n'.repeat(20) + '```\n' + prose;
    expect(check(code)).toEqual([]);
  });

  it('reads the prose after a code block, and not inside an unclosed one', () => {
    const loop = 'The cache stores the response so the next request is faster. '.repeat(12);
    const code = '```js\nconst cache = new Map();\n```\n';
    expect(check(code + loop)).toMatchObject([{ name: 'repetition' }]);
    expect(check('Here is the code.\n' + code.slice(0, -4) + loop)).toEqual([]);
  });
});
