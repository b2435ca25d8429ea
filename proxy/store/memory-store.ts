// A DecisionStore with nothing on disk, for tests and throwaway runs: the same semantics as
// the file store (retention, newest first, aggregates over everything appended).
import type { DecisionAmend, DecisionQuery, DecisionRecord } from '../../contracts/decision';
import { RunningAggregates } from '../stats/aggregates';
import { DecisionLog } from './decision-log';
import { DEFAULT_RETAIN, type DecisionStore } from './decision-store';

export function createMemoryDecisionStore({ retain = DEFAULT_RETAIN }: { retain?: number } = {}): DecisionStore {
  let log = new DecisionLog(new RunningAggregates(), retain);
  return {
    warnings: [],
    append: (record: DecisionRecord) => log.add(record),
    amend: (change: DecisionAmend) => log.amend(change),
    query: async (filter?: DecisionQuery) => log.query(filter),
    aggregate: async (now?: number) => log.aggregate(now),
    spending: () => log.aggregates,
    quality: () => log.aggregates,
    reset: async () => {
      const forgotten = log.aggregates.data.allTime.queries;
      log = new DecisionLog(new RunningAggregates(), retain);
      return forgotten;
    },
    flush: async () => {},
    close: async () => {},
  };
}
