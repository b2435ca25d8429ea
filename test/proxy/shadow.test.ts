// Shadow verification end to end, through the real SDK, the real proxy and the simulator: a
// sampled accepted draft is answered again by the verifier after the client has its answer (the
// simulator holds the shadow call until the client has it, so a delayed client would hang), the
// record is amended with the agreement and its cost, the cost counts in the totals, and the
// control API's quality stats show it.
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import { describeAgreement } from '../../contracts/quality';
import { type Harness, SONNET, startHarness } from './harness';
import { waitFor } from '../wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Every matched request drafts: the first turn of a conversation is not skipped as not worth it.
  await h.ctx.control.updateSettings({ draftPolicy: 'always' });
  const rules = await h.ctx.control.getRules();
  await h.ctx.control.saveRules(rules.map((rule) => (rule.id === 'sonnet-4' ? { ...rule, shadowRate: 1 } : rule)));
});
afterAll(async () => h.close());
beforeEach(async () => h.mark());

const tools: Anthropic.Tool[] = [
  {
    name: 'Bash',
    description: 'Run a shell command',
    input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
];
/** Each test asks its own question: a conversation of its own. */
const ask = (question: string) => ({ model: SONNET, max_tokens: 1024, messages: [{ role: 'user' as const, content: question }], tools });

/** A promise the test settles once it has seen what it waits for. */
function hold(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/** The record once its shadow result has arrived. */
const shadowed = (id: string) =>
  waitFor(async () => (await h.ctx.control.getDecisions({ limit: 50 })).find((r) => r.id === id && r.shadow), `the shadow result of ${id}`);

/** Sonnet 4.6 list price: $3 per million input tokens, $15 per million output tokens. */
const sonnetCost = (usage: unknown) => {
  const { input_tokens, output_tokens } = usage as { input_tokens: number; output_tokens: number };
  return (input_tokens * 3 + output_tokens * 15) / 1e6;
};

describe('shadow verification at a sample rate of 100 %', () => {
  it('records agreement and its cost without delaying the client', async () => {
    const held = hold();
    h.sim.script('claude-haiku-*', { kind: 'tool', tool: 'Bash', input: { command: 'ls' } });
    h.sim.script(SONNET, { kind: 'tool', tool: 'Bash', input: { command: 'ls' }, until: held.promise });
    const costBefore = (await h.ctx.control.getStats()).allTime.cost;

    // The client gets its answer while the shadow call is held unanswered at the verifier
    // (a client that waited for it would time out here).
    const request = ask('What is in this folder?');
    const final = await h.client.messages.stream(request, { timeout: 5_000 }).finalMessage();
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'Bash', input: { command: 'ls' } });
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'accepted', ruleId: 'sonnet-4' });
    expect(record.shadow).toBeUndefined();
    await waitFor(() => h.sim.messagesFor(SONNET).length === 1, 'the shadow call to reach the verifier');
    const [call] = h.sim.messagesFor(SONNET);
    expect(call.finished).toBe(false);
    expect(call.body).toMatchObject({ model: SONNET, stream: false, messages: request.messages });

    held.release();
    const amended = (await shadowed(record.id)) as DecisionRecord;
    const cost = sonnetCost(call.usage);
    expect(amended.shadow).toMatchObject({ model: SONNET, agreed: true, method: 'tool_calls', reason: 'same Bash call', cost: expect.closeTo(cost, 12) as number });

    // The shadow call is money spent: it counts in the totals, and in the rule's quality stats.
    await waitFor(async () => (await h.ctx.control.getStats()).allTime.cost >= costBefore + (record.cost ?? 0) + cost - 1e-12, 'the totals to count the shadow call');
    const quality = (await h.ctx.control.qualityStats()).byRule['sonnet-4'].classes[amended.actionClass ?? 'read'];
    expect(quality.shadow).toMatchObject({ n: 1, agreed: 1, rate: 1, cost: expect.closeTo(cost, 12) as number, byWording: 0, model: SONNET });
    expect(describeAgreement(quality.shadow)).toMatch(/^Measured: 100 % of sampled drafts matched claude-sonnet-4-6 \(±\d+ %, n = 1, cost \$0\.\d+\)$/);
  });

  it('records a disagreement between tool calls', async () => {
    h.sim.script('claude-haiku-*', { kind: 'tool', tool: 'Bash', input: { command: 'ls' } });
    h.sim.script(SONNET, { kind: 'tool', tool: 'Bash', input: { command: 'ls -la' } });
    const final = await h.client.messages.create(ask('List the files here, with details.'));
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ input: { command: 'ls' } });
    const [record] = await h.decisions(1);
    expect(record.decision).toBe('accepted');
    const amended = (await shadowed(record.id)) as DecisionRecord;
    expect(amended.shadow).toMatchObject({ agreed: false, method: 'tool_calls', reason: 'Bash: command differs' });
    // Both samples are reads: one matched, one did not.
    const quality = (await h.ctx.control.qualityStats()).byRule['sonnet-4'].classes[amended.actionClass ?? 'read'];
    expect(quality.shadow).toMatchObject({ n: 2, agreed: 1, rate: 0.5 });
  });
});
