// The arithmetic the benches report with, kept apart so that it is unit-tested
// (bench/stats.test.ts): quantiles of samples, what a hop adds over going direct, how that
// compares with the bare pipe's, rates, and the verdict of a figure against its target.

/**
 * Nearest-rank quantile (0 < q ≤ 1): the smallest sample with at least a share q of all
 * samples at or below it, so always a value that was measured (the median of an even count
 * is the lower middle one). The samples need not be sorted.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no samples');
  if (!(q > 0 && q <= 1)) throw new Error(`quantile ${q} is not in (0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  // Less a hair: 0.07 × 100 is 7.000000000000001 in floating point, and its rank is 7, not 8.
  return sorted[Math.max(1, Math.ceil(q * sorted.length - 1e-9)) - 1];
}

export interface Spread {
  n: number;
  p50: number;
  p99: number;
}

export function spread(values: readonly number[]): Spread {
  return { n: values.length, p50: quantile(values, 0.5), p99: quantile(values, 0.99) };
}

/** What a hop adds over the direct upstream, at each quantile: each side's quantile, subtracted. */
export function added(target: Spread, direct: Spread): { p50: number; p99: number } {
  return { p50: target.p50 - direct.p50, p99: target.p99 - direct.p99 };
}

/** Each round's median less the direct upstream's median in the same round (rounds in the same order). */
export function addedByRound(target: ReadonlyArray<readonly number[]>, direct: ReadonlyArray<readonly number[]>): number[] {
  if (target.length !== direct.length) throw new Error(`${target.length} rounds against ${direct.length}`);
  return target.map((round, i) => quantile(round, 0.5) - quantile(direct[i], 0.5));
}

/**
 * How many times the bare pipe's addition a target adds. Null when the pipe's addition is not
 * measurable: not above zero over all samples, or not in more than three quarters of the rounds
 * (its hop lost in the noise of the machine), where a ratio to it would mean nothing (or
 * anything: +1 ms over +0.01). Up to 4 rounds that is every round; over more, short rounds a
 * few may fall below zero by chance, while a hop that adds nothing would come out above zero in
 * more than three quarters of 8-12 rounds by chance 2-5 % of the time (a sign test).
 */
export function ratioToPipe(targetAdded: number, pipeAdded: number, pipeAddedByRound: readonly number[] = []): number | null {
  const notAbove = pipeAddedByRound.filter((a) => !(a > 0)).length;
  return pipeAdded > 0 && (notAbove === 0 || notAbove < pipeAddedByRound.length / 4) ? targetAdded / pipeAdded : null;
}

/** Completed requests per second over a wall time in ms. */
export function perSecond(count: number, ms: number): number {
  if (!(ms > 0)) throw new Error(`rate over ${ms} ms`);
  return (count * 1000) / ms;
}

/** `n/a`: the figure could not be formed (see ratioToPipe). */
export type Verdict = 'PASS' | 'MISS' | 'n/a';

export function atMost(value: number | null, limit: number): Verdict {
  if (value === null) return 'n/a';
  return value <= limit ? 'PASS' : 'MISS';
}

export function atLeast(value: number | null, limit: number): Verdict {
  if (value === null) return 'n/a';
  return value >= limit ? 'PASS' : 'MISS';
}

/** The largest and the counts at thresholds of one kind of block (all in ms). */
export interface Blocks {
  maxMs: number;
  /** When the longest ended, on the clock the gaps were added with (0: none yet), its whole gap, and the thread's CPU time in it. */
  maxAtMs: number;
  maxGapMs: number;
  maxCpuMs: number;
  over: { thresholdMs: number; count: number }[];
}

/**
 * The blocks a periodic timer saw, from the gap between its runs: whole (what a request
 * waiting on the loop waited), and less the time the thread spent waiting for a core during
 * the gap (its own block: what it did itself, garbage collection included).
 */
export class BlockTally {
  private gapMax = { ms: 0, at: 0, gap: 0, cpu: 0 };
  private ownMax = { ms: 0, at: 0, gap: 0, cpu: 0 };
  private readonly gapsOver: number[];
  private readonly ownOver: number[];

  constructor(private readonly thresholdsMs: readonly number[]) {
    this.gapsOver = thresholdsMs.map(() => 0);
    this.ownOver = thresholdsMs.map(() => 0);
  }

  /** One gap ending at `atMs`, the run-queue wait within it and the thread's CPU time in it. */
  add(gapMs: number, runQueueWaitMs: number, atMs: number, cpuMs = 0): void {
    const own = gapMs - runQueueWaitMs;
    if (gapMs > this.gapMax.ms) this.gapMax = { ms: gapMs, at: atMs, gap: gapMs, cpu: cpuMs };
    if (own > this.ownMax.ms) this.ownMax = { ms: own, at: atMs, gap: gapMs, cpu: cpuMs };
    this.thresholdsMs.forEach((threshold, i) => {
      this.gapsOver[i] += gapMs >= threshold ? 1 : 0;
      this.ownOver[i] += own >= threshold ? 1 : 0;
    });
  }

  /** So far, with the gap still open (the timer has not run since) in the maxima only: it may yet grow. */
  read(open?: { gapMs: number; waitMs: number; atMs: number; cpuMs?: number }): { gaps: Blocks; own: Blocks } {
    const over = (counts: number[]) => this.thresholdsMs.map((thresholdMs, i) => ({ thresholdMs, count: counts[i] }));
    const longest = (max: { ms: number; at: number; gap: number; cpu: number }, openMs: number) =>
      open && openMs > max.ms
        ? { maxMs: openMs, maxAtMs: open.atMs, maxGapMs: open.gapMs, maxCpuMs: open.cpuMs ?? 0 }
        : { maxMs: max.ms, maxAtMs: max.at, maxGapMs: max.gap, maxCpuMs: max.cpu };
    return {
      gaps: { ...longest(this.gapMax, open?.gapMs ?? 0), over: over(this.gapsOver) },
      own: { ...longest(this.ownMax, (open?.gapMs ?? 0) - (open?.waitMs ?? 0)), over: over(this.ownOver) },
    };
  }
}
