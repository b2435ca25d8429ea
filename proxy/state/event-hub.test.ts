import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControlEvent } from '../../contracts/events';
import type { StatsSnapshot } from '../../contracts/stats';
import { EventHub, STATS_EVENT_INTERVAL_MS } from './event-hub';

const amend = (id: string): ControlEvent => ({ type: 'amend', amend: { id } });

afterEach(() => vi.useRealTimers());

describe('EventHub relay (a team’s fan-out)', () => {
  it('relays local events only; remote ones reach the listeners and bring a stats event', async () => {
    vi.useFakeTimers();
    const snapshot = { allTime: { queries: 7 } } as unknown as StatsSnapshot;
    const hub = new EventHub({ statsSnapshot: async () => snapshot, onError: (e) => { throw e; } });
    const relayed: ControlEvent[] = [];
    const heard: ControlEvent[] = [];
    const stopRelay = hub.relay((event) => relayed.push(event));
    hub.subscribe((event) => heard.push(event));

    hub.emit(amend('local'));
    hub.deliverRemote(amend('remote'));
    expect(relayed).toEqual([amend('local')]);
    expect(heard).toEqual([amend('local'), amend('remote')]);
    await vi.advanceTimersByTimeAsync(STATS_EVENT_INTERVAL_MS);
    expect(heard.at(-1)).toEqual({ type: 'stats', stats: snapshot });

    // The stats event is local too (the fan-out picks what it shares).
    expect(relayed.map((e) => e.type)).toEqual(['amend', 'stats']);
    stopRelay();
    hub.emit(amend('after'));
    expect(relayed).toHaveLength(2);
    hub.close();
  });
});
