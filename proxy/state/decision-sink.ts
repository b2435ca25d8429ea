// Where the request path hands each decision, once per request, in two halves. keep: the store
// (stats and the decision log), before the answer's last bytes go out. publish, once they have:
// the rule checks (drafts refused as not found, thresholds no draft reaches), the upstream's
// reachability and the metrics (ops/), the log line, the live decision event, then a stats
// event scheduled on the hub (its one throttle). Runs on every request, so it only appends and
// formats; writing to disk happens in the store's batched flush.
import { formatAmendLine, formatDecisionLine } from '../log/decision-line';
import type { Logger } from '../log/logger';
import { promptExcerpt } from '../log/prompt-excerpt';
import type { DecisionStore } from '../store/decision-store';
import type { RequestPathDeps } from '../request/deps';
import type { Ops } from '../ops/ops';
import type { EventHub } from './event-hub';
import type { RuleChecksState } from './rule-checks';

export interface DecisionSinkOptions {
  store: Pick<DecisionStore, 'append' | 'amend'>;
  hub: Pick<EventHub, 'emit' | 'statsChanged'>;
  ruleChecks: Pick<RuleChecksState, 'observe'>;
  /** Upstream reachability and the metrics. */
  ops: Pick<Ops, 'observe'>;
  logger: Logger;
  /** settings.logPrompts, read per request: the log line carries a prompt excerpt only when on. */
  logPrompts(): boolean;
}

export function createDecisionSink(options: DecisionSinkOptions): Pick<RequestPathDeps, 'keep' | 'publish' | 'amend'> {
  const { store, hub, ruleChecks, ops, logger, logPrompts } = options;
  return {
    keep: (record) => store.append(record),
    publish: (record, body) => {
      ruleChecks.observe(record);
      ops.observe(record);
      const prompt = body && logPrompts() ? body.tryRequest() : null;
      logger.info(formatDecisionLine(record, prompt ? promptExcerpt(prompt) : null));
      hub.emit({ type: 'decision', record });
      hub.statsChanged();
    },
    // A change to a record no longer kept still gets its log line: the log is the one place that sees it.
    amend: (change) => {
      const kept = store.amend(change);
      logger.info(formatAmendLine(change));
      if (!kept) return;
      hub.emit({ type: 'amend', amend: change });
      hub.statsChanged();
    },
  };
}
