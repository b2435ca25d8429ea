import type { DecisionQuery } from '../../contracts/decision';
import type { StatsSnapshot } from '../../contracts/stats';
import type { DecisionRecord } from '../../contracts/decision';
import type { History, Totals } from '../../contracts/stats';
import type { ModelPrice } from '../../contracts/pricing';
import { addToHistory, dayStart, emptyHistory, pruneHistory } from './history';
import { addToTotals } from './totals';
import { emptyTotals } from '../../contracts/stats';

export const DECISION_LOG_SIZE = 500;

/** The persisted part of the statistics (see state/layout.ts). */
export interface StatsData {
  allTime: Totals;
  /** Local midnight the `today` totals started at. */
  todayStart: number;
  today: Totals;
  byRule: Record<string, Totals>;
  history: History;
}

export function emptyStatsData(now = Date.now()): StatsData {
  return { allTime: emptyTotals(), todayStart: dayStart(now), today: emptyTotals(), byRule: {}, history: emptyHistory() };
}

/** In-memory totals, history and decision log; cheap to update on every request. */
export class StatsRecorder {
  constructor(
    private data: StatsData,
    private decisions: DecisionRecord[],
    private readonly logSize = DECISION_LOG_SIZE,
  ) {
    this.decisions = decisions.slice(-logSize);
  }

  record(record: DecisionRecord): void {
    this.rollDay(record.time);
    addToTotals(this.data.allTime, record);
    if (record.time >= this.data.todayStart) addToTotals(this.data.today, record);
    if (record.ruleId !== null) {
      this.data.byRule[record.ruleId] ??= emptyTotals();
      addToTotals(this.data.byRule[record.ruleId], record);
    }
    addToHistory(this.data.history, record);
    pruneHistory(this.data.history, Math.max(record.time, Date.now()));
    this.decisions.push(record);
    if (this.decisions.length > this.logSize) this.decisions.splice(0, this.decisions.length - this.logSize);
  }

  /** "Today" restarts at local midnight, whether or not a request arrived since. */
  private rollDay(now: number): void {
    const start = dayStart(now);
    if (start > this.data.todayStart) {
      this.data.todayStart = start;
      this.data.today = emptyTotals();
    }
  }

  /** Newest first. */
  getDecisions(query: DecisionQuery = {}): DecisionRecord[] {
    const limit = query.limit ?? this.logSize;
    const out: DecisionRecord[] = [];
    for (let i = this.decisions.length - 1; i >= 0 && out.length < limit; i--) {
      const record = this.decisions[i];
      if (!query.decision || record.decision === query.decision) out.push(record);
    }
    return structuredClone(out);
  }

  snapshot(prices: Record<string, ModelPrice>, now = Date.now()): StatsSnapshot {
    this.rollDay(now);
    pruneHistory(this.data.history, now);
    return structuredClone({
      allTime: this.data.allTime,
      today: this.data.today,
      history: this.data.history,
      byRule: this.data.byRule,
      prices,
    });
  }

  /** What persistence writes: the live objects (the writer serialises them). */
  persisted(): { stats: StatsData; decisions: DecisionRecord[] } {
    return { stats: this.data, decisions: this.decisions };
  }
}
