// Live events across replicas through a real Redis: a decision (and a later amend) made on
// replica A reaches replica B's event listeners and B's dashboard event stream (SSE), with a
// stats event after it; A's own listeners see each event once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../contracts/events';
import { createMemoryStore } from '../../proxy/state/stores';
import { SseDecoder } from '../../proxy/sse/events';
import { connectRedis } from '../../proxy/team/redis/client';
import { EVENTS_CHANNEL } from '../../proxy/team/redis/fanout';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU } from '../proxy/harness';
import { waitFor } from '../wait';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server';
import { startReplica, type Replica } from './redis-replica';

const skip = redisUnavailable();
const ask = { model: HAIKU, max_tokens: 16, messages: [{ role: 'user' as const, content: 'Say hello.' }] };

let redis: RedisServer;
let sim: Simulator;
let a: Replica;
let b: Replica;
beforeAll(async () => {
  if (skip) return;
  redis = await startRedis();
  sim = await createSimulator();
  const store = createMemoryStore();
  const env = { CASCADEFLOW_UPSTREAM_URL: sim.url, CASCADEFLOW_REDIS_URL: redis.url };
  a = await startReplica(store, { ...env, CASCADEFLOW_REPLICA_ID: 'fan-a' });
  b = await startReplica(store, { ...env, CASCADEFLOW_REPLICA_ID: 'fan-b' });
  // Both subscribed before anything is published.
  const probe = await connectRedis(redis.url, { name: 'test:probe' });
  try {
    await probe.ready();
    await waitFor(async () => {
      const [, count] = (await probe.client.pubsub('NUMSUB', EVENTS_CHANNEL)) as [string, number];
      return count >= 2;
    }, 'both replicas subscribed');
  } finally {
    await probe.close();
  }
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await sim?.close();
  await redis?.remove();
});

describe.skipIf(skip)('live event fan-out through Redis', () => {
  it('a decision and an amend on A reach B’s listeners and SSE stream, then a stats event; A sees its own once', async () => {
    const seenA: ControlEvent[] = [];
    const seenB: ControlEvent[] = [];
    const unsubscribeA = a.ctx.control.subscribe((event) => seenA.push(event));
    const unsubscribeB = b.ctx.control.subscribe((event) => seenB.push(event));
    const sse: Array<{ type: string; data: unknown }> = [];
    const abort = new AbortController();
    const stream = await fetch(`${b.proxy.url}/api/events`, { signal: abort.signal });
    const decoder = new SseDecoder(
      (event) => sse.push(event),
      () => {},
    );
    const reader = stream.body!.getReader();
    const reading = (async () => {
      for (let read = await reader.read(); !read.done; read = await reader.read()) decoder.push(read.value);
    })().catch(() => {});
    try {
      const message = await a.client().messages.create(ask);
      expect(message.type).toBe('message');
      const [record] = await a.ctx.control.getDecisions({ limit: 1 });
      const fromA = await waitFor(() => seenB.find((e) => e.type === 'decision' && e.record.id === record.id), 'the decision on B');
      expect(fromA).toEqual({ type: 'decision', record });
      await waitFor(() => sse.find((e) => e.type === 'decision' && (e.data as { record: { id: string } }).record.id === record.id), 'the decision in B’s SSE');
      const decisionAt = seenB.indexOf(fromA);
      await waitFor(() => seenB.slice(decisionAt).some((e) => e.type === 'stats'), 'a stats event on B after it');

      const amend = { id: record.id, laterFailed: { time: Date.now(), reason: 'Edit came back is_error (test)' } };
      a.ctx.amend(amend);
      await waitFor(() => seenB.find((e) => e.type === 'amend' && e.amend.id === record.id), 'the amend on B');
      expect(seenB.filter((e) => e.type === 'amend')).toEqual([{ type: 'amend', amend }]);

      // A round trip through Redis later (B's own request), A's own events are still there once each.
      await b.client().messages.create(ask);
      const [fromB] = await b.ctx.control.getDecisions({ limit: 1 });
      await waitFor(() => seenA.find((e) => e.type === 'decision' && e.record.id === fromB.id), 'B’s decision on A');
      expect(seenA.filter((e) => e.type === 'decision' && e.record.id === record.id)).toHaveLength(1);
      expect(seenA.filter((e) => e.type === 'amend')).toHaveLength(1);
      expect(seenB.filter((e) => e.type === 'decision' && e.record.id === fromB.id)).toHaveLength(1);
    } finally {
      unsubscribeA();
      unsubscribeB();
      abort.abort();
      await reading;
    }
  });
});
