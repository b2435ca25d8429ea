// Running totals (all time, today, per rule) and bucketed history over every decision ever
// recorded: what GET /stats and the dashboard's charts draw from. Updated once per request,
// so cheap; persisted as one small object (see proxy/store/).
import { z } from 'zod';
import type { DecisionRecord } from '../../contracts/decision';
import { emptyTotals, historySchema, totalsSchema, type StatsSnapshot } from '../../contracts/stats';
import { addToHistory, dayStart, emptyHistory, pruneHistory } from './history';
import { addToTotals } from './totals';

export const statsDataSchema = z.object({
  allTime: totalsSchema,
  /** Local midnight the `today` totals started at. */
  todayStart: z.number().int(),
  today: totalsSchema,
  byRule: z.record(z.string(), totalsSchema),
  history: historySchema,
});
/** The persisted part of the statistics. */
export type StatsData = z.infer<typeof statsDataSchema>;

/** The statistics as every UI sees them, before prices are attached. */
export type Aggregates = Omit<StatsSnapshot, 'prices'>;

export function emptyStatsData(now = Date.now()): StatsData {
  return { allTime: emptyTotals(), todayStart: dayStart(now), today: emptyTotals(), byRule: {}, history: emptyHistory() };
}

export class RunningAggregates {
  constructor(private readonly stats: StatsData = emptyStatsData()) {}

  add(record: DecisionRecord): void {
    this.rollDay(record.time);
    addToTotals(this.stats.allTime, record);
    if (record.time >= this.stats.todayStart) addToTotals(this.stats.today, record);
    if (record.ruleId !== null) {
      this.stats.byRule[record.ruleId] ??= emptyTotals();
      addToTotals(this.stats.byRule[record.ruleId], record);
    }
    addToHistory(this.stats.history, record);
    pruneHistory(this.stats.history, Math.max(record.time, Date.now()));
  }

  /** A copy, never the live state. */
  snapshot(now = Date.now()): Aggregates {
    this.rollDay(now);
    pruneHistory(this.stats.history, now);
    const { allTime, today, byRule, history } = this.stats;
    return structuredClone({ allTime, today, byRule, history });
  }

  /** The live data, for serialising (JSON.stringify) and nothing else. */
  get data(): StatsData {
    return this.stats;
  }

  /** "Today" restarts at local midnight, whether or not a request arrived since. */
  private rollDay(now: number): void {
    const start = dayStart(now);
    if (start > this.stats.todayStart) {
      this.stats.todayStart = start;
      this.stats.today = emptyTotals();
    }
  }
}
