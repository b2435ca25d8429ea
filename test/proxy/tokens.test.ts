// Client tokens and rate limits end to end: the official SDK against the proxy configured to
// listen beyond loopback (HOST 0.0.0.0, served here on 127.0.0.1) in front of the simulator.
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_HEADER } from '../../contracts/tokens';
import { HAIKU, SONNET, startHarness, type Harness } from './harness';
import { waitFor } from '../wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { HOST: '0.0.0.0' } });
});
afterAll(async () => h.close());
beforeEach(async () => {
  await h.mark();
  for (const { name } of await h.ctx.control.listTokens()) await h.ctx.control.revokeToken(name);
});

const ask = { model: HAIKU, max_tokens: 64, messages: [{ role: 'user' as const, content: 'Say hello.' }] };

function clientWith(token: string | null, apiKey = 'sk-test-client-key'): Anthropic {
  return new Anthropic({ baseURL: h.proxy.url, apiKey, maxRetries: 0, defaultHeaders: token ? { [CLIENT_TOKEN_HEADER]: token } : {} });
}

/** The SDK's error for a call that must fail. */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Anthropic.APIError)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

describe('beyond loopback', () => {
  it('refuses /v1/* without a token (401 authentication_error), in OpenAI’s shape on the OpenAI route', async () => {
    const error = await failure(clientWith(null).messages.create(ask));
    expect(error.status).toBe(401);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining(CLIENT_TOKEN_HEADER) } });
    const count = await fetch(`${h.proxy.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'x-api-key': 'sk-x' }, body: '{}' });
    expect(count.status).toBe(401);
    const chat = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-ant-api03-x', 'content-type': 'application/json' },
      body: JSON.stringify({ model: HAIKU, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(401);
    expect(await chat.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    expect(h.sim.requests).toHaveLength(0);
  });

  it('answers a refused caller before reading its body, so it takes no room in the body budget', async () => {
    // Headers announcing 10 MB, and no body: only a refusal made from the headers can answer.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${h.proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(10_000_000), 'x-api-key': 'sk-x' },
      });
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, body: text });
        });
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'authentication_error', message: expect.stringContaining(CLIENT_TOKEN_HEADER) } });
  });

  it('a valid token answers, names the record and the log line, and never leaves the proxy', async () => {
    const { token, info } = await h.ctx.control.createToken({ name: 'laptop' });
    expect(info).toMatchObject({ name: 'laptop', limits: {}, allowFallbackKey: false });
    const { data } = await clientWith(token).messages.create(ask).withResponse();
    expect(data.type).toBe('message');
    const cascaded = await clientWith(token).messages.create({ ...ask, model: SONNET });
    expect(cascaded.type).toBe('message');
    const [passthrough, cascade] = await h.decisions(2);
    expect(passthrough.tokenName).toBe('laptop');
    // Drafted and judged (a rule matched), with the token on the record all the same.
    expect(cascade).toMatchObject({ tokenName: 'laptop', ruleId: expect.any(String), draft: expect.any(Object) });
    expect(h.logs.at(-1)).toMatch(/\(token laptop\)$/);
    for (const request of h.sim.requests) expect(request.headers[CLIENT_TOKEN_HEADER]).toBeUndefined();
    expect(h.logs.join('\n')).not.toContain(token);
    expect(JSON.stringify(await h.ctx.control.getDecisions())).not.toContain(token);
    const [listed] = await h.ctx.control.listTokens();
    expect(listed.today).toMatchObject({ queries: 2 });
    expect(listed.lastUsedAt).toBeGreaterThan(0);
    // /stats (the admin's, beyond loopback) breaks totals down by token.
    const stats = await fetch(`${h.proxy.url}/stats`, { headers: { authorization: `Bearer ${h.ctx.config.adminToken}` } });
    const body = (await stats.json()) as { by_token: Record<string, { queries: number; cost: number; savings: number }> };
    expect(body.by_token.laptop.queries).toBe(2);
    expect(body.by_token.laptop.cost).toBeGreaterThan(0);
  });

  it('an unknown or revoked token is a 401', async () => {
    const { token } = await h.ctx.control.createToken({ name: 'old' });
    expect((await clientWith(token).messages.create(ask)).type).toBe('message');
    await h.ctx.control.revokeToken('old');
    const error = await failure(clientWith(token).messages.create(ask));
    expect(error.status).toBe(401);
    expect(error.message).toContain('Unknown or revoked client token');
    expect((await failure(clientWith(`${token}x`).messages.create(ask))).status).toBe(401);
  });

  it('the fallback key only for tokens that allow it', async () => {
    await h.ctx.control.setApiKey('sk-ant-proxy-own-key');
    try {
      const { token: plain } = await h.ctx.control.createToken({ name: 'plain' });
      const { token: trusted } = await h.ctx.control.createToken({ name: 'trusted', allowFallbackKey: true });
      const keyless = (token: string) =>
        fetch(`${h.proxy.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', [CLIENT_TOKEN_HEADER]: token },
          body: JSON.stringify(ask),
        });
      expect((await keyless(plain)).status).toBe(401);
      expect((await keyless(trusted)).status).toBe(200);
      expect(h.sim.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-proxy-own-key');
    } finally {
      await h.ctx.control.setApiKey(null);
    }
  });

  it('an OpenAI client sends its token as its API key: the fallback key pays when the token allows it', async () => {
    await h.ctx.control.setApiKey('sk-ant-proxy-own-key');
    try {
      const { token } = await h.ctx.control.createToken({ name: 'editor', allowFallbackKey: true, limits: { requestsPerMinute: 1 } });
      const openai = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: token, maxRetries: 0 });
      const answer = await openai.chat.completions.create({ model: HAIKU, messages: [{ role: 'user', content: 'Say hello.' }] });
      expect(answer.choices[0].message.content).toBeTruthy();
      const upstream = h.sim.requests.at(-1)!;
      expect([upstream.headers['x-api-key'], upstream.headers.authorization, upstream.headers[CLIENT_TOKEN_HEADER]]).toEqual(['sk-ant-proxy-own-key', undefined, undefined]);
      const [record] = await h.decisions(1);
      expect(record).toMatchObject({ tokenName: 'editor', clientApi: 'openai' });
      // Its limit in OpenAI's shape.
      const limited = await openai.chat.completions.create({ model: HAIKU, messages: [{ role: 'user', content: 'Again.' }] }).catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(OpenAI.APIError);
      expect(limited).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect(Number((limited as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await h.ctx.control.setApiKey(null);
    }
  });
});

