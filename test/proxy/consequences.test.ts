// Consequences through the real proxy, the simulator and the official SDK: an accepted draft's
// tool call that comes back failed marks that draft's record and skips drafting the
// conversation's next requests; other conversations are untouched.
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAIKU_DRAFT, SONNET, startHarness, type Harness } from './harness';
import { waitFor } from '../wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());
beforeEach(async () => h.mark());

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'Read',
    description: 'Reads a file from the local filesystem.',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
  },
];
const session = (id: string) => ({ user_id: JSON.stringify({ device_id: 'd', account_uuid: '', session_id: id }) });

async function ask(sessionId: string, messages: Anthropic.MessageParam[]): Promise<Anthropic.Message> {
  return h.client.messages.create({ model: SONNET, max_tokens: 200, tools: TOOLS, metadata: session(sessionId), messages });
}

describe('consequences of accepted drafts', () => {
  it('marks the accepted draft whose Read came back is_error and skips drafting the next two requests of that conversation', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'tool', tool: 'Read', input: { file_path: '/home/ada/app/src/app.ts' } }, 1);
    const opening: Anthropic.MessageParam = { role: 'user', content: 'Show me what /home/ada/app/src/app.ts contains.' };
    const first = await ask('sess-a', [opening]);
    const [accepted] = await h.decisions(1);
    expect(accepted).toMatchObject({ decision: 'accepted', actionClass: 'read', conversationId: 's:sess-a' });
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(call?.name).toBe('Read');

    const history: Anthropic.MessageParam[] = [
      opening,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, is_error: true, content: 'File does not exist.' }] },
    ];
    const second = await ask('sess-a', history);
    expect(second.content.length).toBeGreaterThan(0);
    const [held] = await h.decisions(2).then((r) => r.slice(1));
    expect(held).toMatchObject({ decision: 'not_worth_drafting', conversationId: 's:sess-a', answeringModel: SONNET, savings: 0 });
    expect(held.draft).toBeUndefined();
    expect(held.signals).toEqual([
      expect.objectContaining({ name: 'after_failure', reason: expect.stringContaining('Read came back is_error: File does not exist.') }),
    ]);
    expect(h.sim.messagesFor(HAIKU_DRAFT)).toHaveLength(1);

    // The failure is on the accepted draft's own record, and in the log.
    const [marked] = await h.ctx.control.getDecisions({ limit: 1, decision: 'accepted', conversationId: 's:sess-a' });
    expect(marked.laterFailed).toEqual({ time: expect.any(Number), reason: 'Read came back is_error: File does not exist.' });
    expect(h.logs.some((line) => line.includes('Later failed') && line.startsWith(`[${accepted.id}]`))).toBe(true);
    expect(h.logs.some((line) => line.includes('⏭️  Not worth drafting') && line.includes('1 more request to go'))).toBe(true);

    // Another conversation drafts as usual meanwhile.
    await ask('sess-b', [{ role: 'user', content: 'Explain what a TCP handshake is.' }]);
    await waitFor(() => h.sim.messagesFor(HAIKU_DRAFT).length === 2, 'the other conversation’s draft');

    // The third request of sess-a is held too (N = 2), the fourth drafts again.
    const more: Anthropic.MessageParam[] = [...history, { role: 'assistant', content: second.content }, { role: 'user', content: 'Try again.' }];
    await ask('sess-a', more);
    await ask('sess-a', [...more, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Thanks, and now?' }]);
    const records = await h.decisions(5);
    expect(records.map((r) => r.decision).slice(3)).toEqual(['not_worth_drafting', expect.not.stringMatching(/not_worth_drafting/)]);
    expect(h.sim.messagesFor(HAIKU_DRAFT)).toHaveLength(3);
  });
});
