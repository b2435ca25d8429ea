// Conversation state shared by replicas through a real Redis: two proxies (two "replicas",
// each its own state context and HTTP server) in front of one simulator, the official SDK as
// the client. An accepted draft's tool call that fails, reported on the other replica, holds
// the conversation there and back; Redis stopped or paused never fails or holds up a request.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import type { ProxyContext } from '../../proxy/context';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer, type RunningProxy } from '../../proxy/server';
import { connectRedis } from '../../proxy/team/redis/client';
import { conversationKey, createRedisConversationState } from '../../proxy/team/redis/conversations';
import { ConversationMemory } from '../../proxy/conversations/memory';
import { exportConversation } from '../../proxy/conversations/shared-state';
import { EconomicsState } from '../../proxy/economics/state';
import { createAccounting } from '../../proxy/pricing/accounting';
import { createMemorySecretStore, createMemoryStore } from '../../proxy/state/stores';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU_DRAFT, SONNET } from '../proxy/harness';
import { waitFor } from '../wait';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server';

interface Replica {
  ctx: ProxyContext;
  proxy: RunningProxy;
  client: Anthropic;
  logs: string[];
  dataDir: string;
}

const unavailable = redisUnavailable();
let redis: RedisServer;
let sim: Simulator;
let a: Replica;
let b: Replica;

async function startReplica(): Promise<Replica> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cascadeflow-replica-'));
  const logs: string[] = [];
  const ctx = await createProxyContext({
    env: { CASCADEFLOW_UPSTREAM_URL: sim.url, CASCADEFLOW_REDIS_URL: redis.url },
    store: createMemoryStore(),
    secrets: createMemorySecretStore(),
    dataDir,
    logger: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
  });
  await ctx.control.updateSettings({ draftPolicy: 'always' });
  const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
  const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-test-client-key', maxRetries: 0 });
  return { ctx, proxy, client, logs, dataDir };
}

async function stopReplica(replica: Replica | undefined): Promise<void> {
  if (!replica) return;
  await replica.proxy.close();
  await replica.ctx.close();
  await rm(replica.dataDir, { recursive: true, force: true });
}

beforeAll(async () => {
  if (unavailable) return;
  redis = await startRedis();
  sim = await createSimulator();
  a = await startReplica();
  b = await startReplica();
}, 30_000);

afterAll(async () => {
  await stopReplica(a);
  await stopReplica(b);
  await sim?.close();
  await redis?.remove();
});

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'Read',
    description: 'Reads a file from the local filesystem.',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
  },
];
const session = (id: string) => ({ user_id: JSON.stringify({ device_id: 'd', account_uuid: '', session_id: id }) });

function ask(replica: Replica, sessionId: string, messages: Anthropic.MessageParam[]): Promise<Anthropic.Message> {
  return replica.client.messages.create({ model: SONNET, max_tokens: 200, tools: TOOLS, metadata: session(sessionId), messages });
}

/** The replica's latest record of the conversation, once it has `count` of them. */
async function latest(replica: Replica, conversationId: string, count: number): Promise<DecisionRecord> {
  const records = await waitFor(async () => {
    const found = await replica.ctx.control.getDecisions({ limit: 50, conversationId });
    return found.length >= count ? found : null;
  }, `${count} record(s) of ${conversationId}`);
  return records[0];
}

/** Turns of a probe conversation until the replica's state for it is in Redis again. */
async function reconnected(replica: Replica, sessionId: string): Promise<void> {
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 });
  try {
    await waitFor(
      async () => {
        await ask(replica, sessionId, [{ role: 'user', content: 'Are you there?' }]);
        return (await admin.exists(conversationKey(`s:${sessionId}`))) === 1;
      },
      'the replica saving to Redis again',
      10_000,
    );
  } finally {
    admin.disconnect();
  }
}

const warnings = (replica: Replica) => replica.logs.filter((line) => line.includes('Conversation state in Redis'));

