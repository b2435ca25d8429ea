import { describe, expect, it } from 'vitest';
import { added, addedByRound, atLeast, atMost, BlockTally, perSecond, quantile, ratioToPipe, spread } from './stats';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('quantile (nearest rank)', () => {
  it('is the smallest sample with at least a share q at or below it', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1); // rank ceil(1) = 1
    expect(quantile([1, 2, 3, 4], 0.26)).toBe(2); // rank ceil(1.04) = 2
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2); // the lower middle of an even count
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4); // rank ceil(3.96) = 4
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
  });

  it('p99 of 100 samples is the 99th, of 101 the 100th, of 200 the 198th', () => {
    expect(quantile(oneTo(100), 0.99)).toBe(99);
    expect(quantile(oneTo(101), 0.99)).toBe(100); // rank ceil(99.99)
    expect(quantile(oneTo(200), 0.99)).toBe(198);
    expect(quantile(oneTo(48), 0.99)).toBe(48); // so few that p99 is the largest
  });

  it('takes unsorted samples and leaves them as they were', () => {
    const samples = [30, 10, 20];
    expect(quantile(samples, 0.5)).toBe(20); // rank ceil(1.5) = 2 of 10, 20, 30
    expect(samples).toEqual([30, 10, 20]);
  });

  it('does not let floating point push a rank up by one', () => {
    expect(quantile(oneTo(100), 0.07)).toBe(7); // 0.07 × 100 = 7.000000000000001
  });

  it('refuses no samples and a share outside (0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(/no samples/);
    expect(() => quantile([1], 0)).toThrow(/not in/);
    expect(() => quantile([1], 1.5)).toThrow(/not in/);
  });
});

describe('added latency and the ratio to the pipe', () => {
  it('subtracts the direct figure from the target figure at each quantile', () => {
    expect(spread(oneTo(100))).toEqual({ n: 100, p50: 50, p99: 99 });
    expect(added({ n: 9, p50: 5, p99: 9 }, { n: 9, p50: 3, p99: 4 })).toEqual({ p50: 2, p99: 5 });
  });

  it('compares what each hop adds, from raw samples', () => {
    // Medians (rank 3 of 5): direct 2, pipe 3, proxy 5: the pipe adds 1 ms, the proxy 3 ms.
    const direct = spread([1, 3, 2, 2, 1]);
    const pipe = spread([2, 2, 3, 4, 3]);
    const proxy = spread([3, 5, 5, 6, 3]);
    const pipeAdded = added(pipe, direct).p50;
    const proxyAdded = added(proxy, direct).p50;
    expect([pipeAdded, proxyAdded]).toEqual([1, 3]);
    expect(ratioToPipe(proxyAdded, pipeAdded)).toBe(3);
    expect(atMost(ratioToPipe(proxyAdded, pipeAdded), 2)).toBe('MISS');
    expect(atMost(ratioToPipe(proxyAdded, pipeAdded), 3)).toBe('PASS');
  });

  it('has no ratio when the pipe added nothing measurable', () => {
    expect(ratioToPipe(3, 1.5)).toBe(2);
    expect(ratioToPipe(-1, 2)).toBe(-0.5); // the target came out faster than direct
    expect(ratioToPipe(1, 0)).toBeNull();
    expect(ratioToPipe(1, -0.5)).toBeNull();
    expect(atMost(ratioToPipe(1, 0), 2)).toBe('n/a');
  });

  it('has no ratio when the pipe added latency in some rounds only', () => {
    // Round medians (rank 2 of 3): direct 10 and 20; pipe 12 and 19: +2 ms, then -1 ms.
    const direct = [[9, 10, 11], [19, 20, 21]];
    const pipe = [[11, 12, 13], [18, 19, 30]];
    expect(addedByRound(pipe, direct)).toEqual([2, -1]);
    expect(ratioToPipe(4, 0.5, addedByRound(pipe, direct))).toBeNull();
    expect(ratioToPipe(4, 0.5, [2, 0.1])).toBe(8);
    // Up to 4 rounds, every one must be above zero.
    expect(ratioToPipe(4, 0.5, [2, 1, 1, -0.1])).toBeNull();
    expect(ratioToPipe(4, 0.5, [2, 1, 1, 0])).toBeNull();
    expect(() => addedByRound(pipe, direct.slice(1))).toThrow(/2 rounds against 1/);
  });

  it('has a ratio over many rounds when more than three quarters of them are above zero', () => {
    const rounds = (negatives: number, n: number) => Array.from({ length: n }, (_, i) => (i < negatives ? -0.5 : 1));
    expect(ratioToPipe(4, 0.5, rounds(2, 12))).toBe(8); // 10 of 12 above
    expect(ratioToPipe(4, 0.5, rounds(3, 12))).toBeNull(); // 9 of 12: three quarters, not more
    expect(ratioToPipe(4, 0.5, rounds(1, 8))).toBe(8); // 7 of 8
    expect(ratioToPipe(4, 0.5, rounds(2, 8))).toBeNull(); // 6 of 8
    expect(ratioToPipe(4, -0.5, rounds(0, 12))).toBeNull(); // never without an addition over all samples
  });
});

