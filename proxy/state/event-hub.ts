// The one place control events fan out to the UIs (IPC, SSE), and the one and only
// throttle: decisions, status, rules and settings go out as they come; stats, which change
// with every request, are coalesced into at most one event per interval. Transports
// forward what they get without throttling again. In a team (proxy/team/redis/fanout.ts) local
// events also go to a relay that publishes them to the other replicas, and theirs come back in
// through `deliverRemote`: shown here like local ones, never relayed again.
import type { ControlEvent, Unsubscribe } from '../../contracts/events';
import type { StatsSnapshot } from '../../contracts/stats';

type Listener = (event: ControlEvent) => void;

export const STATS_EVENT_INTERVAL_MS = 250;

export interface EventHubOptions {
  /** Built only when a stats event is due and someone listens. */
  statsSnapshot(): Promise<StatsSnapshot>;
  /** A throwing listener, or a snapshot that failed: reported, never passed on. */
  onError(error: unknown): void;
  statsIntervalMs?: number;
}

export class EventHub {
  private readonly listeners = new Set<Listener>();
  private readonly relays = new Set<Listener>();
  private statsTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: EventHubOptions) {}

  subscribe(listener: Listener): Unsubscribe {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Every event emitted here from now on, besides the listeners (not those delivered from other replicas). */
  relay(listener: Listener): Unsubscribe {
    this.relays.add(listener);
    return () => void this.relays.delete(listener);
  }

  /** Delivers at once; a throwing listener never breaks the others or the caller. */
  emit(event: ControlEvent): void {
    this.deliver(event, this.relays);
    this.deliver(event, this.listeners);
  }

  /** Another replica's event: to the listeners, and the stats (which count it) are due. */
  deliverRemote(event: ControlEvent): void {
    this.deliver(event, this.listeners);
    this.statsChanged();
  }

  private deliver(event: ControlEvent, listeners: Set<Listener>): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.options.onError(error);
      }
    }
  }

  /** The stats changed: one stats event goes out at the end of the current interval (trailing). */
  statsChanged(): void {
    if (this.statsTimer || this.closed) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = null;
      if (this.listeners.size === 0) return;
      this.options.statsSnapshot().then(
        (stats) => {
          if (!this.closed) this.emit({ type: 'stats', stats });
        },
        (error: unknown) => this.options.onError(error),
      );
    }, this.options.statsIntervalMs ?? STATS_EVENT_INTERVAL_MS);
    this.statsTimer.unref();
  }

  /** No more events: pending stats are dropped and listeners let go. */
  close(): void {
    this.closed = true;
    if (this.statsTimer) clearTimeout(this.statsTimer);
    this.statsTimer = null;
    this.listeners.clear();
    this.relays.clear();
  }
}
