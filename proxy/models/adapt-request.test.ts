// Draft- and verifier-request adaptation from the capability table (end to end through the
// proxy: test/proxy/adapt-request.test.ts).
import { describe, expect, it } from 'vitest';
import { claudeCodeLikeBody } from '../../test/fixtures/messages';
import type { MessagesRequest } from '../wire';
import { buildAnswerRequest, buildDraftRequest } from './adapt-request';
import { capabilitiesOf } from './capabilities';
import { SignatureRegistry } from './signatures';

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
    const original = claudeCodeLikeBody('claude-sonnet-4-6', 'hello') as MessagesRequest;
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
