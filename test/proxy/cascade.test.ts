// The cascade through the real SDK: accepted drafts, escalation for every quality signal,
// transparent fallback on draft failures, early stop, and client aborts.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FailureKind } from '../../contracts/decision';
import { GOOD_OPENING, type Behaviour } from '../../simulator/behaviours';
import { HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';
import { waitFor } from '../wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ draftTimeoutMs: 400 });
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
const question = 'Explain how a TCP handshake works, step by step.';
const ask = { model: SONNET, max_tokens: 1024, messages: [{ role: 'user' as const, content: question }], tools };

describe('accepted drafts', () => {
  it('returns the draft as JSON with the decision headers and costs', async () => {
    const { data, response } = await h.client.messages.create(ask).withResponse();
    expect(data.model).toBe(HAIKU_DRAFT);
    expect(data.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
    expect(response.headers.get('x-cascadeflow-decision')).toBe('accepted');
    expect(response.headers.get('x-cascadeflow-model')).toBe(HAIKU_DRAFT);
    expect(Number(response.headers.get('x-cascadeflow-confidence'))).toBeGreaterThanOrEqual(0.7);
    expect(Number(response.headers.get('x-cascadeflow-cost-usd'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-cascadeflow-savings-usd'))).toBeGreaterThan(0);
    expect(h.sim.messagesFor(SONNET)).toHaveLength(0);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'accepted', answeringModel: HAIKU_DRAFT, ruleId: 'sonnet-4', threshold: 0.7 });
    expect(h.logs.some((line) => line.includes('Draft accepted'))).toBe(true);
    expect(h.logs.some((line) => line.includes('TCP handshake'))).toBe(false); // no prompt text by default
  });

  it('adds the prompt excerpt to the log line when logPrompts is on', async () => {
    await h.ctx.control.updateSettings({ logPrompts: true });
    try {
      await h.client.messages.create(ask);
      await h.decisions(1);
      expect(h.logs.at(-1)).toMatch(/^\[[0-9a-f]{16}\] ✅ Draft accepted \(answer\): .* \| prompt: "Explain how a TCP handshake works, step by step\."$/);
    } finally {
      await h.ctx.control.updateSettings({ logPrompts: false });
    }
  });

  it('replays the buffered draft stream unchanged and finalMessage() works', async () => {
    const final = await h.client.messages.stream(ask).finalMessage();
    expect(final.model).toBe(HAIKU_DRAFT);
    expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify({ ...ask, stream: true }),
    });
    const text = await res.text();
    expect(res.headers.get('x-cascadeflow-decision')).toBe('accepted');
    expect(text).toBe(h.sim.messagesFor(HAIKU_DRAFT)[1].responseBody);
    const records = await h.decisions(2);
    expect(records.every((r) => r.decision === 'accepted' && r.stream)).toBe(true);
  });

  it('accepts a valid tool call', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'tool', tool: 'Bash', input: { command: 'ls' } });
    const final = await h.client.messages.stream(ask).finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'Bash', input: { command: 'ls' } });
    expect((await h.decisions(1))[0].decision).toBe('accepted');
  });
});

