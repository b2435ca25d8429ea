import { describe, expect, it } from 'vitest';
import { createAccounting } from '../pricing/accounting';
import { EconomicsState } from '../economics/state';
import type { Message, ToolUseBlock } from '../wire';
import { ConversationMemory } from './memory';
import { conversationSnapshotSchema, exportConversation, importConversation, type ConversationSnapshot } from './shared-state';

const accounting = createAccounting(() => ({}));
const ID = 's:sess-1';
const T0 = 1_700_000_000_000;
const HAIKU = 'claude-haiku-4-5';
const SONNET = 'claude-sonnet-4-6';
const read = (id: string): ToolUseBlock => ({ type: 'tool_use', id, name: 'Read', input: { file_path: '/a.ts' } });
const failed = (id: string): Message[] => [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, is_error: true, content: 'File does not exist.' }] }];
const next: Message[] = [{ role: 'user', content: 'go on' }];

function replica() {
  return { memory: new ConversationMemory(), economics: new EconomicsState(accounting) };
}

/** What goes over the wire: JSON text, validated on the way back. */
function throughJson(snapshot: ConversationSnapshot): ConversationSnapshot {
  return conversationSnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
}

describe('conversation snapshots', () => {
  it('carries a hold set by a later failure, and the calls still pending, into a fresh memory', () => {
    const a = replica();
    a.memory.accepted(ID, 'rec-1', [read('t1'), read('t2')], T0);
    // t1 failed: rec-1 later failed, 2 requests skip drafting (this one counts: 1 left).
    const turn = a.memory.begin(ID, [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: 'File does not exist.' }] }], T0 + 1_000, 2);
    expect(turn.hold).toEqual({ remaining: 1, reason: "an accepted draft's Read came back is_error: File does not exist." });

    const snapshot = throughJson(exportConversation(a.memory, a.economics, ID));
    expect(snapshot.seen).toBe(T0 + 1_000);
    expect(snapshot.memory).toEqual({
      lastSeen: T0 + 1_000,
      pending: [{ toolUseId: 't2', recordId: 'rec-1', tool: 'Read' }],
      hold: { remaining: 1, reason: "an accepted draft's Read came back is_error: File does not exist." },
    });

    const b = replica();
    expect(importConversation(b.memory, b.economics, ID, snapshot)).toBe(true);
    // The hold's last request, then drafting again.
    expect(b.memory.begin(ID, next, T0 + 2_000, 2)).toEqual({ laterFailed: [], hold: { remaining: 0, reason: "an accepted draft's Read came back is_error: File does not exist." } });
    expect(b.memory.begin(ID, next, T0 + 3_000, 2).hold).toBeNull();
    // The other call of the same record failing later marks nothing twice but holds again.
    expect(b.memory.begin(ID, failed('t2'), T0 + 4_000, 2)).toEqual({
      laterFailed: [{ recordId: 'rec-1', failure: { time: T0 + 4_000, reason: 'Read came back is_error: File does not exist.' } }],
      hold: { remaining: 1, reason: "an accepted draft's Read came back is_error: File does not exist." },
    });
  });

  it('carries each model’s prompt cache and the conversation’s profile', () => {
    const a = replica();
    // Haiku wrote 2,000 prompt tokens to its 5-minute cache; Sonnet read 1,500 and wrote 500 for an hour.
    const haiku = { input_tokens: 10, output_tokens: 50, cache_creation_input_tokens: 2_000, cache_read_input_tokens: 0 };
    const sonnet = { input_tokens: 10, output_tokens: 40, cache_creation_input_tokens: 500, cache_read_input_tokens: 1_500, cache_creation: { ephemeral_1h_input_tokens: 500, ephemeral_5m_input_tokens: 0 } };
    a.economics.ledger.observeRequest(ID, { time: T0, rawBytes: 4_000, calls: [{ model: HAIKU, usage: haiku }, { model: SONNET, usage: sonnet }], answered: sonnet });

    const b = replica();
    importConversation(b.memory, b.economics, ID, throughJson(exportConversation(a.memory, a.economics, ID)));
    const at = T0 + 60_000;
    // 5 minutes for Haiku's write; Sonnet's 1-hour part is read 1,500 + written 500.
    expect(b.economics.ledger.warm(ID, HAIKU, at)).toEqual({ tokens: 2_000, expiresAt: T0 + 300_000 });
    expect(b.economics.ledger.warm(ID, SONNET, at)).toEqual({ tokens: 2_000, expiresAt: T0 + 3_600_000 });
    expect(b.economics.ledger.directWarm(ID, at)).toEqual({ tokens: 2_000, expiresAt: T0 + 3_600_000 });
    // Prompt 10 + 500 + 1,500 = 2,010 tokens over 4,000 bytes.
    expect(b.economics.ledger.profile(ID)).toEqual({
      tokensPerByte: 0.5025,
      lastPromptTokens: 2_010,
      lastRawBytes: 4_000,
      growthTokens: null,
      outputTokens: 40,
      gapMs: null,
      lastSeen: T0,
      requests: 1,
    });
    // A cold model stays cold.
    expect(b.economics.ledger.warm(ID, 'claude-opus-4-7', at)).toBeNull();
  });

  it('carries the conversation’s drafts’ outcomes and its hold after three failures', () => {
    const a = replica();
    for (let i = 0; i < 3; i++) a.economics.acceptance.record({ recordId: `r${i}`, ruleId: 'sonnet', conversationId: ID, outcome: 'escalated', time: T0 + i });
    const b = replica();
    importConversation(b.memory, b.economics, ID, throughJson(exportConversation(a.memory, a.economics, ID)));
    // 0 accepted of 3 at z = 1: Wilson upper bound 0.25.
    expect(b.economics.acceptance.estimate({ ruleId: 'sonnet', conversationId: ID, time: T0 + 10 })).toEqual({ p: 0.25, basis: 'conversation 0 of 3, upper bound 0.25', outcomes: 3 });
    expect(b.economics.acceptance.beginRequest(ID, T0 + 10)).toEqual({ held: { reason: 'its last 3 drafts were escalated', remaining: 8, until: T0 + 2 + 15 * 60_000 } });
  });

  it('keeps this replica’s own state when it saw the conversation after the snapshot was made', () => {
    const a = replica();
    a.memory.accepted(ID, 'rec-1', [read('t1')], T0);
    const stale = throughJson(exportConversation(a.memory, a.economics, ID));
    const b = replica();
    b.memory.accepted(ID, 'rec-2', [read('t9')], T0 + 5_000);
    expect(importConversation(b.memory, b.economics, ID, stale)).toBe(false);
    expect(b.memory.begin(ID, failed('t9'), T0 + 6_000, 1).laterFailed.map((f) => f.recordId)).toEqual(['rec-2']);
  });

  it('forgets what the snapshot does not have', () => {
    const a = replica();
    const b = replica();
    b.economics.ledger.observeRequest(ID, { time: T0, rawBytes: 100, calls: [], answered: null });
    a.memory.accepted(ID, 'rec-1', [read('t1')], T0 + 1);
    importConversation(b.memory, b.economics, ID, throughJson(exportConversation(a.memory, a.economics, ID)));
    expect(b.economics.ledger.profile(ID)).toBeNull();
  });

  it('rejects what is not a snapshot', () => {
    const good = exportConversation(new ConversationMemory(), new EconomicsState(accounting), ID);
    expect(conversationSnapshotSchema.safeParse(good).success).toBe(true);
    expect(conversationSnapshotSchema.safeParse({ ...good, version: 2 }).success).toBe(false);
    const tooMany = { lastSeen: T0, pending: Array.from({ length: 65 }, (_, i) => ({ toolUseId: `t${i}`, recordId: 'r', tool: 'Read' })), hold: null };
    expect(conversationSnapshotSchema.safeParse({ ...good, memory: tooMany }).success).toBe(false);
    expect(conversationSnapshotSchema.safeParse({ ...good, economics: { ledger: { models: 'x' }, acceptance: null } }).success).toBe(false);
  });
});
