import type { ControlEvent, Unsubscribe } from '../../contracts/events';

type Listener = (event: ControlEvent) => void;

/** Fan-out of control events; a throwing listener never breaks the others or the request path. */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  subscribe(listener: Listener): Unsubscribe {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(event: ControlEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Runs `fire` at most once per interval, trailing: bursts of requests become one stats event. */
export function throttle(intervalMs: number, fire: () => void): { schedule(): void; cancel(): void } {
  let timer: NodeJS.Timeout | null = null;
  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        fire();
      }, intervalMs);
      timer.unref();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
