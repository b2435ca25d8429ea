// Upstream faults on the calls the proxy adds, through the real SDK and the simulator: the
// answering call after a draft is retried on 429/529/5xx (bounded, `retry-after` honoured) and
// the client finally gets the upstream's own error; a draft and a plain passthrough are never
// retried; a stalled draft gives up at its first-byte deadline, which follows the draft
// model's recent times; the error a client gets names the call that failed; an upstream whose
// name does not resolve is a 502 naming it, on every path, and /health says so.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { healthSchema } from '../../contracts/status';
import type { DecisionAmend } from '../../contracts/decision';
import { createAccounting } from '../../proxy/pricing/accounting';
import { ShadowVerifier } from '../../proxy/shadow/verifier';
import { GOOD_OPENING } from '../../simulator/behaviours';
import { rule } from '../fixtures/contracts';
import { draftMessage, requestFor } from '../fixtures/messages';
import { HAIKU, HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';
import { waitFor } from '../wait';

/** Backoff of a few ms: the tests wait for the proxy, never for a fixed time. */
const QUICK = { baseDelayMs: 5, maxDelayMs: 20 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ draftTimeoutMs: 400, retry: QUICK });
});
afterAll(async () => h.close());
beforeEach(async () => h.mark());

const ask = { model: SONNET, max_tokens: 256, messages: [{ role: 'user' as const, content: 'Explain how a TCP handshake works, step by step.' }] };
type ApiError = InstanceType<typeof Anthropic.APIError>;

/** A promise the test settles when it is done with a held upstream call. */
function hold(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('the answering call after a draft is retried', () => {
  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'JSON'}: 529 then success → the client gets the verifier’s answer, the record counts 1 retry`, async () => {
      h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
      h.sim.script(SONNET, { kind: 'error', status: 529, message: 'Overloaded' }, 1);
      const { data, response } = stream ? await h.client.messages.stream(ask).withResponse() : await h.client.messages.create(ask).withResponse();
      const final = stream ? await (data as ReturnType<typeof h.client.messages.stream>).finalMessage() : (data as Anthropic.Message);
      expect(response.status).toBe(200);
      expect(final.model).toBe(SONNET);
      expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
      expect(h.sim.messagesFor(SONNET).map((r) => r.behaviour?.kind)).toEqual(['error', 'good']);
      expect(h.sim.messagesFor(HAIKU_DRAFT)).toHaveLength(1);
      const [record] = await h.decisions(1);
      expect(record).toMatchObject({ decision: 'escalated', status: 200, verifier: { model: SONNET, status: 200, retries: 1 } });
      expect(record.verifier?.failure).toBeUndefined();
      expect(h.logs.at(-1)).toMatch(/Escalated.* to verifier: claude-sonnet-4-6 after 1 retry \(reason:/);
    });
  }

  it('after a failed draft too: 500 then 503 then success', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'error', status: 500 });
    h.sim.script(SONNET, { kind: 'error', status: 500 }, 1);
    h.sim.script(SONNET, { kind: 'error', status: 503 }, 1);
    const message = await h.client.messages.create(ask);
    expect(message.model).toBe(SONNET);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'draft_error', verifier: { status: 200, retries: 2 } });
    // The draft itself is never retried: it failed, the verifier answered.
    expect(h.sim.messagesFor(HAIKU_DRAFT)).toHaveLength(1);
  });

  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'JSON'}: 529 three times → the client gets the upstream’s 529 and body, after 3 attempts`, async () => {
      h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
      h.sim.script(SONNET, { kind: 'error', status: 529, message: 'Overloaded, try later' });
      const err = (await (stream ? h.client.messages.stream(ask).finalMessage() : h.client.messages.create(ask)).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect(err.status).toBe(529);
      expect(err.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded, try later' } });
      // The upstream's own response: its request-id header comes through.
      expect(err.headers?.get('request-id')).toBe('req_sim_err_529');
      expect(h.sim.messagesFor(SONNET)).toHaveLength(3);
      const [record] = await h.decisions(1);
      expect(record).toMatchObject({ decision: 'failed', status: 529, verifier: { status: 529, retries: 2 }, failure: { kind: 'http_status', message: '529 overloaded_error: Overloaded, try later' } });
      expect(h.logs.at(-1)).toMatch(/⛔ Failed: claude-sonnet-4-6 after 2 retries: .*\(HTTP 529\), after a draft by claude-haiku-4-5/);
    });
  }

  it('a client error (400) is the client’s: relayed at once', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
    h.sim.script(SONNET, { kind: 'error', status: 400, message: 'messages: bad' });
    const err = (await h.client.messages.create(ask).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(400);
    expect(h.sim.messagesFor(SONNET)).toHaveLength(1);
    const [record] = await h.decisions(1);
    expect(record.verifier?.retries).toBeUndefined();
  });
});

