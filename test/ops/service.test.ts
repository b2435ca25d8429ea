// The proxy as a service, run as the built JavaScript (no tsx) in child processes: a graceful
// drain on SIGTERM with a slow stream in flight (it completes, new connections are refused, the
// record is flushed, exit 0), the drain's bound, `npm run serve` stopped by a SIGTERM to npm,
// and the Dockerfile's and the systemd unit's commands checked against what the build makes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildProxy, ROOT } from '../../electron/tools/build';
import { DEFAULT_DASHBOARD_DIR } from '../../proxy/dashboard';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer } from '../../proxy/server';
import { createMemoryStore } from '../../proxy/state/stores';
import { GOOD_OPENING } from '../../simulator/behaviours';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU } from '../proxy/harness';
import { waitFor } from '../wait';

const CLI = path.join('dist', 'proxy', 'cli.js');
const POSIX = process.platform !== 'win32';

/** A copy of the app's layout: package.json with the real `serve` script, dist/proxy built, node_modules linked. */
let app: string;
let dataDir: string | null = null;
let sim: Simulator;

beforeAll(async () => {
  app = await mkdtemp(path.join(tmpdir(), 'cascadeflow-service-'));
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { serve: string } };
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'cascadeflow-service-test', private: true, type: 'module', scripts: { serve: pkg.scripts.serve } }));
  await symlink(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  await buildProxy(path.join(app, 'dist', 'proxy'));
  sim = await createSimulator();
}, 60_000);

afterAll(async () => {
  await sim.close();
  await rm(app, { recursive: true, force: true });
});

const children: ChildProcess[] = [];
const strays: number[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  sim.reset();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = null;
});

interface Running {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `command` in the app copy and waits for the banner's address. */
async function start(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cascadeflow-service-data-'));
  // Nothing of the test runner's own npm run leaks in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('CASCADEFLOW_')));
  const child = spawn(command, args, {
    cwd: app,
    env: { ...base, HOST: '127.0.0.1', PORT: '0', CASCADEFLOW_UPSTREAM_URL: sim.url, CASCADEFLOW_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d));
  child.stderr?.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], 'the banner', 20_000);
  return { child, url, port: Number(new URL(url).port), output: () => output, exited };
}