describe.skipIf(unavailable)('conversation state shared by two replicas through Redis', () => {
  it('holds the conversation on replica B after its accepted draft’s tool call, made on A, failed; and back on A', async () => {
    sim.reset();
    sim.script(HAIKU_DRAFT, { kind: 'tool', tool: 'Read', input: { file_path: '/home/ada/app/src/app.ts' } }, 1);
    const opening: Anthropic.MessageParam = { role: 'user', content: 'Show me what /home/ada/app/src/app.ts contains.' };
    const first = await ask(a, 'sticky', [opening]);
    expect(await latest(a, 's:sticky', 1)).toMatchObject({ decision: 'accepted', actionClass: 'read' });
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(call?.name).toBe('Read');

    // The tool result comes back on B, which never saw the draft.
    const history: Anthropic.MessageParam[] = [
      opening,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, is_error: true, content: 'File does not exist.' }] },
    ];
    const second = await ask(b, 'sticky', history);
    expect(second.content.length).toBeGreaterThan(0);
    const held = await latest(b, 's:sticky', 1);
    expect(held).toMatchObject({ decision: 'not_worth_drafting', answeringModel: SONNET });
    expect(held.signals).toEqual([
      expect.objectContaining({ name: 'after_failure', reason: expect.stringContaining('Read came back is_error: File does not exist.') }),
    ]);
    // B's economics carry on from A's: the conversation's second answered request.
    expect(b.ctx.economics.ledger.profile('s:sticky')?.requests).toBe(2);

    // The hold's second request (N = 2) lands on A, the third drafts again on B.
    const more: Anthropic.MessageParam[] = [...history, { role: 'assistant', content: second.content }, { role: 'user', content: 'Try again.' }];
    await ask(a, 'sticky', more);
    expect(await latest(a, 's:sticky', 2)).toMatchObject({ decision: 'not_worth_drafting', signals: [expect.objectContaining({ name: 'after_failure' })] });
    await ask(b, 'sticky', [...more, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Thanks, and now?' }]);
    expect((await latest(b, 's:sticky', 2)).decision).not.toBe('not_worth_drafting');
    expect(sim.messagesFor(HAIKU_DRAFT)).toHaveLength(2);
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 });
    console.log(`snapshot of the conversation after 4 turns: ${await admin.strlen(conversationKey('s:sticky'))} bytes`);
    admin.disconnect();
    expect(warnings(a)).toEqual([]);
    expect(warnings(b)).toEqual([]);
  });

  it('answers from the local state within the load timeout while Redis is paused', async () => {
    const conversation: Anthropic.MessageParam[] = [{ role: 'user', content: 'Explain what a TCP handshake is.' }];
    const timed = async () => {
      const started = performance.now();
      await ask(a, 'paused', conversation);
      return performance.now() - started;
    };
    await timed();
    const healthy = await timed();
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 });
    try {
      // Every client's commands wait 1.5 s: a Redis that answers nothing in time.
      await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const paused = await timed();
      console.log(`request with Redis healthy ${healthy.toFixed(0)} ms, paused ${paused.toFixed(0)} ms`);
      expect(paused).toBeLessThan(healthy + 100 + 400);
      await waitFor(() => warnings(a).some((line) => line.includes('a load took longer than 100 ms')), 'the timeout warning');
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      admin.disconnect();
    }
  });

  it('answers from the local state while Redis is down, with a warning, and shares again once it is back', async () => {
    await redis.stop();
    try {
      const reply = await ask(b, 'outage', [{ role: 'user', content: 'What is a mutex?' }]);
      expect(reply.content.length).toBeGreaterThan(0);
      expect(await latest(b, 's:outage', 1)).toMatchObject({ status: 200 });
      await waitFor(() => warnings(b).some((line) => line.includes('failed')), 'the outage warning');
      expect((await b.ctx.control.getStatus()).outages).toContainEqual(expect.stringContaining('Conversation state in Redis: a load failed'));
    } finally {
      await redis.start();
    }
    // Redis came back empty (nothing is persisted); once each replica's connection is back, they share again.
    await reconnected(b, 'probe-b');
    await reconnected(a, 'probe-a');
    const outages = async () => (await b.ctx.control.getStatus()).outages ?? [];
    await waitFor(async () => !(await outages()).some((outage) => outage.startsWith('Conversation state')), 'the outage to end');
    sim.script(HAIKU_DRAFT, { kind: 'tool', tool: 'Read', input: { file_path: '/home/ada/notes.md' } }, 1);
    const opening: Anthropic.MessageParam = { role: 'user', content: 'Open /home/ada/notes.md.' };
    const first = await ask(b, 'after-outage', [opening]);
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(call).toBeDefined();
    await ask(a, 'after-outage', [
      opening,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, is_error: true, content: 'Permission denied.' }] },
    ]);
    expect((await latest(a, 's:after-outage', 1)).decision).toBe('not_worth_drafting');
  });
});

describe.skipIf(unavailable)('the Redis conversation state store', () => {
  it('keeps a snapshot for the memory’s idle time, and counts what it cannot read as one warned failure', async () => {
    const connection = await connectRedis(redis.url, { name: 'test:conversations' });
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 });
    const warned: string[] = [];
    try {
      expect(await connection.ready()).toBe(true);
      const memory = new ConversationMemory();
      const store = createRedisConversationState(connection, { ttlMs: memory.idleMs, report: (problem) => warned.push(problem ?? 'back') });
      memory.accepted('s:unit', 'rec-1', [{ type: 'tool_use', id: 't1', name: 'Edit', input: {} }], 1_700_000_000_000);
      const snapshot = exportConversation(memory, new EconomicsState(createAccounting(() => ({}))), 's:unit');
      store.save('s:unit', () => snapshot);
      await waitFor(async () => (await admin.exists(conversationKey('s:unit'))) === 1, 'the saved snapshot');
      expect(await store.load('s:unit')).toEqual(snapshot);
      // 6 hours, less the moments since the save.
      const ttl = await admin.pttl(conversationKey('s:unit'));
      expect(ttl).toBeGreaterThan(6 * 3_600_000 - 5_000);
      expect(ttl).toBeLessThanOrEqual(6 * 3_600_000);
      expect(await store.load('s:none')).toBeNull();
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const started = performance.now();
        await store.load('s:unit');
        times.push(performance.now() - started);
      }
      times.sort((x, y) => x - y);
      console.log(`load of a ${JSON.stringify(snapshot).length}-byte snapshot: median ${times[100].toFixed(2)} ms, max ${times[199].toFixed(2)} ms`);

      await admin.set(conversationKey('s:bad'), JSON.stringify({ ...snapshot, version: 2 }));
      await admin.set(conversationKey('s:worse'), '{not json');
      expect(await store.load('s:bad')).toBeNull();
      expect(await store.load('s:worse')).toBeNull();
      expect(store.failures).toEqual({ load: 2, timeout: 0, save: 0 });
      expect(await store.load('s:unit')).toEqual(snapshot);
      expect(warned).toEqual(["Conversation state in Redis: a stored snapshot is not valid; turns go on with this replica's own state.", 'back']);
    } finally {
      admin.disconnect();
      await connection.close();
    }
  });
});