describe('rates and verdicts', () => {
  it('counts requests per second over a wall time in ms', () => {
    expect(perSecond(50, 250)).toBe(200);
    expect(perSecond(0, 1_000)).toBe(0);
    expect(() => perSecond(1, 0)).toThrow();
  });

  it('passes at the limit itself', () => {
    expect(atMost(2, 2)).toBe('PASS');
    expect(atMost(2.01, 2)).toBe('MISS');
    expect(atLeast(0.9, 0.9)).toBe('PASS');
    expect(atLeast(0.89, 0.9)).toBe('MISS');
    expect(atLeast(null, 0.9)).toBe('n/a');
    // 205 req/s through the proxy against the pipe's 344: 59.6 % of it.
    expect(atLeast(perSecond(205, 1_000) / perSecond(344, 1_000), 0.9)).toBe('MISS');
  });
});

describe('event-loop blocks of a 1 ms timer', () => {
  it('keeps the longest gap, and the longest less the run-queue wait within it', () => {
    const tally = new BlockTally([10, 25]);
    tally.add(1.1, 0, 101); // idle
    tally.add(30, 28, 131); // preempted: a long gap, but 2 ms of the process's own
    tally.add(12, 0.5, 143, 9); // a block of its own, 9 ms of it on a core (the rest e.g. waiting for GC helper threads)
    const { gaps, own } = tally.read();
    expect([gaps.maxMs, gaps.maxAtMs]).toEqual([30, 131]);
    expect([own.maxMs, own.maxAtMs, own.maxGapMs, own.maxCpuMs]).toEqual([11.5, 143, 12, 9]);
    expect(gaps.over).toEqual([{ thresholdMs: 10, count: 2 }, { thresholdMs: 25, count: 1 }]);
    expect(own.over).toEqual([{ thresholdMs: 10, count: 1 }, { thresholdMs: 25, count: 0 }]);
  });

  it('counts the gap still open in the maxima, not in the counts', () => {
    const tally = new BlockTally([10]);
    tally.add(2, 0, 10);
    const { gaps, own } = tally.read({ gapMs: 40, waitMs: 5, atMs: 50, cpuMs: 30 });
    expect([gaps.maxMs, gaps.maxAtMs, own.maxMs, own.maxAtMs, own.maxGapMs, own.maxCpuMs]).toEqual([40, 50, 35, 50, 40, 30]);
    expect([gaps.over[0].count, own.over[0].count]).toEqual([0, 0]);
    expect(tally.read().gaps).toMatchObject({ maxMs: 2, maxAtMs: 10 }); // it was not added
    expect(tally.read({ gapMs: 1, waitMs: 0, atMs: 60 }).gaps).toMatchObject({ maxMs: 2, maxAtMs: 10 }); // nor longer
  });

  it('reads zero before any gap', () => {
    const { gaps, own } = new BlockTally([10]).read();
    expect([gaps.maxMs, gaps.maxAtMs, own.maxMs, own.maxAtMs]).toEqual([0, 0, 0, 0]);
  });
});
