// Draft- and verifier-request adaptation from the capability table, unit and end to end
// (the simulator refuses what the real API refuses, so a wrong adaptation shows as draft_error).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDraftRequest, buildAnswerRequest } from '../../proxy/models/adapt-request';
import { capabilitiesOf } from '../../proxy/models/capabilities';
import { SignatureRegistry } from '../../proxy/models/signatures';
import type { MessagesRequest } from '../../proxy/types';
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
