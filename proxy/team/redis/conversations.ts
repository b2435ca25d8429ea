// Conversation state shared by replicas in Redis: one key per conversation id holding its
// snapshot (proxy/conversations/shared-state.ts) as JSON, expiring after the conversation
// memory's idle time. A turn waits at most `loadTimeoutMs` for it, then decides on this
// replica's own state; saving is fire-and-forget once the turn is recorded. Concurrent turns
// of one conversation on two replicas: the last save wins. Failures are counted and reported
// (the first of a run, and the success that ends it); none fails or holds up a request.
import { conversationSnapshotSchema, type ConversationSnapshot, type ConversationStateStore } from '../../conversations/shared-state';
import type { RedisConnection } from './client';

export const DEFAULT_LOAD_TIMEOUT_MS = 100;

/**
 * CASCADEFLOW_CONVERSATION_STATE_TIMEOUT_MS (1–10,000 ms): longer on busy machines where a
 * round trip to Redis can take more than 100 ms. Throws a message naming a malformed value.
 */
export function loadTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.CASCADEFLOW_CONVERSATION_STATE_TIMEOUT_MS?.trim();
  if (!raw) return DEFAULT_LOAD_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new Error(`CASCADEFLOW_CONVERSATION_STATE_TIMEOUT_MS must be an integer from 1 to 10000 (ms), got "${raw}"`);
  }
  return value;
}

/** The conversation's key. */
export const conversationKey = (id: string): string => `cascadeflow:conversation:${id}`;

export interface RedisConversationStateOptions {
  /** How long a conversation's state is kept after its last save. */
  ttlMs: number;
  /** How long a turn waits for the state before going on with the local one. */
  loadTimeoutMs?: number;
  /** The first failure of a run (why), and the success that ends it (null). */
  report: (problem: string | null) => void;
}

export interface ConversationStateFailures {
  /** Loads that failed, or came back with something that is not a snapshot. */
  load: number;
  /** Loads that took longer than the timeout. */
  timeout: number;
  save: number;
}

export interface RedisConversationState extends ConversationStateStore {
  readonly failures: Readonly<ConversationStateFailures>;
}

export function createRedisConversationState(redis: RedisConnection, options: RedisConversationStateOptions): RedisConversationState {
  const loadTimeoutMs = options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  const failures: ConversationStateFailures = { load: 0, timeout: 0, save: 0 };
  let failing = false;

  const succeeded = () => {
    if (!failing) return;
    failing = false;
    options.report(null);
  };
  const failed = (kind: keyof ConversationStateFailures, why: string) => {
    failures[kind] += 1;
    if (failing) return;
    failing = true;
    options.report(`Conversation state in Redis: ${why}; turns go on with this replica's own state.`);
  };
  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  return {
    failures,
    load(id) {
      return new Promise<ConversationSnapshot | null>((resolve) => {
        let settled = false;
        const settle = (value: ConversationSnapshot | null, failure?: [keyof ConversationStateFailures, string]) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (failure) failed(...failure);
          else succeeded();
          resolve(value);
        };
        // Timers run before the event loop reads its sockets: an answer that came while this
        // process was busy (another request, a GC pause) is read first, after one turn of the loop.
        const timer = setTimeout(() => setImmediate(() => settle(null, ['timeout', `a load took longer than ${loadTimeoutMs} ms`])), loadTimeoutMs);
        redis.run((client) => client.get(conversationKey(id))).then(
          (text) => {
            if (text === null) return settle(null);
            const parsed = parseSnapshot(text);
            settle(parsed, parsed ? undefined : ['load', 'a stored snapshot is not valid']);
          },
          (error: unknown) => settle(null, ['load', `a load failed (${describe(error)})`]),
        );
      });
    },
    save(id, snapshot) {
      const text = JSON.stringify(snapshot());
      redis.run((client) => client.set(conversationKey(id), text, 'PX', options.ttlMs)).then(succeeded, (error: unknown) =>
        failed('save', `a save failed (${describe(error)})`),
      );
    },
  };
}

function parseSnapshot(text: string): ConversationSnapshot | null {
  try {
    const parsed = conversationSnapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
