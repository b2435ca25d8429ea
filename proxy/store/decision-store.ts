// Where decisions and the statistics over them live, behind one interface: the file store
// (file-store.ts, the default), the memory store (tests, throwaway runs) and, later, a
// database for team deployments. Operations are the SQL-friendly ones: filter by time range,
// rule and decision kind, newest first, and totals and time buckets for the charts.
import type { DecisionAmend, DecisionQuery, DecisionRecord } from '../../contracts/decision';
import type { Aggregates, QualityQueries, SpendingQueries } from '../stats/aggregates';

export type { Aggregates } from '../stats/aggregates';

/** Records a store keeps for queries by default (its aggregates count every record ever). */
export const DEFAULT_RETAIN = 10_000;

export interface DecisionStore {
  /**
   * In memory at once (stats and queries see it immediately), on disk at the next flush.
   * Cheap: called once per request. The store keeps the record: do not change it afterwards.
   */
  append(record: DecisionRecord): void;
  /**
   * A later change to a kept record (DecisionAmend): applied in memory at once, persisted at the
   * next flush. False when the record is no longer kept (the change is dropped).
   */
  amend(change: DecisionAmend): boolean;
  /** Newest (last appended) first; copies. Without a limit, every retained match. */
  query(filter?: DecisionQuery): Promise<DecisionRecord[]>;
  /** Totals and history over every decision ever appended (not only the retained ones). */
  aggregate(now?: number): Promise<Aggregates>;
  /** Money per conversation and project over every decision ever appended (answers are copies). */
  spending(): SpendingQueries;
  /** Later failures and shadow agreement per rule and class, over every decision ever appended (copies). */
  quality(): QualityQueries;
  /**
   * Forgets every decision: the aggregates and the retained records, in memory at once and on
   * disk by the flush it starts (a crash halfway is completed at the next start). Resolves with
   * the number of requests forgotten once that flush is done.
   */
  reset(): Promise<number>;
  /** Problems met while loading (shown in status by the caller). */
  readonly warnings: string[];
  /**
   * Writes what is pending; resolves when it is on disk, or when a failure was reported
   * through the store's onError (what failed stays pending for the next flush).
   */
  flush(): Promise<void>;
  /** Flushes and stops timed writes. */
  close(): Promise<void>;
}