/** Resolves true once a connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const ask = { model: HAIKU, max_tokens: 512, messages: [{ role: 'user' as const, content: 'Explain how a TCP handshake works.' }] };

describe('node dist/proxy/cli.js on SIGTERM', () => {
  it('refuses new connections, lets the stream in flight finish, flushes its record and exits 0', async () => {
    // About 50 events 25 ms apart: more than a second in flight.
    sim.script(HAIKU, { kind: 'good', delayMs: 25 });
    const proxy = await start(process.execPath, [CLI], { CASCADEFLOW_LOG_FORMAT: 'json' });
    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-test', maxRetries: 0 });
    const stream = client.messages.stream(ask);
    let finished = false;
    const final = stream.finalMessage().finally(() => (finished = true));
    await new Promise((resolve) => stream.once('text', resolve));

    proxy.child.kill('SIGTERM');
    await waitFor(() => refused(proxy.port), 'new connections to be refused');
    expect(finished).toBe(false);

    const message = await final;
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(GOOD_OPENING) });
    expect(await proxy.exited).toBe(0);

    const records = readFileSync(path.join(dataDir as string, 'decisions.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { requestedModel: string; status: number; decision: string });
    expect(records).toMatchObject([{ requestedModel: HAIKU, status: 200, decision: 'passthrough' }]);
    // Every line on stdout a JSON object, the banner and the stop included.
    const lines = proxy.output().trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^Stopping \(SIGTERM\)/), 'Stopped']));
  });

  it('cuts what still runs at the bound (CASCADEFLOW_DRAIN_TIMEOUT_MS) and still exits 0', async () => {
    let release = () => {};
    sim.script(HAIKU, { kind: 'good', until: new Promise<void>((resolve) => (release = resolve)) });
    const proxy = await start(process.execPath, [CLI], { CASCADEFLOW_DRAIN_TIMEOUT_MS: '300' });
    try {
      const held = fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: JSON.stringify(ask) }).then(
        (res) => res.status,
        () => 'cut',
      );
      await waitFor(() => sim.messagesFor(HAIKU).length === 1, 'the request to reach the upstream');
      const stoppedAt = Date.now();
      proxy.child.kill('SIGTERM');
      expect(await proxy.exited).toBe(0);
      const took = Date.now() - stoppedAt;
      expect(took).toBeGreaterThanOrEqual(300);
      expect(took).toBeLessThan(5_000);
      expect(proxy.output()).toContain('1 request was still running after 300 ms and cut');
      expect(await held).not.toBe(200);
    } finally {
      release();
    }
  });
});

/** Every process below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below = (p: number): number[] => [...parents].filter(([, parent]) => parent === p).flatMap(([child]) => [child, ...below(child)]);
  return below(pid);
}

describe.skipIf(!POSIX || !existsSync('/proc'))('npm run serve', () => {
  it('stops when npm gets SIGTERM, although npm does not pass it on', async () => {
    const npm = await start('npm', ['run', 'serve'], {});
    strays.push(...descendants(npm.child.pid as number));
    const closed = new Promise<void>((resolve) => npm.child.stdout?.once('close', () => resolve()));
    npm.child.kill('SIGTERM');
    await waitFor(() => refused(npm.port), 'the port to close', 10_000);
    // stdout closes once every process writing to it, the proxy included, has exited.
    await closed;
    expect(npm.output()).toContain('Stopping (npm stopped)');
    expect(npm.output()).toContain('Stopped');
  });
});

describe('deployment files', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const unit = readFileSync(path.join(ROOT, 'deploy', 'cascadeflow.service'), 'utf8');

  it('run the file the build makes, with environment variables the CLI knows', async () => {
    expect(existsSync(path.join(app, CLI))).toBe(true);
    expect(dockerfile).toMatch(new RegExp(`^CMD \\["node", "${CLI}"\\]$`, 'm'));
    expect(unit).toMatch(new RegExp(`^ExecStart=/usr/bin/node ${CLI}$`, 'm'));
    // What the image copies is what the proxy loads: its bundle and the dashboard.
    expect(path.relative(ROOT, DEFAULT_DASHBOARD_DIR)).toBe(path.join('dist', 'renderer'));
    expect(dockerfile).toContain('COPY --from=build /app/dist/renderer ./dist/renderer');
    const help = spawnSync(process.execPath, [CLI, '--help'], { cwd: app, encoding: 'utf8' }).stdout;
    const named = [...unit.matchAll(/^Environment=(\w+)=/gm), ...dockerfile.matchAll(/^\s*(?:ENV )?(\w+)=\S+ ?\\?$/gm)].map((m) => m[1]).filter((name) => name !== 'NODE_ENV');
    expect(named).toEqual(expect.arrayContaining(['HOST', 'PORT', 'CASCADEFLOW_DATA_DIR', 'CASCADEFLOW_DRAIN_TIMEOUT_MS', 'CASCADEFLOW_LOG_FORMAT']));
    for (const name of named) expect(help, name).toContain(name);
  });

  it("the image's HEALTHCHECK passes against a running proxy and fails once it is gone", async () => {
    const command = /^HEALTHCHECK .*\\\n\s+CMD (.+)$/m.exec(dockerfile)?.[1];
    expect(command).toBeDefined();
    const ctx = await createProxyContext({ env: { CASCADEFLOW_UPSTREAM_URL: sim.url }, store: createMemoryStore(), logger: { info: () => {}, warn: () => {} } });
    const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
    // Asynchronously: the proxy answering it runs in this process.
    const check = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn('sh', ['-c', command as string], { env: { PATH: process.env.PATH, PORT: String(proxy.port) }, stdio: 'ignore', timeout: 10_000 });
        child.on('exit', resolve);
      });
    try {
      expect(await check()).toBe(0);
    } finally {
      await proxy.close();
      await ctx.close();
    }
    expect(await check()).toBe(1);
  });

  it.skipIf(spawnSync('systemd-analyze', ['--version']).status !== 0)('the systemd unit passes systemd-analyze verify', async () => {
    // The unit names /usr/bin/node; where Node lives elsewhere, verify the same unit with that path.
    const file = path.join(app, 'cascadeflow.service');
    await writeFile(file, unit.replace('/usr/bin/node', process.execPath));
    const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 20_000 });
    expect(verify.stderr + verify.stdout).toBe('');
    expect(verify.status).toBe(0);
  });
});
