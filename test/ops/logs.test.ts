// CASCADEFLOW_LOG_FORMAT=json: one JSON object per line with time, level, message and the
// request id on lines about a request, through the real proxy and the official SDK; keys and
// tokens never appear.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER } from '../../contracts/decision';
import { consoleLogger, jsonLogger, loggerFor } from '../../proxy/log/logger';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer } from '../../proxy/server';
import { createMemorySecretStore, createMemoryStore } from '../../proxy/state/stores';
import { createSimulator } from '../../simulator/server';
import { HAIKU, SONNET } from '../proxy/harness';
import { waitFor } from '../wait';

interface JsonLine {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
}

function collect() {
  const lines: string[] = [];
  return { lines, destination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('JSON logs', () => {
  it('write one object per line: level, ISO time, message, and the request id taken out of the line', async () => {
    const { lines, destination } = collect();
    const logger = await jsonLogger(destination);
    logger.info('[0123456789abcdef] ✅ Draft accepted (answer): claude-haiku-4-5 answered');
    logger.warn('⚠️  stats.json was unreadable');
    const [first, second] = lines.map((line) => JSON.parse(line) as JsonLine);
    expect(Object.keys(first)).toEqual(['level', 'time', 'requestId', 'msg']);
    expect(first).toMatchObject({ level: 'info', requestId: '0123456789abcdef', msg: '✅ Draft accepted (answer): claude-haiku-4-5 answered' });
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(second).toEqual({ level: 'warn', time: expect.any(String), msg: '⚠️  stats.json was unreadable' });
  });

  it('are chosen by CASCADEFLOW_LOG_FORMAT, text by default; another value is refused by name', async () => {
    expect((await loggerFor({})).logger).toBe(consoleLogger);
    expect((await loggerFor({ CASCADEFLOW_LOG_FORMAT: 'text' })).json).toBe(false);
    expect((await loggerFor({ CASCADEFLOW_LOG_FORMAT: 'JSON' })).json).toBe(true);
    await expect(loggerFor({ CASCADEFLOW_LOG_FORMAT: 'xml' })).rejects.toThrow('CASCADEFLOW_LOG_FORMAT must be "text" or "json", got "xml"');
  });

  it('carry the id of each request the proxy answered, and no key or token of any request', async () => {
    const sim = await createSimulator();
    const { lines, destination } = collect();
    const ctx = await createProxyContext({
      env: { CASCADEFLOW_UPSTREAM_URL: sim.url, HOST: '0.0.0.0', ANTHROPIC_API_KEY: 'sk-ant-api03-FALLBACK-secret' },
      store: createMemoryStore(),
      secrets: createMemorySecretStore(),
      logger: await jsonLogger(destination),
    });
    const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
    cleanups.push(() => sim.close(), async () => {
      await proxy.close();
      await ctx.close();
    });
    const admin = ctx.config.adminToken as string;
    // Beyond loopback a client names itself with a client token (the admin token's request spends the fallback key).
    const { token } = await ctx.control.createToken({ name: 'logs' });

    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-ant-api03-CLIENT-secret', maxRetries: 0, defaultHeaders: { 'x-cascadeflow-token': token } });
    const ask = { max_tokens: 64, messages: [{ role: 'user' as const, content: 'Explain how DNS resolves a name.' }] };
    const { response } = await client.messages.create({ ...ask, model: SONNET }).withResponse();
    const bearer = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-oat01-BEARER-secret', 'x-cascadeflow-token': token },
      body: JSON.stringify({ ...ask, model: HAIKU }),
    });
    const fallback = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cascadeflow-admin-token': admin },
      body: JSON.stringify({ ...ask, model: HAIKU }),
    });
    expect([bearer.status, fallback.status]).toEqual([200, 200]);
    await waitFor(() => lines.filter((line) => line.includes('requestId')).length >= 3, 'three request lines');

    const parsed = lines.map((line) => JSON.parse(line) as JsonLine);
    for (const line of parsed) expect(Object.keys(line).every((k) => ['level', 'time', 'requestId', 'msg'].includes(k))).toBe(true);
    const ids = [response.headers.get(REQUEST_ID_HEADER), bearer.headers.get(REQUEST_ID_HEADER), fallback.headers.get(REQUEST_ID_HEADER)];
    expect(parsed.filter((line) => line.requestId).map((line) => line.requestId)).toEqual(ids);
    const text = lines.join('\n');
    for (const secret of ['CLIENT-secret', 'BEARER-secret', 'FALLBACK-secret', admin, token]) expect(text).not.toContain(secret);
  });
});
