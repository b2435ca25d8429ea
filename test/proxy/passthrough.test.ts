// Passthrough fidelity through the real SDK: bodies, headers, query strings and streams
// reach the other side untouched; errors the proxy makes are Anthropic-shaped.
import { IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_ID_HEADER } from '../../contracts/decision';
import { GOOD_OPENING } from '../../simulator/behaviours';
import { HAIKU, type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(async () => h.mark());

const ask = { model: HAIKU, max_tokens: 256, messages: [{ role: 'user' as const, content: 'Say hello.' }] };

describe('passthrough (no rule matches the model)', () => {
  it('relays a JSON answer byte for byte, with the headers that matter', async () => {
    const { data, response } = await h.client.messages.create(ask).withResponse();
    const upstream = h.sim.messagesFor(HAIKU);
    expect(upstream).toHaveLength(1);
    expect(data.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
    expect(data.model).toBe(HAIKU);
    expect(JSON.stringify(data)).toBe(upstream[0].responseBody);
    expect(response.headers.get('request-id')).toMatch(/^req_sim_/);
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('999');
    expect(response.headers.get('x-cascadeflow-decision')).toBe('passthrough');
    expect(response.headers.get('x-cascadeflow-model')).toBe(HAIKU);
    expect(Number(response.headers.get('x-cascadeflow-savings-usd'))).toBe(0);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'passthrough', requestedModel: HAIKU, answeringModel: HAIKU, status: 200, stream: false });
    expect(record.verifier?.usage?.output_tokens).toBe(data.usage.output_tokens);
    // One id for the request: the response header, the record and the log line.
    expect(record.id).toMatch(/^[0-9a-f]{16}$/);
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe(record.id);
    expect(h.logs.at(-1)).toMatch(new RegExp(`^\\[${record.id}\\] ➡️  Passthrough: ${HAIKU}, \\$`));
  });

  it('relays a stream byte for byte and finalMessage() works', async () => {
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...ask, stream: true }),
    });
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(text).toBe(h.sim.messagesFor(HAIKU)[0].responseBody);
    expect(text).toContain('event: message_stop');

    const final = await h.client.messages.stream(ask).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
    const records = await h.decisions(2);
    expect(records.map((r) => [r.decision, r.stream])).toEqual([
      ['passthrough', true],
      ['passthrough', true],
    ]);
    expect(records[1].verifier?.usage?.output_tokens).toBe(final.usage.output_tokens);
    expect(records[1].ttfbMs).not.toBeNull();
  });

  it('relays events as they arrive instead of buffering the stream', async () => {
    h.sim.script(HAIKU, { kind: 'good', delayMs: 60 });
    const started = Date.now();
    const stream = h.client.messages.stream(ask);
    let firstEventAt = 0;
    stream.on('streamEvent', () => {
      firstEventAt ||= Date.now() - started;
    });
    await stream.finalMessage();
    const total = Date.now() - started;
    // The simulator paces ~20 events 60 ms apart; the first must arrive long before the last.
    expect(firstEventAt).toBeLessThan(total / 3);
  });

  it('forwards unknown fields, the query string and every anthropic-* header untouched', async () => {
    // Haiku 5.5 takes mid-conversation system messages and, like every Haiku, matches no rule.
    const body = {
      ...ask,
      model: 'claude-haiku-5-5',
      metadata: { user_id: 'u1' },
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'system', content: 'inline system' },
        { role: 'user', content: 'Say hello.' },
      ],
      some_future_field: { nested: [1, 2.5, 'é'] },
    };
    const raw = JSON.stringify(body, null, 1); // odd spacing must survive too
    const clientHeaders = {
      'x-api-key': 'sk-client',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,fine-grained-tool-streaming-2025-05-14',
      'anthropic-dangerous-direct-browser-access': 'false',
      'x-app': 'cli',
      'user-agent': 'claude-cli/test',
    };
    const res = await fetch(`${h.proxy.url}/v1/messages?beta=true&x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...clientHeaders },
      body: raw,
    });
    expect(res.status).toBe(200);
    const [seen] = h.sim.messagesFor('claude-haiku-5-5');
    expect(seen.rawBody).toBe(raw);
    expect(seen.query).toBe('beta=true&x=1');
    expect(seen.headers).toMatchObject(clientHeaders);
    expect(seen.headers.host).not.toContain(String(h.proxy.port));
  });

  it('passes count_tokens and models through', async () => {
    const count = await h.client.messages.countTokens({ model: HAIKU, messages: ask.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const models = await h.client.models.list();
    expect(models.data.map((m) => m.id)).toContain(HAIKU);
    expect(h.sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages/count_tokens', 'GET /v1/models']);
  });

  it('sends a compressed request body upstream decoded, without its content-encoding', async () => {
    const raw = JSON.stringify({ model: HAIKU, messages: ask.messages });
    const res = await fetch(`${h.proxy.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': 'sk-test' },
      body: gzipSync(raw),
    });
    expect(res.status).toBe(200);
    const [seen] = h.sim.requests;
    expect(seen.rawBody).toBe(raw);
    expect(seen.headers['content-encoding']).toBeUndefined();
  });

  it('relays upstream errors with their status, body and retry headers', async () => {
    h.sim.script(HAIKU, { kind: 'error', status: 429, message: 'slow down' });
    const err = await h.client.messages.create(ask).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const rate = err as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rate.headers?.get('retry-after')).toBe('1');
    expect(rate.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'failed', status: 429, answeringModel: HAIKU });
    const stats = (await (await fetch(`${h.proxy.url}/stats`)).json()) as { models_used: object; failed_count: number };
    expect(stats).toMatchObject({ models_used: {}, failed_count: 1 });
    expect(record.failure).toEqual({ kind: 'http_status', message: expect.stringContaining('slow down') });
  });
});

