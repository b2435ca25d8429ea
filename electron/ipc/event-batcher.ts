// Live events reach the window at most a few times per second: events arriving
// within one interval are sent together as one batch. Stats, status, rules and
// settings are snapshots, so only the latest of each is kept; every decision is kept
// (the decision log shows them all), up to a cap for bursts.
import type { ControlEvent } from '../../contracts/events';

export interface EventBatcherOptions {
  send(events: ControlEvent[]): void;
  /** Minimum time between two sends. */
  intervalMs?: number;
  /** Decisions kept per batch; the oldest are dropped beyond it (the log refetches on demand). */
  maxDecisions?: number;
}

export interface EventBatcher {
  push(event: ControlEvent): void;
  /** Sends what is pending now (window closing, app quitting). */
  flush(): void;
  dispose(): void;
}

export function createEventBatcher({ send, intervalMs = 250, maxDecisions = 200 }: EventBatcherOptions): EventBatcher {
  let pending: ControlEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSent = -Infinity;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    lastSent = Date.now();
    send(batch);
  }

  return {
    push(event) {
      if (event.type === 'decision') {
        pending.push(event);
        const decisions = pending.filter((e) => e.type === 'decision');
        if (decisions.length > maxDecisions) pending.splice(pending.indexOf(decisions[0]), 1);
      } else {
        pending = pending.filter((e) => e.type !== event.type);
        pending.push(event);
      }
      if (timer) return;
      const wait = lastSent + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    flush,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = [];
    },
  };
}
