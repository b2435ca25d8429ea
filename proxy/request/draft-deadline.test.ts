import { describe, expect, it } from 'vitest';
import { DraftDeadlines, p95 } from './draft-deadline';

const HAIKU = 'claude-haiku-4-5';

function withSamples(samples: number[], capMs = 30_000, stream = true): DraftDeadlines {
  const deadlines = new DraftDeadlines(capMs);
  for (const ms of samples) deadlines.observe(HAIKU, stream, ms);
  return deadlines;
}

describe('p95 (nearest rank)', () => {
  it('is the smallest sample at or above 95 % of them', () => {
    expect(p95([5, 1, 3, 2, 4, 6, 8, 7, 10, 9])).toBe(10); // ceil(9.5) = 10th of 10
    expect(p95(Array.from({ length: 20 }, (_, i) => i + 1))).toBe(19); // ceil(19) = 19th of 20
    expect(p95(Array.from({ length: 50 }, (_, i) => (i + 1) * 10))).toBe(480); // ceil(47.5) = 48th of 50
  });
});

describe('DraftDeadlines', () => {
  it('is the configured timeout until a model has 10 samples', () => {
    expect(withSamples([]).deadlineFor(HAIKU, true)).toBe(30_000);
    expect(withSamples(Array(9).fill(100)).deadlineFor(HAIKU, true)).toBe(30_000);
  });

  it('then 3 × the p95 of the last 50, clamped to [5 s, the timeout]', () => {
    // 10 samples 400…1,300 ms: p95 = 1,300, × 3 = 3,900 → the 5 s floor.
    expect(withSamples([400, 500, 600, 700, 800, 900, 1_000, 1_100, 1_200, 1_300]).deadlineFor(HAIKU, true)).toBe(5_000);
    // 20 samples 1…20 s: p95 = 19 s, × 3 = 57 s → the 30 s cap.
    expect(withSamples(Array.from({ length: 20 }, (_, i) => (i + 1) * 1_000)).deadlineFor(HAIKU, true)).toBe(30_000);
    // 50 samples 100…5,000 ms: p95 = 4,800, × 3 = 14,400.
    expect(withSamples(Array.from({ length: 50 }, (_, i) => (i + 1) * 100)).deadlineFor(HAIKU, true)).toBe(14_400);
  });

  it('keeps only the last 50: an old slow spell ages out', () => {
    const deadlines = withSamples([...Array(50).fill(9_000), ...Array(50).fill(2_000)]);
    expect(deadlines.deadlineFor(HAIKU, true)).toBe(6_000);
    deadlines.observe(HAIKU, true, 9_000);
    deadlines.observe(HAIKU, true, 9_000);
    // 2 of 50 at 9 s: the 48th of 50 sorted is still 2 s.
    expect(deadlines.deadlineFor(HAIKU, true)).toBe(6_000);
    deadlines.observe(HAIKU, true, 9_000);
    // 3 of 50: the 48th is 9 s → 27 s.
    expect(deadlines.deadlineFor(HAIKU, true)).toBe(27_000);
  });

  it('keeps streams and JSON answers apart (a JSON answer’s first byte comes when it is done), and models apart', () => {
    const deadlines = withSamples(Array(10).fill(3_000), 30_000, false);
    expect(deadlines.deadlineFor(HAIKU, false)).toBe(9_000);
    expect(deadlines.deadlineFor(HAIKU, true)).toBe(30_000);
    expect(deadlines.deadlineFor('claude-sonnet-4-6', false)).toBe(30_000);
  });

  it('never exceeds a configured timeout below the floor', () => {
    expect(withSamples(Array(10).fill(10), 400).deadlineFor(HAIKU, true)).toBe(400);
    expect(withSamples(Array(10).fill(1_000), 2_000).deadlineFor(HAIKU, true)).toBe(2_000);
  });
});