describe('upstream failures mid-stream', () => {
  it('ends a broken passthrough stream with an Anthropic error event', async () => {
    h.sim.script(HAIKU, { kind: 'break' });
    const err = await h.client.messages.stream(ask).finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain('api_error');
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'failed', status: 200 });
    expect(record.failure?.kind).toBe('broken_stream');
    expect(record.verifier?.usageEstimated).toBe(true);
    expect(record.cost).toBeGreaterThan(0);
  });

  it('relays an error event the upstream sends mid-stream as it came, adding none of its own', async () => {
    h.sim.script(HAIKU, { kind: 'stream_error' });
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test' },
      body: JSON.stringify({ ...ask, stream: true }),
    });
    const text = await res.text();
    expect(text).toBe(h.sim.messagesFor(HAIKU)[0].responseBody);
    expect(text.match(/event: error/g)).toHaveLength(1);
    const [record] = await h.decisions(1);
    expect(record.failure).toEqual({ kind: 'error_event', message: expect.stringContaining('overloaded_error') });
  });
});

describe('upstream 400s', () => {
  it('relays a 400 unchanged (read once to rule out a signature problem)', async () => {
    const err = await h.client.messages
      .create({ ...ask, thinking: { type: 'adaptive' } } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const bad = err as InstanceType<typeof Anthropic.BadRequestError>;
    expect(bad.error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('adaptive') } });
    expect(bad.headers?.get('request-id')).toBe('req_sim_err_400');
    expect(h.sim.messagesFor(HAIKU)).toHaveLength(1);
  });
});

describe('keys', () => {
  it('answers 401 in Anthropic format when neither the client nor the proxy has a key', async () => {
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.message).toContain('ANTHROPIC_API_KEY');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('uses the fallback key only when the client sent none, and forwards bearer tokens as given', async () => {
    const withKey = await startHarness({ env: { ANTHROPIC_API_KEY: 'sk-proxy-fallback' } });
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${withKey.proxy.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(ask),
        });
      expect((await post({})).status).toBe(200);
      expect((await post({ 'x-api-key': 'sk-own' })).status).toBe(200);
      expect((await post({ authorization: 'Bearer sk-ant-oat-token' })).status).toBe(200);
      const seen = withKey.sim.requests.map((r) => [r.headers['x-api-key'], r.headers.authorization]);
      expect(seen).toEqual([
        ['sk-proxy-fallback', undefined],
        ['sk-own', undefined],
        [undefined, 'Bearer sk-ant-oat-token'],
      ]);
    } finally {
      await withKey.close();
    }
  });
});

