// How long a draft may take to send its first byte before the verifier answers instead: three
// times the draft model's recent 95th-percentile time to first byte, clamped to [5 s, the
// configured draft timeout], so a stalled draft costs the client seconds, not the full timeout;
// until a model has 10 samples, the configured timeout itself. Kept per draft model and per
// shape (a JSON answer's first byte comes only when the whole answer is done, a stream's at
// once). A draft that missed its deadline counts as a sample at the deadline, so a model that
// really got slower pushes its own deadline up instead of timing out for good.

/** Samples kept per model and shape. */
const WINDOW = 50;
/** Samples needed before the deadline follows them. */
const MIN_SAMPLES = 10;
const MULTIPLIER = 3;
const FLOOR_MS = 5_000;
/** Draft models come from rules; the bound only guards against a runaway rule list. */
const MAX_SERIES = 64;

export class DraftDeadlines {
  /** Per `model|stream` or `model|json`: the latest samples (ms), oldest first; insertion order = least recently used first. */
  private readonly series = new Map<string, number[]>();

  /** `capMs`: the configured draft timeout, the deadline's upper bound and its value until enough samples. */
  constructor(readonly capMs: number) {}

  /** The first-byte deadline (ms) for the next draft to `model`. */
  deadlineFor(model: string, stream: boolean): number {
    const samples = this.series.get(key(model, stream));
    if (!samples || samples.length < MIN_SAMPLES) return this.capMs;
    return Math.min(this.capMs, Math.max(Math.min(FLOOR_MS, this.capMs), Math.round(MULTIPLIER * p95(samples))));
  }

  /** A draft's time to first byte (ms); a missed deadline is observed as the deadline. */
  observe(model: string, stream: boolean, ms: number): void {
    const k = key(model, stream);
    const samples = this.series.get(k) ?? [];
    this.series.delete(k);
    samples.push(ms);
    if (samples.length > WINDOW) samples.shift();
    this.series.set(k, samples);
    if (this.series.size > MAX_SERIES) this.series.delete(this.series.keys().next().value as string);
  }
}

function key(model: string, stream: boolean): string {
  return `${model}|${stream ? 'stream' : 'json'}`;
}

/** Nearest-rank 95th percentile: the smallest sample at or above 95 % of them. */
export function p95(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1];
}