describe('rate limits', () => {
  it('requests per minute: the third of 2/min is a 429 rate_limit_error with retry-after, before any upstream call', async () => {
    const { token } = await h.ctx.control.createToken({ name: 'rpm', limits: { requestsPerMinute: 2 } });
    const client = clientWith(token);
    await client.messages.create(ask);
    await client.messages.create(ask);
    const error = await failure(client.messages.create(ask));
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ error: { type: 'rate_limit_error', message: expect.stringContaining('2 requests per minute') } });
    const retryAfter = Number(error.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(h.sim.messagesFor(HAIKU)).toHaveLength(2);
    // Counted, not recorded: two records, one refusal.
    await h.decisions(2);
    expect((await h.ctx.control.listTokens())[0].today).toMatchObject({ queries: 2, limited: 1 });
  });

  it('concurrent streams: a second stream while one is open is a 429; once it ends, streams pass again', async () => {
    const { token } = await h.ctx.control.createToken({ name: 'one-stream', limits: { concurrentStreams: 1 } });
    const client = clientWith(token);
    let open!: () => void;
    h.sim.script(HAIKU, { kind: 'good', until: new Promise<void>((resolve) => (open = resolve)) }, 1);
    const first = client.messages.stream(ask).finalMessage();
    await waitFor(() => h.sim.messagesFor(HAIKU).length === 1, 'the first stream upstream');
    const error = await failure(client.messages.create({ ...ask, stream: true }));
    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('1');
    expect(error.message).toContain('1 concurrent stream');
    // Requests that do not stream are not held back by the open stream.
    expect((await client.messages.create(ask)).type).toBe('message');
    open();
    expect((await first).type).toBe('message');
    // The slot is free once the first response has closed on the proxy's side too.
    const streamPasses = () => client.messages.stream(ask).finalMessage().then((m) => m.type === 'message', () => false);
    await waitFor(streamPasses, 'a stream after the first ended');
  });

  it('daily spend cap: once today’s cost reaches it, a 429 until UTC midnight', async () => {
    const { token } = await h.ctx.control.createToken({ name: 'capped', limits: { dailySpendUsd: 0.000001 } });
    const client = clientWith(token);
    await client.messages.create(ask);
    const [record] = await h.decisions(1);
    expect(record.cost).toBeGreaterThan(0.000001);
    const error = await failure(client.messages.create(ask));
    expect(error.status).toBe(429);
    expect(error.message).toContain('daily spend cap');
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    const expected = (midnight.getTime() - Date.now()) / 1000;
    expect(Math.abs(Number(error.headers?.get('retry-after')) - expected)).toBeLessThan(5);
  });

  it('reset statistics forgets today’s use per token: /stats by_token back to zero, the daily cap counts from zero', async () => {
    const { token } = await h.ctx.control.createToken({ name: 'reset', limits: { dailySpendUsd: 0.000001 } });
    const client = clientWith(token);
    await client.messages.create(ask);
    await h.decisions(1);
    expect((await failure(client.messages.create(ask))).status).toBe(429);
    const admin = { authorization: `Bearer ${h.ctx.config.adminToken}` };
    const byToken = async () => ((await (await fetch(`${h.proxy.url}/stats`, { headers: admin })).json()) as { by_token: Record<string, unknown> }).by_token;
    expect(await byToken()).toMatchObject({ reset: { queries: 1, cost: expect.any(Number) } });

    const reset = await fetch(`${h.proxy.url}/api/stats/reset`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{}' });
    expect(reset.status).toBe(200);
    expect(await byToken()).toEqual({ reset: { queries: 0, cost: 0, savings: 0 } });
    const [listed] = await h.ctx.control.listTokens();
    expect(listed.today).toEqual({ queries: 0, cost: 0, savings: 0, limited: 0 });
    expect(listed.lastUsedAt).toBeUndefined();
    // Under the cap again: answered, and counted from zero.
    await h.mark();
    expect((await client.messages.create(ask)).type).toBe('message');
    await h.decisions(1);
    expect(await byToken()).toMatchObject({ reset: { queries: 1 } });
  });
});
