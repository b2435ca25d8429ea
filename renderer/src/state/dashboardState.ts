// The dashboard's data: one snapshot loaded from the control API, then kept current by
// its live events. Pure reducer, so the event handling is testable without a transport.
import type { ControlEvent } from '../../../contracts/events';
import type { ProxyStatus } from '../../../contracts/status';
import type { PublicSettings } from '../../../contracts/settings';
import type { StatsSnapshot } from '../../../contracts/stats';
import type { CascadeRule } from '../../../contracts/rules';
import type { DecisionRecord } from '../../../contracts/decision';
import { mergeDecisions } from '../lib/logFilter';

export interface DashboardData {
  status: ProxyStatus;
  stats: StatsSnapshot;
  rules: CascadeRule[];
  settings: PublicSettings;
  /** Newest first, bounded. */
  decisions: DecisionRecord[];
}

export type DashboardAction =
  | { type: 'loaded'; data: DashboardData }
  | { type: 'event'; event: ControlEvent }
  | { type: 'decisions'; records: DecisionRecord[] };

/**
 * All-time counts only grow, except when the statistics were reset (here, from the tray or
 * another window): then the records held here were forgotten too.
 */
function wasReset(before: StatsSnapshot, after: StatsSnapshot): boolean {
  return after.allTime.queries < before.allTime.queries;
}

export function dashboardReducer(state: DashboardData | null, action: DashboardAction): DashboardData | null {
  if (action.type === 'loaded') {
    // Keep live decisions that arrived while the snapshot loaded.
    const live = state && !wasReset(state.stats, action.data.stats) ? state.decisions : [];
    return { ...action.data, decisions: mergeDecisions(live, action.data.decisions) };
  }
  if (state === null) return state;
  if (action.type === 'decisions') return { ...state, decisions: mergeDecisions(state.decisions, action.records) };
  const event = action.event;
  switch (event.type) {
    case 'decision':
      return { ...state, decisions: mergeDecisions(state.decisions, [event.record]) };
    case 'amend': {
      // A later failure or a shadow check lands on the record already shown.
      const { id, ...change } = event.amend;
      return { ...state, decisions: state.decisions.map((record) => (record.id === id ? { ...record, ...change } : record)) };
    }
    case 'stats':
      return { ...state, stats: event.stats, decisions: wasReset(state.stats, event.stats) ? [] : state.decisions };
    case 'status':
      return { ...state, status: event.status };
    case 'rules':
      return { ...state, rules: event.rules };
    case 'settings':
      return { ...state, settings: event.settings };
  }
}