describe('the fallback key beyond loopback', () => {
  it('is spent only for requests with the admin token header, which never goes upstream', async () => {
    // Configured for the LAN (HOST=0.0.0.0), reached here through loopback.
    const lan = await startHarness({ env: { HOST: '0.0.0.0', ANTHROPIC_API_KEY: 'sk-proxy-fallback' } });
    try {
      const token = lan.ctx.config.adminToken as string;
      expect(token).toBeTruthy();
      const post = (headers: Record<string, string>) =>
        fetch(`${lan.proxy.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(ask),
        });

      const anonymous = await post({});
      expect(anonymous.status).toBe(401);
      const refused = (await anonymous.json()) as { error: { type: string; message: string } };
      expect(refused.error.type).toBe('authentication_error');
      expect(refused.error.message).toContain('x-cascadeflow-admin-token');
      expect((await post({ 'x-cascadeflow-admin-token': 'wrong' })).status).toBe(401);
      // The passthrough endpoints are guarded the same way.
      expect((await fetch(`${lan.proxy.url}/v1/models`)).status).toBe(401);
      expect(lan.sim.requests).toHaveLength(0);

      expect((await post({ 'x-cascadeflow-admin-token': token })).status).toBe(200);
      // A bearer token is the client's own credential (a Claude subscription), even if it equals
      // the admin token: forwarded as given, never swapped for the fallback key.
      expect((await post({ authorization: `Bearer ${token}`, 'x-cascadeflow-admin-token': token })).status).toBe(200);
      // A credential of its own is not enough beyond loopback: the caller must name itself (a client token).
      expect((await post({ authorization: `Bearer ${token}` })).status).toBe(401);
      expect((await post({ 'x-api-key': 'sk-own', 'x-cascadeflow-admin-token': token })).status).toBe(200);
      const seen = lan.sim.requests.map((r) => [r.headers['x-api-key'], r.headers.authorization, r.headers['x-cascadeflow-admin-token']]);
      expect(seen).toEqual([
        ['sk-proxy-fallback', undefined, undefined],
        [undefined, `Bearer ${token}`, undefined],
        ['sk-own', undefined, undefined],
      ]);
    } finally {
      await lan.close();
    }
  });
});

describe('errors the proxy makes', () => {
  it('sends a body no rule drafts up without reading its history: the API judges a broken one, as it would without the proxy', async () => {
    // The model and the messages array are found in place; the trailing comma inside is the API's to refuse.
    const raw = '{"model": "claude-haiku-5-5", "max_tokens": 16, "messages": [{"role": "user", "content": "Say hello."},]}';
    const res = await fetch(`${h.proxy.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: raw });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-cascadeflow-decision')).toBe('passthrough');
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('body: invalid JSON') } });
    expect(h.sim.requests.at(-1)?.rawBody).toBe(raw);
  });

  it('answers invalid JSON with 400 invalid_request_error', async () => {
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: '{"model": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('answers unknown routes with 404 not_found_error and the base URL with 200', async () => {
    const missing = await fetch(`${h.proxy.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((await fetch(h.proxy.url)).status).toBe(200);
    expect((await fetch(h.proxy.url, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers 502 api_error when the upstream is unreachable', async () => {
    const dead = await startHarness();
    await dead.sim.close();
    try {
      const err = await dead.client.messages.create(ask).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'api_error' } });
      const [record] = await dead.decisions(1);
      expect(record).toMatchObject({ decision: 'failed', status: 502, failure: { kind: 'network' } });
    } finally {
      await dead.proxy.close();
      await dead.ctx.close();
    }
  });

  it('refuses browser-origin requests to /v1 so a web page cannot spend the key', async () => {
    const res = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', origin: 'https://evil.example' },
      body: JSON.stringify(ask),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.json()).toMatchObject({ type: 'error' });
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('request bodies read over several loop turns', () => {
  let paced: Harness;
  // 64 KB a turn instead of 4 MB, so that ordinary bodies sent together go past it.
  beforeAll(async () => {
    paced = await startHarness({ bodyBudget: { turnReadBytes: 64 * 1024 } });
  });
  afterAll(async () => paced.close());

  it('pauses the bodies read past a turn’s budget and resumes them, each whole', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) =>
      JSON.stringify({ ...ask, messages: [{ role: 'user', content: `${i} ${'a line of a long file\n'.repeat(20_000)}` }] }),
    );
    const paused = vi.spyOn(IncomingMessage.prototype, 'pause');
    try {
      const statuses = await Promise.all(
        bodies.map((body) => fetch(`${paced.proxy.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body }).then((res) => res.status)),
      );
      expect(statuses).toEqual(bodies.map(() => 200));
      expect(paused).toHaveBeenCalled();
    } finally {
      paused.mockRestore();
    }
    const received = paced.sim.messagesFor(HAIKU).map((m) => m.rawBody);
    expect(received.sort()).toEqual([...bodies].sort());
  });
});