describe('calls that are never retried', () => {
  it('a plain passthrough relays 429 with retry-after unchanged: the client’s own policy decides', async () => {
    h.sim.script(HAIKU, { kind: 'error', status: 429, message: 'Rate limited' });
    const err = (await h.client.messages.create({ ...ask, model: HAIKU }).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('1');
    expect(err.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } });
    expect(h.sim.messagesFor(HAIKU)).toHaveLength(1);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'failed', status: 429 });
    expect(record.verifier?.retries).toBeUndefined();
  });

});

describe('retry bounds', () => {
  it('honours retry-after: the retry waits as long as the upstream asked (1 s), not the tiny backoff', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
    h.sim.script(SONNET, { kind: 'error', status: 429 }, 1);
    const started = Date.now();
    const message = await h.client.messages.create(ask);
    expect(message.model).toBe(SONNET);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const [record] = await h.decisions(1);
    expect(record.verifier?.retries).toBe(1);
  });

  it('does not retry when retry-after reaches past the time budget: the 429 and its retry-after reach the client', async () => {
    const tight = await startHarness({ retry: { ...QUICK, budgetMs: 500 } });
    try {
      tight.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
      tight.sim.script(SONNET, { kind: 'error', status: 429 });
      const started = Date.now();
      const err = (await tight.client.messages.create(ask).catch((e: unknown) => e)) as ApiError;
      expect(err.status).toBe(429);
      expect(err.headers?.get('retry-after')).toBe('1');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(tight.sim.messagesFor(SONNET)).toHaveLength(1);
    } finally {
      await tight.close();
    }
  });

  it('stops waiting when the client leaves: no further call, recorded as the client’s leaving (499)', async () => {
    // A 429 asks for a 1 s wait (retry-after); the client leaves during it.
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
    h.sim.script(SONNET, { kind: 'error', status: 429 });
    const controller = new AbortController();
    const request = h.client.messages.create(ask, { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => h.sim.messagesFor(SONNET)[0]?.finished, 'the first verifier answer');
    controller.abort();
    await request;
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ status: 499, decision: 'escalated', verifier: { failure: { kind: 'client_gone' } } });
    expect(record.verifier?.retries).toBeUndefined();
    expect(h.sim.messagesFor(SONNET)).toHaveLength(1);
  });
});

describe('the draft’s first-byte deadline', () => {
  it('gives up a stalled draft and names the verifier when it fails too', async () => {
    const stalled = hold();
    try {
      h.sim.script(HAIKU_DRAFT, { kind: 'good', until: stalled.promise });
      h.sim.script(SONNET, { kind: 'error', status: 529, message: 'Overloaded' });
      const err = (await h.client.messages.stream(ask).finalMessage().catch((e: unknown) => e)) as ApiError;
      expect(err.status).toBe(529);
      expect(err.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
      const [record] = await h.decisions(1);
      // The record names the call that failed the client (the verifier), and keeps the draft's timeout on its call.
      expect(record).toMatchObject({ decision: 'failed', failure: { kind: 'http_status', message: '529 overloaded_error: Overloaded' } });
      expect(record.draft?.failure).toEqual({ kind: 'timeout', message: `Timeout: no first byte from ${HAIKU_DRAFT} within 400 ms` });
      expect(h.logs.at(-1)).toMatch(/⛔ Failed: claude-sonnet-4-6 after 2 retries: .*529 overloaded_error: Overloaded \(HTTP 529\)/);
    } finally {
      stalled.release();
    }
  });

  it('a verifier stream that breaks is reported to the client as that model’s failure', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
    h.sim.script(SONNET, { kind: 'break' });
    const err = (await h.client.messages.stream(ask).finalMessage().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/Upstream claude-sonnet-4-6: /);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'failed', failure: { kind: 'broken_stream' } });
  });

  it('follows the draft model: after 10 quick drafts a stalled one is given up at the 5 s floor, not the 30 s timeout', async () => {
    const adaptive = await startHarness();
    const stalled = hold();
    try {
      for (let i = 0; i < 10; i++) await adaptive.client.messages.stream(ask).finalMessage();
      await adaptive.mark();
      adaptive.sim.script(HAIKU_DRAFT, { kind: 'good', until: stalled.promise });
      const started = Date.now();
      const final = await adaptive.client.messages.stream(ask).finalMessage();
      const waited = Date.now() - started;
      expect(final.model).toBe(SONNET);
      const [record] = await adaptive.decisions(1);
      expect(record).toMatchObject({ decision: 'draft_error', failure: { kind: 'timeout', message: `Timeout: no first byte from ${HAIKU_DRAFT} within 5000 ms` } });
      expect(waited).toBeGreaterThanOrEqual(5_000);
      expect(waited).toBeLessThan(10_000);
    } finally {
      stalled.release();
      await adaptive.close();
    }
  }, 20_000);
});

