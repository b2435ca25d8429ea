import { describe, expect, it } from 'vitest';
import { createChecker } from './index';
import { silentModel } from './learned/model';
import { draftMessage, requestFor } from '../../test/fixtures/messages';

// The hand-written checks alone: how much of the question an answer covers also feeds the learned check (learned/*.test.ts).
const checkQuality = createChecker(silentModel());
const signals = (question: string, answer: string) => checkQuality(requestFor(question), draftMessage(answer)).signals;

describe('relevance', () => {
  it('flags an answer that shares none of the question key terms', () => {
    const result = signals(
      'How do I configure the Express router to serve static assets with caching headers?',
      'The French Revolution began in 1789 and was driven by fiscal crisis, social inequality and Enlightenment ideas about government and liberty.',
    );
    expect(result).toEqual([expect.objectContaining({ name: 'off_topic', penalty: 0.6 })]);
  });

  it('accepts an answer that uses different word forms of the key terms', () => {
    const result = signals(
      'How do I configure the Express router to serve static assets with caching headers?',
      'Use the built-in static middleware and its cache options: app.use(express.static("public", { maxAge: "1d" })). The configuration sets Cache-Control on every asset it serves.',
    );
    expect(result).toEqual([]);
  });

  it('flags worked answers that ignore quantities the question gives', () => {
    const result = signals(
      'A dress is extended by 50% of its length and 20 cm of lace is added. It is now 140 cm long. How long was it originally?',
      'The dress grows by 0.5 of its length: 1.5 * 80 = 120, so the original length was 80 cm.',
    );
    expect(result.map((s) => s.name)).toContain('unused_quantities');
    expect(result.find((s) => s.name === 'unused_quantities')?.reason).toBe('does not use 2 of the 3 quantities the question gives (20, 140)');
  });

  it('counts number words and percentages as used', () => {
    const result = signals(
      'Caroline has 4 children. The first is 6 feet tall; the second is two inches taller. How tall is the second, in inches, given 25% of them wear hats?',
      'The first child is 6 * 12 = 72 inches, so the second is 72 + 2 = 74 inches; 0.25 of 4 children is one child. The answer is 74.',
    );
    expect(result.map((s) => s.name)).not.toContain('unused_quantities');
  });
});
