// The one owner of "reset statistics": every request the proxy remembers is forgotten at once,
// so that no view keeps a number or a record the others dropped. Forgotten: the decision store
// (totals, today, history, per rule, spending per conversation and project, quality
// measurements, the decision log, on disk too), the conversation memory (its pending tool calls
// name records that are gone), each rule's recent drafts (rule checks) and today's use per
// client token (/stats' by_token and the daily caps, counted from the records). Kept: rules,
// settings, the key, and the economics (prompt caches mirror the upstream's, which a reset
// does not empty; learned acceptance ages out on its own within a day, and forgetting it would
// only make cost-aware drafting guess again).
import type { StatsSnapshot } from '../../contracts/stats';
import type { ConversationMemory } from '../conversations/memory';
import type { Logger } from '../log/logger';
import type { DecisionStore } from '../store/decision-store';
import type { ClientTokensState } from '../tokens/state';
import type { EventHub } from './event-hub';
import type { RuleChecksState } from './rule-checks';
import type { StatusState } from './status';

export interface StatsResetOptions {
  decisions: Pick<DecisionStore, 'reset'>;
  conversations: Pick<ConversationMemory, 'clear'>;
  ruleChecks: Pick<RuleChecksState, 'forgetDrafts'>;
  tokens: Pick<ClientTokensState, 'forgetUse'>;
  /** The statistics as every UI sees them (prices attached). */
  stats(): Promise<StatsSnapshot>;
  hub: Pick<EventHub, 'emit'>;
  status: Pick<StatusState, 'changed'>;
  logger: Logger;
}

/**
 * What a reset forgets beside the store. `shared`: also what replicas share (a team's spend in
 * Redis); false on a replica that learns of another's reset, which emptied that already.
 */
export function forgetBesideStore(owners: Pick<StatsResetOptions, 'conversations' | 'ruleChecks' | 'tokens'>, shared: boolean): void {
  owners.conversations.clear();
  owners.ruleChecks.forgetDrafts();
  owners.tokens.forgetUse({ shared });
}

/** Forgets every request; resolves with the (empty) statistics once the store has it on disk. */
export function createStatsReset(options: StatsResetOptions): () => Promise<StatsSnapshot> {
  const { decisions, stats, hub, status, logger } = options;
  return async () => {
    forgetBesideStore(options, true);
    const forgotten = await decisions.reset();
    logger.info(`Statistics reset: ${forgotten} ${forgotten === 1 ? 'request' : 'requests'} forgotten`);
    const snapshot = await stats();
    // At once, not through the stats throttle: every UI shows the empty totals together.
    hub.emit({ type: 'stats', stats: snapshot });
    status.changed();
    return snapshot;
  };
}
