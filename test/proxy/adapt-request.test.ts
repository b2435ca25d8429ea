// Draft- and verifier-request adaptation end to end through the proxy (the simulator refuses
// what the real API refuses, so a wrong adaptation shows as draft_error). Unit cases:
// proxy/models/adapt-request.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeCodeLikeBody } from '../fixtures/messages';
import { HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';

const BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,effort-2025-11-24,context-1m-2025-08-07,some-future-beta';

describe('through the proxy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());
  beforeEach(async () => h.mark());

  it('drafts a Claude Code request the draft model accepts, and the verifier gets it byte for byte', async () => {
    const body = claudeCodeLikeBody(SONNET, 'Explain how a TCP handshake works. [sim:haiku=hedging]');
    const raw = JSON.stringify(body);
    const res = await fetch(`${h.proxy.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-beta': BETAS },
      body: raw,
    });
    await res.text();
    expect(res.headers.get('x-cascadeflow-decision')).toBe('escalated');
    const [draft] = h.sim.messagesFor(HAIKU_DRAFT);
    expect(draft.body?.thinking).toEqual({ type: 'enabled', budget_tokens: 4_096 });
    expect(draft.body?.context_management).toEqual(body.context_management);
    expect(draft.body?.metadata).toEqual(body.metadata);
    expect(draft.body?.system).toEqual(body.system);
    expect(draft.body?.messages).toEqual(body.messages);
    const [verifier] = h.sim.messagesFor(SONNET);
    expect(verifier.rawBody).toBe(raw);
    expect(verifier.query).toBe('beta=true');
    expect(verifier.headers['anthropic-beta']).toBe(BETAS);
  });

  it('sends the draft of a long session as pieces of the client bytes, whole and with its length', async () => {
    // Earlier turns hold large tool results: ~600 KB, pretty-printed by the client.
    const body = claudeCodeLikeBody(SONNET, 'Explain how a TCP handshake works.');
    const history = Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${i}: ${'a line of a file\n'.repeat(3_500)}` }));
    body.messages = [...history, ...(body.messages as unknown[])];
    const raw = JSON.stringify(body, null, 1);
    const res = await fetch(`${h.proxy.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: raw });
    await res.text();
    expect(res.headers.get('x-cascadeflow-decision')).toBe('accepted');
    const [draft] = h.sim.messagesFor(HAIKU_DRAFT);
    expect(draft.headers['content-length']).toBe(String(Buffer.byteLength(draft.rawBody)));
    expect(draft.headers['transfer-encoding']).toBeUndefined();
    expect(draft.body?.messages).toEqual(body.messages);
    // The history went up as the client wrote it.
    expect(draft.rawBody).toContain(JSON.stringify(body.messages, null, 1).replace(/\n/g, '\n ').slice(0, 2_000));
  });

  it('cascades Claude Code’s default model, Opus 5.5, to a Sonnet 5.5 draft and prices both from the table', async () => {
    const body = { ...claudeCodeLikeBody('claude-opus-5-5', 'Explain how a TCP handshake works.'), stream: false, max_tokens: 128_000 };
    const res = await fetch(`${h.proxy.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-beta': 'claude-code-20250219,effort-2025-11-24' },
      body: JSON.stringify(body),
    });
    const message = (await res.json()) as { model: string; usage: { input_tokens: number; output_tokens: number } };
    expect(res.headers.get('x-cascadeflow-decision')).toBe('accepted');
    expect(message.model).toBe('claude-sonnet-5-5');
    const [draft] = h.sim.messagesFor('claude-sonnet-5-5');
    expect(draft.body).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'medium' }, max_tokens: 128_000 });
    const [record] = await h.decisions(1);
    const { input_tokens: input, output_tokens: output } = message.usage;
    expect(record).toMatchObject({ decision: 'accepted', ruleId: 'opus-5', answeringModel: 'claude-sonnet-5-5' });
    expect(record.cost).toBeCloseTo((input * 2 + output * 10) / 1e6, 12);
    expect(record.baselineCost).toBeCloseTo((input * 4 + output * 20) / 1e6, 12);
  });

  it('drafts a Claude Code request for Opus 5.5 with an older model the user chose, system messages inlined', async () => {
    const rules = await h.ctx.control.getRules();
    await h.ctx.control.saveRules([{ id: 'mine', match: 'claude-opus-5-5', draftModel: HAIKU_DRAFT, verifierModel: null, threshold: 0.7, enabled: true }]);
    try {
      const body = { ...claudeCodeLikeBody('claude-opus-5-5', 'Explain how a TCP handshake works.'), stream: false };
      const res = await fetch(`${h.proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-beta': 'claude-code-20250219,per-turn-control-2026-07-01' },
        body: JSON.stringify(body),
      });
      expect(res.headers.get('x-cascadeflow-decision')).toBe('accepted');
      const [draft] = h.sim.messagesFor(HAIKU_DRAFT);
      expect(draft.body?.messages.map((m) => m.role)).toEqual(['user']);
      expect(JSON.stringify(draft.body?.messages)).toContain('<system-reminder>\\nExtra system guidance inside messages.');
      expect(draft.headers['anthropic-beta']).toBe('claude-code-20250219');
    } finally {
      await h.ctx.control.saveRules(rules);
    }
  });

  it('drafts Sonnet 5.5 with Haiku 5.5, leaving out the sampling parameters Haiku 5.5 refuses', async () => {
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify({
        model: 'claude-sonnet-5-5',
        max_tokens: 4_096,
        temperature: 0.3,
        messages: [{ role: 'user', content: 'Explain how a TCP handshake works.' }],
      }),
    });
    expect(((await res.json()) as { model: string }).model).toBe('claude-haiku-5-5');
    const [draft] = h.sim.messagesFor('claude-haiku-5-5');
    expect(draft.body).not.toHaveProperty('temperature');
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'accepted', ruleId: 'sonnet-5' });
    expect(record.cost).toBeGreaterThan(0);
    expect(record.unpricedModels).toBeUndefined();
  });

  it('skips the draft when the draft model would refuse a forced tool choice: the requested model answers at once', async () => {
    const forced = await h.client.messages.create({
      model: 'claude-opus-4-6',
      max_tokens: 1_024,
      tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }],
      tool_choice: { type: 'tool', name: 'Bash' },
      messages: [{ role: 'user', content: 'List the files. [sim:tool:Bash]' }],
    });
    expect(forced.model).toBe('claude-opus-4-6');
    expect(h.sim.messagesFor('claude-sonnet-5-5')).toHaveLength(0);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'draft_error', ruleId: 'opus-4', answeringModel: 'claude-opus-4-6', status: 200 });
    expect(record.failure).toEqual({ kind: 'skipped', message: 'claude-sonnet-5-5 does not accept tool_choice "tool"' });
    expect(record.draft).toBeUndefined();
    expect(record.savings).toBe(0);
  });

  it('keeps a multi-turn thinking conversation working across draft and verifier', async () => {
    const thinking = { type: 'enabled' as const, budget_tokens: 2_048 };
    const first = await h.client.messages.create({
      model: SONNET,
      max_tokens: 4_096,
      thinking,
      messages: [{ role: 'user', content: 'Explain how a TCP handshake works.' }],
    });
    expect(first.model).toBe(HAIKU_DRAFT);
    expect(first.content[0]).toMatchObject({ type: 'thinking', signature: expect.stringContaining(HAIKU_DRAFT) });
    // Second turn: the draft hedges, the verifier must not see the draft's signed thinking.
    const second = await h.client.messages.create({
      model: SONNET,
      max_tokens: 4_096,
      thinking,
      messages: [
        { role: 'user', content: 'Explain how a TCP handshake works.' },
        { role: 'assistant', content: first.content as never },
        { role: 'user', content: 'And how does it close? [sim:haiku=hedging]' },
      ],
    });
    expect(second.model).toBe(SONNET);
    const drafts = h.sim.messagesFor(HAIKU_DRAFT);
    const signature = (first.content[0] as { signature: string }).signature;
    expect(JSON.stringify(drafts[1].body?.messages)).toContain(signature); // the draft keeps its own block
    const [verifier] = h.sim.messagesFor(SONNET);
    expect(JSON.stringify(verifier.body?.messages)).not.toContain('"thinking"');
    expect(verifier.body?.thinking).toBeUndefined();
    const records = await h.decisions(2);
    expect(records.map((r) => r.decision)).toEqual(['accepted', 'escalated']);
  });

  it('retries the verifier once without thinking when it rejects a signature the proxy never saw', async () => {
    const foreign = 'sim-sig:claude-haiku-4-5:signed-before-a-restart';
    const response = await h.client.messages.create({
      model: SONNET,
      max_tokens: 4_096,
      thinking: { type: 'enabled', budget_tokens: 2_048 },
      messages: [
        { role: 'user', content: 'Explain how a TCP handshake works.' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'earlier', signature: foreign },
            { type: 'text', text: 'SYN, SYN-ACK, ACK.' },
          ],
        },
        { role: 'user', content: 'And how does it close? [sim:haiku=hedging]' },
      ],
    });
    expect(response.model).toBe(SONNET);
    const verifierCalls = h.sim.messagesFor(SONNET);
    expect(verifierCalls).toHaveLength(2);
    expect(verifierCalls[0].rawBody).toContain(foreign); // first as the client sent it
    expect(verifierCalls[1].rawBody).not.toContain(foreign);
    expect(verifierCalls[1].body?.thinking).toBeUndefined();
    expect((await h.decisions(1))[0]).toMatchObject({ decision: 'escalated', status: 200 });
  });
});
