// One conversation's state across turns as one JSON snapshot, for replicas that serve turns of
// the same conversation: its memory entry (accepted drafts' pending tool calls, the hold after
// one failed) and its economics (prompt caches per model, its drafts' outcomes and hold). A
// turn loads the snapshot before it is decided and saves it once recorded, through a
// ConversationStateStore: the local one shares nothing (one machine), proxy/team/redis/ keeps
// it in Redis. Ids, tool names and numbers only, no prompt text.
import { z } from 'zod';
import { economicsEntrySchema, type EconomicsState } from '../economics/state';
import { memoryEntrySchema, type ConversationMemory } from './memory';

export const conversationSnapshotSchema = z.object({
  version: z.literal(1),
  /** When a part of it last saw the conversation (ms): a replica that saw it later keeps its own. */
  seen: z.number(),
  memory: memoryEntrySchema.nullable(),
  economics: economicsEntrySchema,
});
export type ConversationSnapshot = z.infer<typeof conversationSnapshotSchema>;

export interface ConversationStateStore {
  /** The conversation's shared snapshot; null when there is none or it did not come in time (the local state decides). */
  load(id: string): Promise<ConversationSnapshot | null>;
  /** Keeps the snapshot in the background (made only by a store that keeps it); never throws, never waits. */
  save(id: string, snapshot: () => ConversationSnapshot): void;
}

/** One machine: every turn of a conversation meets the same memory, nothing to share. */
export const localConversationState: ConversationStateStore = {
  load: async () => null,
  save: () => {},
};

/** The conversation's state in this process, as a snapshot. */
export function exportConversation(memory: ConversationMemory, economics: EconomicsState, id: string): ConversationSnapshot {
  const entry = memory.exportEntry(id);
  const parts = economics.exportConversation(id);
  const seen = Math.max(entry?.lastSeen ?? 0, parts.ledger?.profile.lastSeen ?? 0, parts.acceptance?.lastSeen ?? 0);
  return { version: 1, seen, memory: entry, economics: parts };
}

/**
 * Takes a shared snapshot over the conversation's state in this process, unless this process
 * saw the conversation later (its own saves failed meanwhile, say). Returns whether it did.
 */
export function importConversation(memory: ConversationMemory, economics: EconomicsState, id: string, snapshot: ConversationSnapshot): boolean {
  if (exportConversation(memory, economics, id).seen > snapshot.seen) return false;
  memory.importEntry(id, snapshot.memory);
  economics.importConversation(id, snapshot.economics);
  return true;
}
