import type { DecisionRecord } from '../../contracts/decision';
import type { History, HistoryBucket } from '../../contracts/stats';
import { addCounts, addLaterCost } from './totals';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Bounds: per-minute buckets for 24 h, per-hour for 31 days, per-day forever. */
export const MINUTE_RETENTION_MS = 24 * HOUR;
export const HOUR_RETENTION_MS = 31 * 24 * HOUR;

export function emptyHistory(): History {
  return { minute: [], hour: [], day: [] };
}

export function minuteStart(time: number): number {
  return Math.floor(time / MINUTE) * MINUTE;
}

/** Local hours and days, so charts line up with the user's clock. */
export function hourStart(time: number): number {
  const d = new Date(time);
  d.setMinutes(0, 0, 0);
  return d.getTime();
}

export function dayStart(time: number): number {
  const d = new Date(time);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function emptyBucket(start: number): HistoryBucket {
  return { start, queries: 0, cost: 0, baselineCost: 0, savings: 0, accepted: 0, escalated: 0, passthrough: 0, draftErrors: 0, notWorthDrafting: 0, failed: 0 };
}

/** Buckets stay sorted by start; a late record lands in its own bucket, wherever it is. */
function bucketFor(buckets: HistoryBucket[], start: number): HistoryBucket {
  let i = buckets.length - 1;
  while (i >= 0 && buckets[i].start > start) i--;
  if (i >= 0 && buckets[i].start === start) return buckets[i];
  const bucket = emptyBucket(start);
  buckets.splice(i + 1, 0, bucket);
  return bucket;
}

export function addToHistory(history: History, record: DecisionRecord): void {
  addCounts(bucketFor(history.minute, minuteStart(record.time)), record);
  addCounts(bucketFor(history.hour, hourStart(record.time)), record);
  addCounts(bucketFor(history.day, dayStart(record.time)), record);
}

/** A later cost of a counted record, in the buckets the record was counted in (those still kept). */
export function addLaterCostToHistory(history: History, record: DecisionRecord, cost: number): void {
  const starts = { minute: minuteStart(record.time), hour: hourStart(record.time), day: dayStart(record.time) };
  for (const key of ['minute', 'hour', 'day'] as const) {
    const bucket = history[key].find((b) => b.start === starts[key]);
    if (bucket) addLaterCost(bucket, record, cost);
  }
}

/** Drops minute and hour buckets older than their retention window. */
export function pruneHistory(history: History, now: number): void {
  const dropBefore = (buckets: HistoryBucket[], cutoff: number) => {
    const keepFrom = buckets.findIndex((b) => b.start >= cutoff);
    buckets.splice(0, keepFrom === -1 ? buckets.length : keepFrom);
  };
  dropBefore(history.minute, minuteStart(now - MINUTE_RETENTION_MS) + MINUTE);
  dropBefore(history.hour, hourStart(now - HOUR_RETENTION_MS) + HOUR);
}
