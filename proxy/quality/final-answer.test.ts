import { describe, expect, it } from 'vitest';
import type { Message } from '../wire';
import type { QualitySignal } from '../../contracts/decision';
import { checkQuality } from './index';
import { draftMessage, requestFor } from '../../test/fixtures/messages';

const pens = 'A shop sells pens at $2 each. Tom buys 7 pens and pays with a $20 bill. How much change does he get?';
/** The signals that cost confidence (evidence for, such as derived_answer, is left out). */
const penalising = (signals: QualitySignal[]) => signals.filter((s) => s.penalty > 0);
const names = (question: string | Message[], answer: string) => penalising(checkQuality(requestFor(question), draftMessage(answer)).signals).map((s) => s.name);

describe('final answer to a numeric question', () => {
  it('accepts worked answers that end on the number they derive', () => {
    const result = checkQuality(requestFor(pens), draftMessage('7 pens cost 7 × $2 = $14. His change is $20 - $14 = $6.'));
    expect(result.signals).toEqual([{ name: 'derived_answer', penalty: 0, support: 0.3, reason: "the final answer $6 is the result of the draft's own calculation" }]);
    expect(result.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('flags an answer that does not end on a number', () => {
    expect(names(pens, '7 pens cost 7 × $2 = $14.\nSo he gets the rest of the twenty back as change.')).toContain('no_final_number');
  });

  it('skips a closing pleasantry when looking for the final number', () => {
    expect(names(pens, '7 × $2 = $14 and $20 - $14 = $6.\nSo he gets $6.\nI hope this helps!')).toEqual([]);
  });

  it('flags a fractional count and an approximate answer to an exact question', () => {
    const chairs = 'A hall has 52 chairs in rows of 8. How many full rows are there?';
    expect(names(chairs, '52 / 8 = 6.5, so there are 6.5 rows.')).toContain('inexact_answer');
    const dress = 'A dress is extended by 50% and 20 cm of lace is added; it is now 140 cm. How long was it originally?';
    expect(names(dress, 'x + 0.5x = 140 - 20 gives 1.5x = 120... so x = 140 / 1.5 = 93.33.\nThe original length was approximately 93.33 cm.')).toContain(
      'inexact_answer',
    );
  });

  it('costs a fractional answer to a whole-number problem some confidence, not its acceptance', () => {
    // Word problems stated in whole numbers are built to come out even; a rope cut in two is the exception.
    const rope = checkQuality(requestFor('A rope of 7 meters is cut into 2 equal pieces. How long is each piece?'), draftMessage('7 / 2 = 3.5, so each piece is 3.5 meters.'));
    expect(penalising(rope.signals)).toEqual([expect.objectContaining({ name: 'inexact_answer', reason: 'the final answer 3.5 is not a whole number' })]);
    expect(rope.confidence).toBeGreaterThanOrEqual(0.6);
    expect(names('If you have 10 dollars and 3 friends, what is each share, rounded to the nearest cent?', '10 / 3 = 3.33, so each gets $3.33.')).toEqual([]);
    expect(names(pens, 'Each pen is $2, so 7 pens are 7 * 2 = $14.00 and the change is 20 - 14 = $6.00.')).toEqual([]);
  });

  it('flags a final number that none of the working arrives at', () => {
    expect(names(pens, '7 × $2 = $14. His change is $20 - $14 = $6.\nThe answer is 8.')).toContain('final_not_derived');
  });

  it('flags answers without checkable working, more for many-quantity problems', () => {
    const terse = checkQuality(requestFor(pens), draftMessage('Tom gets $6 in change.'));
    expect(terse.signals.map((s) => s.name)).toEqual(['unchecked_work']);
    expect(terse.confidence).toBeLessThan(0.7);
    const simple = checkQuality(requestFor('What is 15% of 80 dollars?'), draftMessage('It is $12.'));
    expect(simple.signals[0]).toMatchObject({ name: 'unchecked_work', penalty: 0.15 });
  });

  it('does not judge non-numeric questions or agent turns answering tool results', () => {
    expect(names('Is 17 a prime number?', 'Yes. 17 is prime: its only divisors are 1 and 17.')).toEqual([]);
    const agent: Message[] = [
      { role: 'user', content: 'How many of the 12 tests in the 3 suites fail?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '2 failing' }] },
    ];
    expect(names(agent, 'Two tests fail, both in the parser suite.')).toEqual([]);
  });
});
