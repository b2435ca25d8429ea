import { describe, expect, it } from 'vitest';
import type { Message, ToolUseBlock } from '../wire';
import { toolOutcomes } from './consequences';
import { ConversationMemory } from './memory';

const call = (id: string, name = 'Edit'): ToolUseBlock => ({ type: 'tool_use', id, name, input: {} });
const results = (...blocks: Array<Record<string, unknown>>): Message[] => [
  { role: 'user', content: 'fix it' },
  { role: 'assistant', content: [call('t1')] },
  { role: 'user', content: blocks.map((b) => ({ type: 'tool_result', ...b })) },
];

describe('toolOutcomes', () => {
  it('reads errors, refused permissions and interruptions from the last turn’s tool results', () => {
    const messages = results(
      { tool_use_id: 'a', content: 'ok' },
      { tool_use_id: 'b', is_error: true, content: [{ type: 'text', text: 'String to replace not found in file.' }] },
      { tool_use_id: 'c', is_error: true, content: "The user doesn't want to proceed with this tool use. The tool use was rejected." },
    );
    expect(toolOutcomes(messages)).toEqual([
      { toolUseId: 'a', failure: null },
      { toolUseId: 'b', failure: 'came back is_error: String to replace not found in file.' },
      { toolUseId: 'c', failure: 'the user refused the permission' },
    ]);
  });

  it('counts every result of an interrupted turn as failed', () => {
    const messages = results({ tool_use_id: 'a', content: 'partial output' });
    (messages[2].content as Array<Record<string, unknown>>).push({ type: 'text', text: '[Request interrupted by user for tool use]' });
    expect(toolOutcomes(messages)).toEqual([{ toolUseId: 'a', failure: 'the user interrupted the turn' }]);
  });

  it('reads nothing when the last turn is not the user’s', () => {
    expect(toolOutcomes([{ role: 'assistant', content: [call('t1')] }])).toEqual([]);
  });
});

describe('ConversationMemory', () => {
  it('reads a lazily given history only while an accepted draft’s calls await their results', () => {
    const memory = new ConversationMemory();
    let reads = 0;
    const history = () => (reads++, results({ tool_use_id: 't1', is_error: true }));
    expect(memory.begin('s:1', history, 1, 2)).toEqual({ laterFailed: [], hold: null });
    expect(reads).toBe(0);
    memory.accepted('s:1', 'rec-1', [call('t1')], 2);
    expect(memory.begin('s:1', history, 3, 2).laterFailed.map((f) => f.recordId)).toEqual(['rec-1']);
    expect(reads).toBe(1);
    memory.begin('s:1', history, 4, 2); // on hold, nothing pending: not read again
    expect(reads).toBe(1);
  });

  it('marks the accepted draft whose call failed and holds the next N requests of that conversation only', () => {
    const memory = new ConversationMemory();
    memory.accepted('s:1', 'rec-1', [call('t1'), call('t2', 'Read')], 1_000);
    const failing = results({ tool_use_id: 't1', is_error: true, content: 'boom' }, { tool_use_id: 't2', content: 'file text' });

    const first = memory.begin('s:1', failing, 2_000, 2);
    expect(first.laterFailed).toEqual([{ recordId: 'rec-1', failure: { time: 2_000, reason: 'Edit came back is_error: boom' } }]);
    expect(first.hold).toEqual({ reason: "an accepted draft's Edit came back is_error: boom", remaining: 1 });
    // The same results resent later are not counted twice: the calls were answered.
    const second = memory.begin('s:1', failing, 3_000, 2);
    expect(second.laterFailed).toEqual([]);
    expect(second.hold?.remaining).toBe(0);
    expect(memory.begin('s:1', failing, 4_000, 2).hold).toBeNull();
    expect(memory.begin('s:2', failing, 4_000, 2)).toEqual({ laterFailed: [], hold: null });
  });

  it('with escalateAfter 0 still marks the record but holds nothing', () => {
    const memory = new ConversationMemory();
    memory.accepted('s:1', 'rec-1', [call('t1')], 0);
    const turn = memory.begin('s:1', results({ tool_use_id: 't1', is_error: true }), 1, 0);
    expect(turn.laterFailed.map((f) => f.failure.reason)).toEqual(['Edit came back is_error']);
    expect(turn.hold).toBeNull();
  });

  it('ignores results of calls no accepted draft made (the requested model’s own calls)', () => {
    const memory = new ConversationMemory();
    expect(memory.begin('s:1', results({ tool_use_id: 't1', is_error: true }), 1, 2)).toEqual({ laterFailed: [], hold: null });
  });

  it('forgets the least recently seen conversation beyond its cap, and idle ones', () => {
    const memory = new ConversationMemory({ maxConversations: 2, idleMs: 100 });
    memory.accepted('a', 'rec-a', [call('ta')], 0);
    memory.accepted('b', 'rec-b', [call('tb')], 1);
    memory.begin('a', [], 2, 2); // a is now the most recent
    memory.accepted('c', 'rec-c', [call('tc')], 3); // evicts b
    expect(memory.size).toBe(2);
    expect(memory.begin('b', results({ tool_use_id: 'tb', is_error: true }), 4, 2).laterFailed).toEqual([]);
    // a was last seen at 2: at 200 it has been idle for longer than 100 ms.
    expect(memory.begin('a', results({ tool_use_id: 'ta', is_error: true }), 200, 2).laterFailed).toEqual([]);
  });
});
