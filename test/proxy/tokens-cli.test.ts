// `cascadeflow token` for real: the compiled command (built here into a temporary folder) edits
// a data folder while a proxy on that folder serves; the proxy picks each change up on its next
// request. Secrets appear on create's stdout and nowhere in the data folder or the logs.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_HEADER } from '../../contracts/tokens';
import { BIN_FILE, buildProxy, ROOT } from '../../electron/tools/build';
import type { ProxyContext } from '../../proxy/context';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer, type RunningProxy } from '../../proxy/server';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU } from './harness';
import { waitFor } from '../wait';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let outDir: string;
let dataDir: string;
let sim: Simulator;
let ctx: ProxyContext;
let proxy: RunningProxy;
const logs: string[] = [];

/** The compiled `cascadeflow token …` on the test's data folder; killed after 20 s at the latest. */
function token(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(path.join(outDir, 'proxy', BIN_FILE), ['token', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, CASCADEFLOW_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'cf-token-cli-'));
  dataDir = await mkdtemp(path.join(tmpdir(), 'cf-token-data-'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  await buildProxy(path.join(outDir, 'proxy'));
  sim = await createSimulator();
  // The proxy's own stores on the folder (conf's config.json, the decision files), configured for the LAN.
  ctx = await createProxyContext({
    env: { CASCADEFLOW_UPSTREAM_URL: sim.url, HOST: '0.0.0.0' },
    dataDir,
    logger: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
  });
  proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await ctx?.close();
  await sim?.close();
  await rm(outDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

const ask = { model: HAIKU, max_tokens: 64, messages: [{ role: 'user' as const, content: 'Say hello.' }] };
const status = (secret: string) =>
  new Anthropic({ baseURL: proxy.url, apiKey: 'sk-test-client-key', maxRetries: 0, defaultHeaders: { [CLIENT_TOKEN_HEADER]: secret } }).messages
    .create(ask)
    .then(
      () => 200,
      (e: { status?: number }) => e.status,
    );

describe('cascadeflow token', () => {
  it('create, list and revoke act on a running proxy from its next request; no secret is stored or logged', async () => {
    const created = await token('create', 'ci-bot', '--rpm', '30', '--streams', '2', '--daily-usd', '1.5');
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^cft_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('Created client token "ci-bot" (30 requests/min, 2 concurrent streams, $1.5/day)');
    expect(created.stderr).toContain('will not be shown again');

    expect(await status(secret)).toBe(200);
    await waitFor(async () => (await ctx.control.getDecisions()).find((r) => r.tokenName === 'ci-bot'), 'the record of ci-bot');
    expect((await ctx.control.listTokens())[0]).toMatchObject({ name: 'ci-bot', limits: { requestsPerMinute: 30, concurrentStreams: 2, dailySpendUsd: 1.5 } });

    // A name in use: one line, exit 1. A bad limit: a usage error, exit 2.
    expect(await token('create', 'ci-bot')).toMatchObject({ code: 1, stdout: '', stderr: 'cascadeflow token: A token named "ci-bot" already exists; revoke it first or choose another name.\n' });
    expect((await token('create', 'x', '--rpm', '0')).code).toBe(2);
    expect((await token('create', 'bad name')).code).toBe(2);

    // Created over the admin API while the CLI edits the same file: both kept.
    const { token: viaApi } = await ctx.control.createToken({ name: 'dashboard' });
    const list = await token('list', '--json');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((t) => t.name)).toEqual(['ci-bot', 'dashboard']);
    expect((await token('list')).stdout).toMatch(/^ci-bot\t30 requests\/min, 2 concurrent streams, \$1\.5\/day\tcreated \d{4}-\d\d-\d\dT[\d:]+Z\ndashboard\tno limits\t/);

    expect(await token('revoke', 'ci-bot')).toMatchObject({ code: 0, stdout: '' });
    expect(await status(secret)).toBe(401);
    expect(await status(viaApi)).toBe(200);
    expect(await token('revoke', 'ci-bot')).toMatchObject({ code: 1, stderr: 'cascadeflow token: No token named "ci-bot".\n' });

    await ctx.flush();
    const files = await readdir(dataDir);
    expect(files).toContain('config.json');
    for (const file of files) {
      const text = await readFile(path.join(dataDir, file), 'utf8');
      for (const s of [secret, viaApi]) expect(text, file).not.toContain(s.slice(4));
    }
    for (const s of [secret, viaApi]) expect(logs.join('\n')).not.toContain(s.slice(4));
  }, 60_000);
});
