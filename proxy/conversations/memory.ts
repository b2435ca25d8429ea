// Conversation memory for consequences: which tool calls came from accepted drafts, and how
// many of the conversation's next requests skip drafting after one of them came back failed.
// Bounded (least recently seen conversations go first, idle ones expire) and free of prompt
// text: it holds ids, tool names and counters only. One conversation's entry exports as JSON
// (memoryEntrySchema) for replicas that share conversation state (shared-state.ts).
import { z } from 'zod';
import type { LaterFailure } from '../../contracts/decision';
import type { Message, ToolUseBlock } from '../wire';
import { toolOutcomes } from './consequences';

/** Calls kept per conversation: an agent turn rarely makes more than a handful. */
const MAX_PENDING = 64;

/** One conversation's entry as JSON: ids, tool names and counters, bounded like the memory. */
export const memoryEntrySchema = z.object({
  lastSeen: z.number(),
  pending: z.array(z.object({ toolUseId: z.string().max(200), recordId: z.string().max(200), tool: z.string().max(200) })).max(MAX_PENDING),
  hold: z.object({ remaining: z.number().int().nonnegative(), reason: z.string().max(2_000) }).nullable(),
});
export type MemoryEntry = z.infer<typeof memoryEntrySchema>;

/** An accepted draft's tool call, waiting for its result. */
interface PendingCall {
  recordId: string;
  tool: string;
}

interface ConversationState {
  lastSeen: number;
  pending: Map<string, PendingCall>;
  /** Requests left that skip drafting, and why. */
  hold: { remaining: number; reason: string } | null;
}

export interface LaterFailed {
  recordId: string;
  failure: LaterFailure;
}

export interface TurnStart {
  /** Accepted drafts whose tool calls this request reports as failed: their records are amended. */
  laterFailed: LaterFailed[];
  /** This request skips drafting: a recent accepted draft of the conversation later failed. */
  hold: { reason: string; remaining: number } | null;
}

export interface ConversationMemoryOptions {
  maxConversations?: number;
  /** A conversation not seen for this long is forgotten. */
  idleMs?: number;
}

export class ConversationMemory {
  private readonly conversations = new Map<string, ConversationState>();
  private readonly max: number;
  /** A conversation not seen for this long is forgotten (shared state expires after as long). */
  readonly idleMs: number;

  constructor({ maxConversations = 5_000, idleMs = 6 * 60 * 60_000 }: ConversationMemoryOptions = {}) {
    this.max = maxConversations;
    this.idleMs = idleMs;
  }

  get size(): number {
    return this.conversations.size;
  }

  /**
   * A new request of the conversation (`messages`: its history, or how to get it): reads the
   * tool results it hands back, marks accepted drafts whose calls failed, and says whether this
   * request skips drafting. `escalateAfter` is how many requests skip drafting after a failure
   * (0: none).
   */
  begin(id: string, messages: readonly Message[] | (() => readonly Message[]), now: number, escalateAfter: number): TurnStart {
    const state = this.touch(id, now);
    const laterFailed: LaterFailed[] = [];
    // The history is read only while accepted calls await results: a request parsed lazily
    // (request/request-body.ts) is then not parsed for this.
    const history = state.pending.size === 0 ? [] : typeof messages === 'function' ? messages() : messages;
    for (const outcome of toolOutcomes(history)) {
      const call = state.pending.get(outcome.toolUseId);
      if (!call) continue;
      state.pending.delete(outcome.toolUseId);
      if (outcome.failure === null || laterFailed.some((f) => f.recordId === call.recordId)) continue;
      const reason = `${call.tool} ${outcome.failure}`;
      laterFailed.push({ recordId: call.recordId, failure: { time: now, reason } });
      if (escalateAfter > 0) state.hold = { remaining: escalateAfter, reason: `an accepted draft's ${reason}` };
    }
    if (!state.hold) return { laterFailed, hold: null };
    const hold = { reason: state.hold.reason, remaining: state.hold.remaining - 1 };
    state.hold = hold.remaining > 0 ? hold : null;
    return { laterFailed, hold };
  }

  /** An accepted draft's tool calls: their results arrive with the conversation's next request. */
  accepted(id: string, recordId: string, calls: readonly ToolUseBlock[], now: number): void {
    if (calls.length === 0) return;
    const state = this.touch(id, now);
    for (const call of calls) {
      if (state.pending.size >= MAX_PENDING) state.pending.delete(state.pending.keys().next().value as string);
      state.pending.set(call.id, { recordId, tool: call.name });
    }
  }

  /** The conversation's entry as JSON; null when it has none. */
  exportEntry(id: string): MemoryEntry | null {
    const state = this.conversations.get(id);
    if (!state) return null;
    const pending = [...state.pending].map(([toolUseId, call]) => ({ toolUseId, ...call }));
    return { lastSeen: state.lastSeen, pending, hold: state.hold && { ...state.hold } };
  }

  /** Replaces the conversation's entry with an exported one (null: forgets it). */
  importEntry(id: string, entry: MemoryEntry | null): void {
    this.conversations.delete(id);
    if (!entry) return;
    const pending = new Map(entry.pending.map(({ toolUseId, recordId, tool }) => [toolUseId, { recordId, tool }]));
    this.conversations.set(id, { lastSeen: entry.lastSeen, pending, hold: entry.hold && { ...entry.hold } });
    while (this.conversations.size > this.max) this.conversations.delete(this.conversations.keys().next().value as string);
  }

  /** Forgets every conversation (a statistics reset: the pending calls name records that are gone). */
  clear(): void {
    this.conversations.clear();
  }

  private touch(id: string, now: number): ConversationState {
    let state = this.conversations.get(id);
    if (state && now - state.lastSeen > this.idleMs) state = undefined;
    this.conversations.delete(id);
    state ??= { lastSeen: now, pending: new Map(), hold: null };
    state.lastSeen = now;
    // Map order is insertion order: re-inserting keeps the least recently seen first.
    this.conversations.set(id, state);
    while (this.conversations.size > this.max) this.conversations.delete(this.conversations.keys().next().value as string);
    return state;
  }
}