describe('escalation for each quality signal', () => {
  const cases: Array<[string, Behaviour, string]> = [
    ['truncated', { kind: 'truncated' }, 'truncated'],
    ['refusal', { kind: 'refusal' }, 'refusal'],
    ['hedging', { kind: 'hedging' }, 'hedging'],
    ['too short', { kind: 'short' }, 'too_short'],
    ['unknown tool', { kind: 'tool_unknown', tool: 'Shell' }, 'unknown_tool'],
    ['tool input failing its schema', { kind: 'tool_invalid' }, 'tool_schema'],
    ['JSON code block that does not parse', { kind: 'json_bad' }, 'invalid_json'],
  ];
  for (const stream of [true, false]) {
    for (const [label, behaviour, signal] of cases) {
      it(`${stream ? 'stream' : 'JSON'}: ${label}`, async () => {
        h.sim.script(HAIKU_DRAFT, behaviour);
        const final = stream ? await h.client.messages.stream(ask).finalMessage() : await h.client.messages.create(ask);
        expect(final.model).toBe(SONNET);
        expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
        const [record] = await h.decisions(1);
        expect(record).toMatchObject({ decision: 'escalated', answeringModel: SONNET, requestedModel: SONNET, stream });
        expect(record.confidence).toBeLessThan(0.7);
        expect(record.signals.map((s) => s.name)).toContain(signal);
        expect(record.savings).toBeLessThan(0);
        expect(h.logs.at(-1)).toContain('Escalated');
      });
    }
  }

  for (const [label, behaviour, signal] of [
    ['a refusal opening', { kind: 'refusal', delayMs: 40 }, 'refusal'],
    ['an unknown tool', { kind: 'tool_unknown', tool: 'Shell', delayMs: 40 }, 'unknown_tool'],
  ] as Array<[string, Behaviour, string]>) {
    it(`stops a streamed draft early on ${label} and escalates at once`, async () => {
      h.sim.script(HAIKU_DRAFT, behaviour);
      const { data, response } = await h.client.messages.stream(ask).withResponse();
      expect(response.headers.get('x-cascadeflow-decision')).toBe('escalated');
      expect(response.headers.get('x-cascadeflow-cost-usd')).toBeNull(); // unknown when a stream's headers go out
      const final = await data.finalMessage();
      expect(final.model).toBe(SONNET);
      const [draft] = h.sim.messagesFor(HAIKU_DRAFT);
      await waitFor(() => draft.aborted, 'the draft call to be aborted');
      expect(draft.finished).toBe(false);
      const [record] = await h.decisions(1);
      expect(record.signals.find((s) => s.name === signal)?.decisive).toBe(true);
    });
  }

  it('costs a draft cut off early by the output that streamed, flagged as an estimate', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal', delayMs: 20 }, 1);
    await h.client.messages.stream(ask).finalMessage();
    const [record] = await h.decisions(1);
    const [draft] = h.sim.messagesFor(HAIKU_DRAFT);
    const streamed = [...draft.responseBody.matchAll(/"text_delta","text":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join('');
    expect(streamed).toContain("can't help");
    // message_start reported 1 output token; the refusal text that streamed is worth more.
    const output = Math.ceil(streamed.length / 3.5);
    expect(record.draft).toMatchObject({ usageEstimated: true, usage: { output_tokens: output } });
    const input = record.draft?.usage?.input_tokens ?? 0;
    expect(record.draft?.cost).toBeCloseTo((input * 1 + output * 5) / 1e6, 12);
    // A draft that ran to its end is costed from the upstream's own usage.
    await h.client.messages.stream(ask).finalMessage();
    const [, complete] = await h.decisions(2);
    expect(complete).toMatchObject({ decision: 'accepted' });
    expect(complete.draft?.usageEstimated).toBeUndefined();
  });

  it('uses the rule’s verifier model when it names one', async () => {
    const rules = await h.ctx.control.getRules();
    await h.ctx.control.saveRules([{ ...rules.find((r) => r.id === 'sonnet-4')!, verifierModel: 'claude-opus-4-6' }, ...rules.filter((r) => r.id !== 'sonnet-4')]);
    try {
      h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
      const final = await h.client.messages.stream(ask).finalMessage();
      expect(final.model).toBe('claude-opus-4-6');
      expect(h.sim.messagesFor('claude-opus-4-6')[0].body?.messages).toEqual(ask.messages);
      expect((await h.decisions(1))[0].answeringModel).toBe('claude-opus-4-6');
    } finally {
      await h.ctx.control.saveRules(rules);
    }
  });
});

describe('pause', () => {
  it('turns every request into a passthrough while paused', async () => {
    await h.ctx.control.updateSettings({ paused: true });
    try {
      const { data, response } = await h.client.messages.create(ask).withResponse();
      expect(data.model).toBe(SONNET);
      expect(response.headers.get('x-cascadeflow-decision')).toBe('passthrough');
      expect(h.sim.messagesFor(HAIKU_DRAFT)).toHaveLength(0);
      expect((await h.decisions(1))[0]).toMatchObject({ decision: 'passthrough', ruleId: null });
    } finally {
      await h.ctx.control.updateSettings({ paused: false });
    }
  });
});

describe('draft failures fall back to the requested model', () => {
  // [label, behaviour, failure kind (stream, JSON), detail]
  const failures: Array<[string, Behaviour, [FailureKind, FailureKind], string]> = [
    ['400 (unsupported parameter)', { kind: 'error', status: 400, message: 'thinking: not supported' }, ['http_status', 'http_status'], 'thinking: not supported'],
    ['500', { kind: 'error', status: 500, message: 'internal boom' }, ['http_status', 'http_status'], 'internal boom'],
    ['529 overloaded', { kind: 'error', status: 529, message: 'Overloaded' }, ['http_status', 'http_status'], 'Overloaded'],
    ['a timeout', { kind: 'good', delayMs: 1_000 }, ['timeout', 'timeout'], 'Timeout'],
    // A JSON answer is one write: the connection drops before any response arrives.
    ['a stream that breaks midway', { kind: 'break' }, ['broken_stream', 'network'], 'broke|closed|ended'],
    ['an error event midway (a 529 for JSON)', { kind: 'stream_error' }, ['error_event', 'http_status'], 'overloaded_error: Overloaded'],
    ['invalid JSON', { kind: 'invalid_json' }, ['invalid_response', 'invalid_response'], 'JSON'],
  ];
  for (const stream of [true, false]) {
    for (const [label, behaviour, kinds, message] of failures) {
      it(`${stream ? 'stream' : 'JSON'}: ${label}`, async () => {
        h.sim.script(HAIKU_DRAFT, behaviour);
        const { data, response } = stream
          ? await h.client.messages.stream(ask).withResponse()
          : await h.client.messages.create(ask).withResponse();
        const final = stream ? await (data as ReturnType<typeof h.client.messages.stream>).finalMessage() : (data as Anthropic.Message);
        expect(final.model).toBe(SONNET);
        expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
        expect(response.headers.get('x-cascadeflow-decision')).toBe('draft_error');
        const [record] = await h.decisions(1);
        expect(record).toMatchObject({ decision: 'draft_error', answeringModel: SONNET, status: 200 });
        const kind = kinds[stream ? 0 : 1];
        expect(record.failure).toEqual({ kind, message: expect.stringMatching(message) });
        expect(record.draft?.failure?.kind).toBe(kind);
        // Half a streamed answer arrived before the break: its output is estimated, not 1 token.
        if (stream && behaviour.kind === 'break') {
          expect(record.draft?.usageEstimated).toBe(true);
          expect(record.draft?.usage?.output_tokens).toBeGreaterThan(1);
        }
      });
    }
  }

  it('sends a request it cannot adapt to the requested model as it came, so the API answers it', async () => {
    for (const messages of [[null], [{ role: 'system', content: 7 }, { role: 'user', content: question }]]) {
      await h.mark();
      const raw = JSON.stringify({ model: SONNET, max_tokens: 64, messages });
      const res = await fetch(`${h.proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
        body: raw,
      });
      await res.arrayBuffer();
      expect(res.headers.get('x-cascadeflow-decision')).toBe('draft_error');
      expect(h.sim.messagesFor(SONNET).map((r) => r.rawBody)).toEqual([raw]);
      expect(h.sim.messagesFor(HAIKU_DRAFT)).toHaveLength(0);
      const [record] = await h.decisions(1);
      // The API may reject what the proxy could not adapt: then the client got an error, and the record says so.
      if (res.ok) expect(record).toMatchObject({ decision: 'draft_error', answeringModel: SONNET, failure: { kind: 'skipped' } });
      else expect(record).toMatchObject({ decision: 'failed', answeringModel: SONNET, status: res.status, failure: { kind: 'http_status' } });
    }
  });

  it('escalates when the quality check cannot read the request, JSON and stream alike', async () => {
    // A lenient upstream answers a user turn holding a null block; the checker then throws on it.
    for (const stream of [false, true]) {
      await h.mark();
      const raw = JSON.stringify({ model: SONNET, max_tokens: 64, stream, messages: [{ role: 'user', content: [null] }] });
      const res = await fetch(`${h.proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
        body: raw,
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(res.headers.get('x-cascadeflow-decision')).toBe('draft_error');
      const [record] = await h.decisions(1);
      expect(record).toMatchObject({ decision: 'draft_error', answeringModel: SONNET, status: 200 });
      expect(record.failure).toEqual({ kind: 'check_threw', message: expect.stringMatching(/^quality check failed: /) });
    }
  });

  it('relays the verifier’s own error when it fails too', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'error', status: 500 });
    h.sim.script(SONNET, { kind: 'error', status: 529, message: 'Overloaded' });
    const err = await h.client.messages.create(ask).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'failed', status: 529, answeringModel: SONNET, failure: { kind: 'http_status' } });
    expect(record.draft?.status).toBe(500);
    expect(h.logs.at(-1)).toMatch(/⛔ Failed: .*\(HTTP 529\), after a draft by /);
  });
});

