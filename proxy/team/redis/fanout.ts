// Live events across replicas: each replica publishes its own decision and amend events (with
// its replica id) on one Redis channel, and delivers the other replicas' to its own listeners
// (dashboard SSE, IPC) through the event hub, which also schedules a stats event for them. So a
// dashboard connected to any replica shows every replica's traffic. A replica's own messages
// come back from Redis too and are dropped (it showed them already). Pub/sub is fire-and-forget:
// while Redis is away other replicas' events are missed (the stats, from the shared store, are
// not); a message that is not a valid event is ignored.
import { z } from 'zod';
import { controlEventSchema, type ControlEvent } from '../../../contracts/events';
import type { EventHub } from '../../state/event-hub';
import type { RedisConnection } from './client';

export const EVENTS_CHANNEL = 'cascadeflow:events';

const messageSchema = z.object({ replica: z.string(), event: controlEventSchema });

const shared = (event: ControlEvent) => event.type === 'decision' || event.type === 'amend';

export interface EventFanout {
  /** Resolves once subscribed (whenever Redis is there). */
  readonly subscribed: Promise<void>;
  close(): Promise<void>;
}

export function startEventFanout(connection: RedisConnection, hub: Pick<EventHub, 'relay' | 'deliverRemote'>, replica: string): EventFanout {
  const subscriber = connection.subscriber();
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== EVENTS_CHANNEL) return;
    let parsed;
    try {
      parsed = messageSchema.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (parsed.success && parsed.data.replica !== replica && shared(parsed.data.event)) hub.deliverRemote(parsed.data.event);
  });
  // Waits for the connection, and is renewed after each reconnect.
  const subscribed = subscriber.subscribe(EVENTS_CHANNEL).then(
    () => {},
    () => {},
  );
  const stop = hub.relay((event) => {
    if (!shared(event)) return;
    const text = JSON.stringify({ replica, event });
    void connection.run((client) => client.publish(EVENTS_CHANNEL, text)).catch(() => {});
  });
  return {
    subscribed,
    async close() {
      stop();
      subscriber.disconnect();
    },
  };
}
