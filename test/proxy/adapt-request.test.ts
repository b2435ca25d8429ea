// Draft- and verifier-request adaptation from the capability table, unit and end to end
// (the simulator refuses what the real API refuses, so a wrong adaptation shows as draft_error).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDraftRequest, buildAnswerRequest } from '../../proxy/models/adapt-request';
import { capabilitiesOf } from '../../proxy/models/capabilities';
import { SignatureRegistry } from '../../proxy/models/signatures';
import type { MessagesRequest } from '../../proxy/wire';
import { claudeCodeLikeBody, HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';

const BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,effort-2025-11-24,context-1m-2025-08-07,some-future-beta';

function request(extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 32_000,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  };
}

describe('capability table', () => {
  it('resolves dated ids and aliases to their family, unknown models to null', () => {
    expect(capabilitiesOf('claude-haiku-4-5-20251001')?.family).toBe('haiku-4.5');
    expect(capabilitiesOf('claude-haiku-4-5')?.family).toBe('haiku-4.5');
    expect(capabilitiesOf('claude-opus-4-1-20250805')?.family).toBe('opus-4.1');
    expect(capabilitiesOf('claude-opus-4-20250514')?.family).toBe('opus-4');
    expect(capabilitiesOf('claude-3-5-haiku-20241022')?.adaptiveThinking).toBe(false);
    expect(capabilitiesOf('my-fine-tune')).toBeNull();
  });

  it('knows the 5.x families, each by its most specific id prefix', () => {
    expect(capabilitiesOf('claude-opus-5-5')?.family).toBe('opus-5.5');
    expect(capabilitiesOf('claude-opus-5')?.family).toBe('opus-5');
    expect(capabilitiesOf('claude-sonnet-5-5')?.family).toBe('sonnet-5.5');
    expect(capabilitiesOf('claude-sonnet-5')?.family).toBe('sonnet-5');
    expect(capabilitiesOf('claude-haiku-5-5')?.family).toBe('haiku-5.5');
    expect(capabilitiesOf('claude-fable-5-1')?.family).toBe('fable-5.1');
    expect(capabilitiesOf('claude-fable-5-2')?.family).toBe('fable-5');
    expect(capabilitiesOf('claude-mythos-5-1')?.family).toBe('mythos-5.1');
    expect(capabilitiesOf('claude-opus-4-8')?.family).toBe('opus-4.8');
    // What the docs say about Haiku 5.5: adaptive thinking only, every effort level, no sampling parameters.
    expect(capabilitiesOf('claude-haiku-5-5')).toMatchObject({
      extendedThinking: false,
      adaptiveThinking: true,
      effortLevels: ['low', 'medium', 'high', 'xhigh', 'max'],
      samplingParams: false,
      contextManagement: true,
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
    });
    expect(capabilitiesOf('claude-sonnet-4-6')?.effortLevels).toEqual(['low', 'medium', 'high', 'max']);
    // Mid-conversation system messages from Opus 4.8 on; Opus 5.5, Sonnet 5.5 and Fable 5.1 always think.
    expect(capabilitiesOf('claude-opus-4-8')?.systemMessages).toBe(true);
    expect(capabilitiesOf('claude-opus-4-7')?.systemMessages).toBe(false);
    expect(capabilitiesOf('claude-opus-5-5')).toMatchObject({ thinkingOff: false, forcedToolChoice: false, systemMessages: true });
    expect(capabilitiesOf('claude-opus-5')).toMatchObject({ thinkingOff: true, forcedToolChoice: true });
    expect(capabilitiesOf('claude-haiku-4-5')).toMatchObject({ effortLevels: [], samplingParams: true, maxOutputTokens: 64_000 });
  });
});

