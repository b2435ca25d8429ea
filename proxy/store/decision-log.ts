// What every DecisionStore keeps in memory: the running aggregates over all decisions and the
// last `retain` records, in the order they were appended. Queries are answered from here.
import { matchesDecisionQuery, type DecisionAmend, type DecisionQuery, type DecisionRecord } from '../../contracts/decision';
import type { Aggregates, RunningAggregates } from '../stats/aggregates';

export class DecisionLog {
  private records: DecisionRecord[] = [];

  constructor(
    readonly aggregates: RunningAggregates,
    readonly retain: number,
  ) {}

  /** A new decision: counted and kept. */
  add(record: DecisionRecord): void {
    this.aggregates.add(record);
    this.keep(record);
  }

  /**
   * A later change to a kept record: counted (`count`: false when loading a change the
   * aggregates already count), then applied. False when the record is no longer kept.
   */
  amend(change: DecisionAmend, count = true): boolean {
    const record = this.records.findLast((r) => r.id === change.id);
    if (!record) return false;
    if (count) this.aggregates.amend(record, change);
    if (change.laterFailed) record.laterFailed = change.laterFailed;
    if (change.shadow) record.shadow = change.shadow;
    return true;
  }

  /** A decision the aggregates already count (loaded from disk). */
  keep(record: DecisionRecord): void {
    this.records.push(record);
    // Trimmed in steps, so an append does not move 10,000 pointers each time.
    if (this.records.length > this.retain + Math.ceil(this.retain / 8)) this.records.splice(0, this.records.length - this.retain);
  }

  /** The retained records, oldest first (the live objects, for serialising). */
  retained(): DecisionRecord[] {
    return this.records.slice(-this.retain);
  }

  get last(): DecisionRecord | undefined {
    return this.records.at(-1);
  }

  get size(): number {
    return Math.min(this.records.length, this.retain);
  }

  query(filter: DecisionQuery = {}): DecisionRecord[] {
    const limit = filter.limit ?? Infinity;
    const oldest = this.records.length - this.size;
    const out: DecisionRecord[] = [];
    for (let i = this.records.length - 1; i >= oldest && out.length < limit; i--) {
      if (matchesDecisionQuery(this.records[i], filter)) out.push(this.records[i]);
    }
    return structuredClone(out);
  }

  aggregate(now?: number): Aggregates {
    return this.aggregates.snapshot(now);
  }
}
