import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decisionRecord } from '../../test/fixtures/contracts';
import { useTempDirs } from '../../test/temp-dirs';
import { createProxyContext } from '../runtime';
import { startProxyServer } from '../server';
import { createMemorySecretStore, createMemoryStore } from '../state/stores';
import { DEFAULT_PROXY_URL, PROXY_DOWN, proxyUrl, sessionIdOf, statusLine, TOKEN_NEEDED } from './statusline';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const tempDir = useTempDirs('cf-statusline-');

/** What Claude Code 2.1.332 documents for the status line's stdin (the fields that matter here and a few others). */
const claudeCodeInput = (sessionId: string) =>
  JSON.stringify({
    session_id: sessionId,
    transcript_path: '/home/u/.claude/projects/app/abc.jsonl',
    cwd: '/work/app',
    model: { id: 'claude-opus-5-5', display_name: 'Opus' },
    workspace: { current_dir: '/work/app', project_dir: '/work/app', added_dirs: [] },
    version: '2.1.332',
    output_style: { name: 'default' },
    context_window: { total_input_tokens: 0, total_output_tokens: 0, context_window_size: 200000, current_usage: null, used_percentage: null, remaining_percentage: null },
  });

async function proxyWith(env: NodeJS.ProcessEnv = {}) {
  const ctx = await createProxyContext({ env, store: createMemoryStore(), secrets: createMemorySecretStore(), dataDir: tempDir(), logger: { info: () => {}, warn: () => {} } });
  const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
  cleanups.push(async () => {
    await proxy.close();
    await ctx.close();
  });
  return { ctx, url: proxy.url };
}

/** A server that is not the proxy: answers with `answer`, or never. */
async function otherServer(answer: ((res: http.ServerResponse) => void) | null): Promise<string> {
  const server = http.createServer((_req, res) => answer?.(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('status line input', () => {
  it("reads Claude Code's session id", () => {
    expect(sessionIdOf(claudeCodeInput('4f1c2b8e-9a0d-4c51-8e7f-2d6b3a9c0e11'))).toBe('4f1c2b8e-9a0d-4c51-8e7f-2d6b3a9c0e11');
    for (const input of ['', 'not json', 'null', '{}', '{"session_id":""}', '{"session_id":42}', '{"session_id":"a b"}', `{"session_id":"${'a'.repeat(101)}"}`]) expect(sessionIdOf(input), input).toBeUndefined();
  });

  it('asks --url, else CASCADEFLOW_URL, else the default address', () => {
    expect(proxyUrl(['--url', 'http://127.0.0.1:8123/'], { CASCADEFLOW_URL: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:8123');
    expect(proxyUrl([], { CASCADEFLOW_URL: ' http://127.0.0.1:9000 ' })).toBe('http://127.0.0.1:9000');
    expect(proxyUrl([], { CASCADEFLOW_URL: '' })).toBe(DEFAULT_PROXY_URL);
  });
});

describe('statusLine against a running proxy', () => {
  it("prints the proxy's line for the session", async () => {
    const { ctx, url } = await proxyWith();
    // s:abc: two accepted drafts ($0.002 of $0.006 each), one escalation ($0.008 of $0.006); another session's $0.001.
    ctx.record(decisionRecord({ conversationId: 's:abc' }));
    ctx.record(decisionRecord({ conversationId: 's:abc' }));
    ctx.record(decisionRecord({ conversationId: 's:abc', decision: 'escalated', cost: 0.008, savings: -0.002 }));
    ctx.record(decisionRecord({ conversationId: 's:other', cost: 0.001, baselineCost: 0.003, savings: 0.002 }));
    const line = await statusLine({ input: claudeCodeInput('abc'), args: ['--url', url], env: {} });
    // Saved $0.006 of $0.018 (33 %); today $0.012 + $0.001.
    expect(line).toBe('⚡ saved $0.0060 (33 %) this session · 2 drafts ✓ 1 ↑ · today $0.01');
    expect(await statusLine({ input: claudeCodeInput('new'), args: [], env: { CASCADEFLOW_URL: url } })).toBe('⚡ no requests this session yet · today $0.01');
    expect(await statusLine({ input: '', args: [], env: { CASCADEFLOW_URL: url } })).toBe('⚡ no requests this session yet · today $0.01');
  });

  it('needs the admin token beyond loopback: from CASCADEFLOW_ADMIN_TOKEN or the data folder', async () => {
    const token = 'status-line-test-token-0123456789';
    const { url } = await proxyWith({ CASCADEFLOW_ADMIN_TOKEN: token });
    const emptyDir = tempDir();
    expect(await statusLine({ input: claudeCodeInput('abc'), args: ['--url', url], env: { CASCADEFLOW_DATA_DIR: emptyDir } })).toBe(TOKEN_NEEDED);
    expect(await statusLine({ input: '', args: ['--url', url], env: { CASCADEFLOW_ADMIN_TOKEN: 'wrong-token-wrong-token', CASCADEFLOW_DATA_DIR: emptyDir } })).toBe(TOKEN_NEEDED);
    expect(await statusLine({ input: '', args: ['--url', url], env: { CASCADEFLOW_ADMIN_TOKEN: token } })).toBe('⚡ no requests this session yet · today $0.00');
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ schemaVersion: 1, adminToken: token }));
    expect(await statusLine({ input: '', args: ['--url', url], env: { CASCADEFLOW_DATA_DIR: dataDir } })).toBe('⚡ no requests this session yet · today $0.00');
  });
});

describe('statusLine without a proxy', () => {
  it('says the proxy is not running when nothing listens, or nothing answers in time', async () => {
    const closed = await otherServer(null);
    await cleanups.pop()?.();
    expect(await statusLine({ input: claudeCodeInput('abc'), args: ['--url', closed], env: {} })).toBe(PROXY_DOWN);
    const silent = await otherServer(null);
    expect(await statusLine({ input: '', args: ['--url', silent], env: {}, timeoutMs: 100 })).toBe(PROXY_DOWN);
  });

  it('says what else answered', async () => {
    const notFound = await otherServer((res) => res.writeHead(404).end('no'));
    expect(await statusLine({ input: '', args: ['--url', notFound], env: {} })).toBe('cascadeflow: the proxy answered HTTP 404');
    const garbage = await otherServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":42}'));
    expect(await statusLine({ input: '', args: ['--url', garbage], env: {} })).toBe('cascadeflow: unexpected answer from the proxy');
    expect(await statusLine({ input: '', args: ['--url', 'https://127.0.0.1:1'], env: {} })).toMatch(/must start with http:\/\//);
  });
});