describe('client disconnects', () => {
  it('aborts the draft call in flight', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'good', delayMs: 50 });
    const stream = h.client.messages.stream(ask);
    stream.finalMessage().catch(() => {});
    await waitFor(() => h.sim.messagesFor(HAIKU_DRAFT).length === 1, 'the draft call');
    stream.abort();
    await waitFor(() => h.sim.messagesFor(HAIKU_DRAFT)[0].aborted, 'the draft call to be aborted');
    expect(h.sim.messagesFor(SONNET)).toHaveLength(0);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ status: 499, decision: 'draft_error', failure: { kind: 'client_gone' } });
  });

  it('aborts the verifier stream in flight', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
    h.sim.script(SONNET, { kind: 'good', delayMs: 50 });
    const stream = h.client.messages.stream(ask);
    stream.finalMessage().catch(() => {});
    await new Promise<void>((resolve) => stream.on('text', () => resolve()));
    stream.abort();
    await waitFor(() => h.sim.messagesFor(SONNET)[0]?.aborted, 'the verifier call to be aborted');
    const [record] = await h.decisions(1);
    expect(record.decision).toBe('escalated');
    // The verifier's final usage never came: its streamed output is estimated rather than 1 token.
    expect(record.verifier?.usageEstimated).toBe(true);
    expect(record.verifier?.usage?.output_tokens).toBeGreaterThan(1);
  });
});
