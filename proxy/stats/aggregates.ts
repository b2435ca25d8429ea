// Running totals (all time, today, per rule, per conversation and project) and bucketed history
// over every decision ever recorded: what GET /stats, the dashboard's charts and Claude Code's
// status line draw from. Updated once per request, so cheap; persisted as one small object
// (see proxy/store/).
import { z } from 'zod';
import type { DecisionAmend, DecisionRecord } from '../../contracts/decision';
import {
  emptyTotals,
  historySchema,
  totalsSchema,
  type ConversationSummary,
  type SpendCounts,
  type Spending,
  type SpendingQuery,
  type StatsSnapshot,
  type Totals,
} from '../../contracts/stats';
import { addLaterCostToHistory, addToHistory, dayStart, emptyHistory, pruneHistory } from './history';
import type { QualityStats } from '../../contracts/quality';
import type { CascadeRule } from '../../contracts/rules';
import { emptyQualityData, QualityAggregates, qualityDataSchema } from './quality';
import { emptySpendingData, SpendingTables, spendingDataSchema } from './spending';
import { addLaterCostToTotals, addToTotals } from './totals';

/** Entries per top list unless the query asks otherwise. */
export const DEFAULT_SPENDING_LIMIT = 10;

export const statsDataSchema = z.object({
  allTime: totalsSchema,
  /** Local midnight the `today` totals started at. */
  todayStart: z.number().int(),
  today: totalsSchema,
  byRule: z.record(z.string(), totalsSchema),
  history: historySchema,
  /** Per conversation and project (absent in stats saved before it existed). */
  spending: spendingDataSchema.default(emptySpendingData),
  /** Per rule and action class: later failures, shadow samples (absent in stats saved before it existed). */
  quality: qualityDataSchema.default(emptyQualityData),
});
/** The persisted part of the statistics. */
export type StatsData = z.infer<typeof statsDataSchema>;

/** Per-conversation and per-project money, asked for one at a time (not part of every stats event). */
export type SpendingQueries = Pick<RunningAggregates, 'topSpending' | 'conversationSummary'>;

/** Quality per rule and action class, asked for with the current rules. */
export type QualityQueries = Pick<RunningAggregates, 'qualityStats'>;

/** The statistics as every UI sees them, before prices are attached. */
export type Aggregates = Omit<StatsSnapshot, 'prices'>;

export function emptyStatsData(now = Date.now()): StatsData {
  return {
    allTime: emptyTotals(),
    todayStart: dayStart(now),
    today: emptyTotals(),
    byRule: {},
    history: emptyHistory(),
    spending: emptySpendingData(),
    quality: emptyQualityData(),
  };
}

/** The counters a SpendCounts shares with Totals. */
function spendCountsOf({ queries, cost, baselineCost, savings, accepted, escalated, passthrough, draftErrors, notWorthDrafting, failed, unpricedQueries }: Totals): SpendCounts {
  return { queries, cost, baselineCost, savings, accepted, escalated, passthrough, draftErrors, notWorthDrafting, failed, unpricedQueries };
}

export class RunningAggregates {
  private readonly spending: SpendingTables;
  private readonly quality: QualityAggregates;

  constructor(private readonly stats: StatsData = emptyStatsData()) {
    this.spending = new SpendingTables(stats.spending);
    this.quality = new QualityAggregates(stats.quality);
  }

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
    this.spending.add(record);
    this.quality.add(record);
  }

  /**
   * A later change to a counted record (called before it is applied): a shadow verification's
   * call is money spent, counted wherever the record was (the day and buckets it arrived in, its
   * rule, conversation and project), and only on records whose money is counted at all.
   */
  amend(record: DecisionRecord, change: DecisionAmend): void {
    this.quality.amend(record, change);
    const cost = change.shadow?.cost;
    if (!change.shadow || !cost || record.shadow) return;
    const { model } = change.shadow;
    addLaterCostToTotals(this.stats.allTime, record, model, cost);
    if (record.time >= this.stats.todayStart) addLaterCostToTotals(this.stats.today, record, model, cost);
    if (record.ruleId !== null && Object.hasOwn(this.stats.byRule, record.ruleId)) {
      addLaterCostToTotals(this.stats.byRule[record.ruleId], record, model, cost);
    }
    addLaterCostToHistory(this.stats.history, record, cost);
    this.spending.addLaterCost(record, cost);
  }

  /** The top conversations and projects by cost and by savings over a period (copies). */
  topSpending(query: SpendingQuery = {}, now = Date.now()): Spending {
    const period = query.period ?? 'today';
    return { period, ...this.spending.top(period, query.limit ?? DEFAULT_SPENDING_LIMIT, now) };
  }

  /** One conversation's money beside today's for every request (copies). */
  conversationSummary(id: string | undefined, now = Date.now()): ConversationSummary {
    this.rollDay(now);
    return { conversation: id === undefined ? null : this.spending.conversation(id, now), today: spendCountsOf(this.stats.today) };
  }

  /** Quality per current rule and action class (copies). */
  qualityStats(rules: readonly CascadeRule[], now = Date.now()): QualityStats {
    return this.quality.snapshot(rules, now);
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