describe('buildDraftRequest', () => {
  const signatures = new SignatureRegistry();

  it('turns adaptive thinking into a budget sized by effort, and drops effort and betas the draft lacks', () => {
    const original = request({ thinking: { type: 'adaptive' }, output_config: { effort: 'medium', format: { type: 'json' } } });
    const { body, beta } = buildDraftRequest(original, BETAS, 'claude-haiku-4-5', signatures);
    expect(body.model).toBe('claude-haiku-4-5');
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 4_096 });
    expect(body.output_config).toEqual({ format: { type: 'json' } });
    expect(beta).toBe('claude-code-20250219,interleaved-thinking-2025-05-14,some-future-beta');
    expect(original.thinking).toEqual({ type: 'adaptive' }); // the client's request is not mutated
  });

  it('removes thinking, effort, context management and clamps max_tokens for a model without them', () => {
    const { body, beta } = buildDraftRequest(
      request({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' }, context_management: { edits: [] } }),
      'context-management-2025-06-27',
      'claude-3-5-haiku-20241022',
      signatures,
    );
    expect(body.thinking).toBeUndefined();
    expect(body.output_config).toBeUndefined();
    expect(body.context_management).toBeUndefined();
    expect(body.max_tokens).toBe(8_192);
    expect(beta).toBeUndefined();
  });

  it('sends what Claude Code asks of Opus 5.5 to the Sonnet 5.5 draft unchanged but for the model', () => {
    const original = {
      ...claudeCodeLikeBody('claude-opus-5-5', 'hello'),
      max_tokens: 128_000,
      thinking: { type: 'adaptive', display: 'omitted' },
    } as unknown as MessagesRequest;
    const betas =
      'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,per-turn-control-2026-07-01,' +
      'mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,effort-2025-11-24';
    const { body, beta } = buildDraftRequest(original, betas, 'claude-sonnet-5-5', signatures);
    expect(body).toEqual({ ...original, model: 'claude-sonnet-5-5' });
    expect(beta).toBe(betas);
  });

  it('carries mid-conversation system messages to a model without them as reminders in the user turns', () => {
    const original = request({
      model: 'claude-opus-5-5',
      messages: [
        { role: 'user', content: 'Fix the bug.' },
        { role: 'system', content: 'The user prefers small diffs.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] },
        { role: 'system', content: [], output_config: { effort: 'low' } },
        { role: 'system', content: [{ type: 'text', text: 'Tests live in test/.' }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'file text' }] },
        { role: 'system', content: 'Answer briefly.' },
      ],
    });
    const betas = 'claude-code-20250219,per-turn-control-2026-07-01,mid-conversation-tool-changes-2026-07-01,effort-2025-11-24';
    const { body, beta, unsupported } = buildDraftRequest(original, betas, 'claude-sonnet-4-6', signatures);
    expect(unsupported).toBeUndefined();
    const reminder = (text: string) => ({ type: 'text', text: `<system-reminder>\n${text}\n</system-reminder>` });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Fix the bug.' }, reminder('The user prefers small diffs.')] },
      original.messages[2],
      // After the tool results, so they stay first in their turn; the effort-only message is gone.
      { role: 'user', content: [original.messages[5].content[0], reminder('Tests live in test/.'), reminder('Answer briefly.')] },
    ]);
    expect(beta).toBe('claude-code-20250219,effort-2025-11-24');
    // A model that takes them gets them as sent.
    const current = buildDraftRequest(original, betas, 'claude-sonnet-5-5', signatures);
    expect(current.body.messages).toEqual(original.messages);
    expect(current.beta).toBe(betas);
    // Tool changes cannot be carried over: no draft.
    const tools = request({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'system', content: [{ type: 'tool_addition', tool: { type: 'tool_reference', name: 'Later' } }] },
      ],
    });
    expect(buildDraftRequest(tools, undefined, 'claude-haiku-4-5', signatures).unsupported).toBe(
      'claude-haiku-4-5 does not take tool changes in mid-conversation system messages',
    );
  });

  it('lowers an effort level the draft model lacks to the next one it has', () => {
    const xhigh = request({ model: 'claude-opus-5-5', output_config: { effort: 'xhigh', format: { type: 'json' } } });
    expect(buildDraftRequest(xhigh, undefined, 'claude-sonnet-4-6', signatures).body.output_config).toEqual({ effort: 'high', format: { type: 'json' } });
    expect(buildDraftRequest(xhigh, undefined, 'claude-sonnet-5-5', signatures).body.output_config).toEqual(xhigh.output_config);
    const max = request({ model: 'claude-opus-4-6', output_config: { effort: 'max' } });
    expect(buildDraftRequest(max, undefined, 'claude-opus-4-5', signatures).body.output_config).toEqual({ effort: 'high' });
    expect(buildDraftRequest(max, undefined, 'claude-haiku-4-5', signatures).body.output_config).toBeUndefined();
  });

  it('turns a thinking budget into adaptive thinking and drops sampling parameters for Haiku 5.5', () => {
    const original = request({ thinking: { type: 'enabled', budget_tokens: 8_000 }, temperature: 0.2, top_p: 0.9, top_k: 40 });
    const { body } = buildDraftRequest(original, undefined, 'claude-haiku-5-5', signatures);
    expect(body.thinking).toEqual({ type: 'adaptive' });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('top_k');
    // Haiku 4.5 takes both as sent.
    const old = buildDraftRequest(original, undefined, 'claude-haiku-4-5', signatures).body;
    expect(old).toMatchObject({ thinking: original.thinking, temperature: 0.2, top_p: 0.9, top_k: 40 });
  });

  it('lets a model that always thinks think, and refuses to draft a forced tool choice or prefill it would reject', () => {
    const off = buildDraftRequest(request({ model: 'claude-opus-4-6', thinking: { type: 'disabled' } }), undefined, 'claude-sonnet-5-5', signatures);
    expect(off.body).not.toHaveProperty('thinking');
    expect(off.unsupported).toBeUndefined();
    expect(buildDraftRequest(request({ thinking: { type: 'disabled' } }), undefined, 'claude-haiku-5-5', signatures).body.thinking).toEqual({ type: 'disabled' });

    const forced = request({ model: 'claude-opus-4-6', tool_choice: { type: 'tool', name: 'Bash' } });
    expect(buildDraftRequest(forced, undefined, 'claude-sonnet-5-5', signatures).unsupported).toBe('claude-sonnet-5-5 does not accept tool_choice "tool"');
    expect(buildDraftRequest(forced, undefined, 'claude-haiku-4-5', signatures).unsupported).toBeUndefined();
    expect(buildDraftRequest(request({ tool_choice: { type: 'auto' } }), undefined, 'claude-sonnet-5-5', signatures).unsupported).toBeUndefined();

    const prefill = request({ model: 'claude-sonnet-5', messages: [{ role: 'user', content: 'JSON please' }, { role: 'assistant', content: '{' }] });
    expect(buildDraftRequest(prefill, undefined, 'claude-haiku-5-5', signatures).unsupported).toBe('claude-haiku-5-5 does not accept an assistant prefill');
    expect(buildDraftRequest(prefill, undefined, 'claude-haiku-4-5', signatures).unsupported).toBeUndefined();
  });

  it('leaves deferred tools out for a model without tool search', () => {
    const tools = [
      { name: 'Read', input_schema: { type: 'object' } },
      { name: 'Later', input_schema: { type: 'object' }, defer_loading: true },
    ];
    const old = buildDraftRequest(request({ tools }), 'advanced-tool-use-2025-11-20', 'claude-sonnet-4-20250514', signatures);
    expect(old.body.tools?.map((t) => t.name)).toEqual(['Read']);
    expect(old.beta).toBeUndefined();
    const haiku = buildDraftRequest(request({ tools }), 'advanced-tool-use-2025-11-20', 'claude-haiku-4-5', signatures);
    expect(haiku.body.tools).toEqual(tools);
    expect(haiku.beta).toBe('advanced-tool-use-2025-11-20');
  });

  it('drops thinking when max_tokens leaves no room for the minimum budget', () => {
    const { body } = buildDraftRequest(request({ max_tokens: 1000, thinking: { type: 'adaptive' } }), undefined, 'claude-haiku-4-5', signatures);
    expect(body.thinking).toBeUndefined();
  });

  it('keeps everything else as sent', () => {
    const original = claudeCodeLikeBody(SONNET, 'hello') as MessagesRequest;
    const { body } = buildDraftRequest(original, undefined, 'claude-haiku-4-5', signatures);
    const { model: _m, thinking: _t, output_config: _o, ...rest } = body;
    const { model: _m2, thinking: _t2, output_config: _o2, ...expected } = original;
    expect(rest).toEqual(expected);
  });

  it('strips thinking blocks another model signed, and then runs the draft without thinking', () => {
    const registry = new SignatureRegistry();
    registry.remember('sig-haiku', 'claude-haiku-4-5-20251001');
    const history = request({
      thinking: { type: 'enabled', budget_tokens: 2_000 },
      messages: [
        { role: 'user', content: 'q1' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'by haiku', signature: 'sig-haiku' },
            { type: 'text', text: 'a1' },
          ],
        },
        { role: 'user', content: 'q2' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'by sonnet', signature: 'sig-unknown' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'a2' },
          ],
        },
        { role: 'user', content: 'q3' },
      ],
    });
    const { body } = buildDraftRequest(history, undefined, 'claude-haiku-4-5', registry);
    expect(body.messages[1].content).toEqual(history.messages[1].content); // the draft family's own block stays
    expect(body.messages[3].content).toEqual([{ type: 'text', text: 'a2' }]);
    expect(body.thinking).toBeUndefined();

    // The verifier keeps blocks it may have signed itself and loses the draft's.
    const verifier = buildAnswerRequest(history, 'claude-sonnet-4-6', registry);
    expect(verifier?.messages[1].content).toEqual([{ type: 'text', text: 'a1' }]);
    expect(verifier?.messages[3].content).toEqual(history.messages[3].content);
    expect(verifier?.thinking).toBeUndefined();
    expect(buildAnswerRequest(request(), 'claude-sonnet-4-6', registry)).toBeNull();
  });
});

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