describe('shadow checks', () => {
  it('retry a 529 and say so in their result', async () => {
    const results: DecisionAmend[] = [];
    const shadow = new ShadowVerifier({
      upstreamUrl: () => h.sim.url,
      accounting: createAccounting(() => ({})),
      paused: () => false,
      onResult: (change) => results.push(change),
      warn: () => {},
      sample: () => true,
      retry: { attempts: 3, budgetMs: 5_000, ...QUICK },
    });
    const text = 'A TCP handshake opens a connection: SYN, SYN-ACK, ACK.';
    h.sim.script(SONNET, { kind: 'error', status: 529 }, 1);
    h.sim.script(SONNET, { kind: 'good', text });
    shadow.consider({
      recordId: 'record-1',
      rule: rule({ shadowRate: 1 }),
      request: requestFor('Explain what a TCP handshake is.', { model: SONNET }),
      headers: { 'x-api-key': 'sk-test', 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      pathAndQuery: '/v1/messages',
      draft: draftMessage(text),
    });
    await waitFor(() => results.length === 1, 'the shadow result');
    expect(results[0].shadow).toMatchObject({ model: SONNET, agreed: true, retries: 1 });
    expect(h.sim.messagesFor(SONNET)).toHaveLength(2);
    await shadow.close();
  });
});

describe('an upstream whose name does not resolve (.invalid, RFC 2606)', () => {
  const UPSTREAM = 'http://api.upstream.invalid';
  const LOOKUP_FAILED = 'ENOTFOUND: getaddrinfo ENOTFOUND api.upstream.invalid';
  let dns: Harness;
  beforeAll(async () => {
    dns = await startHarness({ env: { CASCADEFLOW_UPSTREAM_URL: UPSTREAM }, draftTimeoutMs: 2_000, retry: QUICK });
  });
  afterAll(async () => dns.close());

  for (const [path, model] of [
    ['passthrough', HAIKU],
    ['cascaded', SONNET],
  ] as const) {
    it(`${path}: 502 api_error naming the upstream and the failed lookup, at once, recorded as failed`, async () => {
      await dns.mark();
      const started = Date.now();
      const err = (await dns.client.messages.create({ ...ask, model }).catch((e: unknown) => e)) as ApiError;
      // Resolution of a .invalid name fails in the resolver at once (tens of ms here), never a network wait.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect(err.status).toBe(502);
      expect(err.error).toEqual({ type: 'error', error: { type: 'api_error', message: `Could not reach the upstream API (${UPSTREAM}) for ${model}: ${LOOKUP_FAILED}` } });
      const [record] = await dns.decisions(1);
      expect(record).toMatchObject({ decision: 'failed', status: 502, failure: { kind: 'network', message: expect.stringContaining('ENOTFOUND api.upstream.invalid') } });
      if (path === 'cascaded') expect(record.draft).toMatchObject({ model: HAIKU_DRAFT, failure: { kind: 'network' } });
    });
  }

  it('any other /v1 route (count_tokens): the same 502, without a model', async () => {
    const res = await fetch(`${dns.proxy.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-test-client-key', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: HAIKU, messages: ask.messages }),
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'api_error', message: `Could not reach the upstream API (${UPSTREAM}): ${LOOKUP_FAILED}` } });
  });

  it('/health says degraded: upstream unreachable, with the lookup’s error', async () => {
    await dns.client.messages.create(ask).catch(() => {});
    const res = await fetch(`${dns.proxy.url}/health`);
    const health = healthSchema.parse(await res.json());
    expect(health).toMatchObject({ status: 'degraded', upstream: UPSTREAM, upstream_reachable: false, upstream_last_success: null });
    expect(health.reasons).toEqual([expect.stringMatching(/^upstream unreachable: .*ENOTFOUND api\.upstream\.invalid/)]);
    expect(health.upstream_last_error?.message).toContain('ENOTFOUND');
  });
});
