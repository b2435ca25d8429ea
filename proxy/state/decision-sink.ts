// Where the request path hands each decision, once per request. In this order: the store
// (stats and the decision log), the log line, the live decision event, then a stats event
// scheduled on the hub (its one throttle). Runs on every request, so it only appends and
// formats; writing to disk happens in the store's batched flush.
import { formatDecisionLine } from '../log/decision-line';
import type { Logger } from '../log/logger';
import { promptExcerpt } from '../log/prompt-excerpt';
import type { DecisionStore } from '../store/decision-store';
import type { RequestPathDeps } from '../request/deps';
import type { EventHub } from './event-hub';

export interface DecisionSinkOptions {
  store: Pick<DecisionStore, 'append'>;
  hub: Pick<EventHub, 'emit' | 'statsChanged'>;
  logger: Logger;
  /** settings.logPrompts, read per request: the log line carries a prompt excerpt only when on. */
  logPrompts(): boolean;
}

export function createDecisionSink(options: DecisionSinkOptions): RequestPathDeps['record'] {
  const { store, hub, logger, logPrompts } = options;
  return (record, request) => {
    store.append(record);
    logger.info(formatDecisionLine(record, request && logPrompts() ? promptExcerpt(request) : null));
    hub.emit({ type: 'decision', record });
    hub.statsChanged();
  };
}
