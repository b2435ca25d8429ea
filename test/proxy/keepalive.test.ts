// A streaming client kept alive while its draft is made and judged: after the grace period the
// proxy commits (200, the event-stream type, the request id) and sends the API's `ping` events
// until the chosen answer starts, relayed once; a failure after the commit is the upstream's own
// error as an SSE `error` event, which the official SDK raises. A fast draft sends no ping and
// keeps every header. The wire is watched through the SDK's own `fetch` option, unchanged.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_OPENING } from '../../simulator/behaviours';
import { DEFAULT_KEEPALIVE, keepaliveFromEnv } from '../../proxy/request/keepalive';
import { HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';
import { waitFor } from '../wait';

const ask = { model: SONNET, max_tokens: 256, messages: [{ role: 'user' as const, content: 'Explain how a TCP handshake works, step by step.' }] };
type ApiError = InstanceType<typeof Anthropic.APIError>;

/** An SDK client whose response bytes are also kept as text, as they arrive. */
function watchedClient(h: Harness): { client: Anthropic; wire: () => string } {
  let text = '';
  const watching: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (!res.body) return res;
    const decoder = new TextDecoder();
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          text += decoder.decode(chunk, { stream: true });
          out.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { client: new Anthropic({ baseURL: h.proxy.url, apiKey: 'sk-test-client-key', maxRetries: 0, fetch: watching }), wire: () => text };
}

/** The proxy's own pings: those before the answer's message_start (the answer has one of its own after it). */
function pingsBeforeAnswer(wire: string): number {
  return wire.split('event: message_start')[0].split('event: ping\ndata: {"type":"ping"}\n\n').length - 1;
}

function hold(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('keepaliveFromEnv', () => {
  it('defaults to 5 s, takes 0 as off, names a bad value', () => {
    expect(keepaliveFromEnv({})).toEqual({ afterMs: 5_000, everyMs: 5_000 });
    expect(keepaliveFromEnv({ CASCADEFLOW_KEEPALIVE_AFTER_MS: '0' })).toEqual({ ...DEFAULT_KEEPALIVE, afterMs: 0 });
    expect(keepaliveFromEnv({ CASCADEFLOW_KEEPALIVE_AFTER_MS: ' 1500 ' }).afterMs).toBe(1_500);
    expect(() => keepaliveFromEnv({ CASCADEFLOW_KEEPALIVE_AFTER_MS: '-1' })).toThrow(/CASCADEFLOW_KEEPALIVE_AFTER_MS must be an integer from 0 to 600000.*"-1"/);
    expect(() => keepaliveFromEnv({ CASCADEFLOW_KEEPALIVE_AFTER_MS: '5s' })).toThrow(/"5s"/);
  });
});

describe('a slow draft: pings, then the chosen answer', () => {
  let h: Harness;
  beforeAll(async () => {
    // A grace period of 20 ms: every held draft below outlasts it; the tests wait for pings, not for time.
    h = await startHarness({ keepalive: { afterMs: 20, everyMs: 20 }, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  });
  afterAll(async () => h.close());
  beforeEach(async () => h.mark());

  it('accepted: pings before the draft’s own stream, relayed once; SDK finalMessage is the draft', async () => {
    const { client, wire } = watchedClient(h);
    const draft = hold();
    h.sim.script(HAIKU_DRAFT, { kind: 'good', until: draft.promise }, 1);
    const { data: stream, response } = await client.messages.stream(ask).withResponse();
    // The SDK's fetch resolved on the early headers, while the draft is still held.
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-cascadeflow-request-id')).toMatch(/^[0-9a-f]{16}$/);
    expect(response.headers.get('x-cascadeflow-decision')).toBeNull();
    await waitFor(() => pingsBeforeAnswer(wire()) >= 2, 'two pings while the draft is held');
    draft.release();
    const final = await stream.finalMessage();
    expect(final.model).toBe(HAIKU_DRAFT);
    expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
    expect(final.stop_reason).toBe('end_turn');
    expect(wire().split('event: message_start').length - 1).toBe(1);
    expect(wire().split('event: message_stop').length - 1).toBe(1);
    expect(wire().startsWith('event: ping\n')).toBe(true);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ id: response.headers.get('x-cascadeflow-request-id'), decision: 'accepted', status: 200, answeringModel: HAIKU_DRAFT });
    // Pings are not the answer: its time to first byte is the draft's replay.
    expect(record.ttfbMs).toBeGreaterThanOrEqual(record.draft!.latencyMs);
  });

  it('escalated: pings through the draft and the verifier call; SDK finalMessage is the verifier’s', async () => {
    const { client, wire } = watchedClient(h);
    const draft = hold();
    const verifier = hold();
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal', until: draft.promise }, 1);
    h.sim.script(SONNET, { kind: 'good', until: verifier.promise }, 1);
    const stream = client.messages.stream(ask);
    await waitFor(() => pingsBeforeAnswer(wire()) >= 1, 'a ping while the draft is held');
    draft.release();
    // The draft was judged and the verifier asked: pings go on while it has not answered.
    await waitFor(() => h.sim.messagesFor(SONNET).length === 1, 'the verifier call');
    const before = pingsBeforeAnswer(wire());
    await waitFor(() => pingsBeforeAnswer(wire()) >= before + 2, 'pings while the verifier is held');
    verifier.release();
    const final = await stream.finalMessage();
    expect(final.model).toBe(SONNET);
    expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
    expect(wire().split('event: message_start').length - 1).toBe(1);
    expect(wire()).not.toContain("I can't help");
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'escalated', status: 200, verifier: { model: SONNET, status: 200 } });
  });

  it('verifier 529 after the commit: retried, then the upstream’s own error as an SSE error event the SDK raises', async () => {
    const { client, wire } = watchedClient(h);
    const draft = hold();
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal', until: draft.promise }, 1);
    h.sim.script(SONNET, { kind: 'error', status: 529, message: 'Overloaded, try later' });
    const stream = client.messages.stream(ask);
    const failed = stream.finalMessage().then(
      () => null,
      (e: unknown) => e as ApiError,
    );
    await waitFor(() => pingsBeforeAnswer(wire()) >= 1, 'a ping while the draft is held');
    draft.release();
    const err = (await failed) as ApiError;
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.type).toBe('overloaded_error');
    expect(err.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded, try later' } });
    expect(wire()).toMatch(/event: ping\n[\s\S]*event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":"Overloaded, try later"\}\}\n\n$/);
    expect(wire()).not.toContain('message_start');
    // The retries of the proxy's own call still happened: no content had gone out.
    expect(h.sim.messagesFor(SONNET)).toHaveLength(3);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({
      decision: 'failed',
      verifier: { model: SONNET, status: 529, retries: 2 },
      failure: { kind: 'http_status', message: '529 overloaded_error: Overloaded, try later' },
    });
  });

  it('a verifier that cannot be reached after the commit: the proxy’s own api_error event', async () => {
    const { client, wire } = watchedClient(h);
    const draft = hold();
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal', until: draft.promise }, 1);
    h.sim.script(SONNET, { kind: 'break' }, 1);
    const failed = client.messages
      .stream(ask)
      .finalMessage()
      .then(
        () => null,
        (e: unknown) => e as ApiError,
      );
    await waitFor(() => pingsBeforeAnswer(wire()) >= 1, 'a ping while the draft is held');
    draft.release();
    const err = (await failed) as ApiError;
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.type).toBe('api_error');
    expect(err.message).toContain(SONNET);
    const [record] = await h.decisions(1);
    expect(record.decision).toBe('failed');
    expect(record.verifier?.model).toBe(SONNET);
  });
});

describe('a fast draft: nothing early, headers as always', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(); // the product's grace period: 5 s
  });
  afterAll(async () => h.close());
  beforeEach(async () => h.mark());

  it('no ping before the answer; decision, model, confidence, cost and the upstream’s headers present', async () => {
    const { client, wire } = watchedClient(h);
    const { data: stream, response } = await client.messages.stream(ask).withResponse();
    const final = await stream.finalMessage();
    expect(final.model).toBe(HAIKU_DRAFT);
    expect(pingsBeforeAnswer(wire())).toBe(0);
    expect(wire().startsWith('event: message_start\n')).toBe(true);
    expect(response.headers.get('x-cascadeflow-decision')).toBe('accepted');
    expect(response.headers.get('x-cascadeflow-model')).toBe(HAIKU_DRAFT);
    expect(response.headers.get('x-cascadeflow-confidence')).toMatch(/^\d\.\d{3}$/);
    expect(response.headers.get('x-cascadeflow-cost-usd')).toMatch(/^\d+\.\d{6}$/);
    expect(response.headers.get('request-id')).toMatch(/^req_sim_/);
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('1000');
    const [record] = await h.decisions(1);
    expect(record.decision).toBe('accepted');
  });
});
