// Server lifecycle (status, port in use, upstream loop, closing open streams) and the
// `npm run serve` CLI as a real child process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError, startProxyServer, UpstreamLoopError } from '../../proxy/server';
import { HAIKU, type Harness, startHarness } from './harness';
import { waitFor } from '../wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('startProxyServer', () => {
  it('reports running with its base URL', async () => {
    const status = await h.ctx.control.getStatus();
    expect(status).toMatchObject({ state: 'running', baseUrl: h.proxy.url, error: null });
    expect(h.proxy.url).toBe(`http://127.0.0.1:${h.proxy.port}`);
  });

  it('throws PortInUseError and reports the error when the port is taken', async () => {
    const err = await startProxyServer(h.ctx, { host: '127.0.0.1', port: h.proxy.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect((await h.ctx.control.getStatus()).error).toContain(String(h.proxy.port));
    h.ctx.setStatus({ state: 'running', error: null });
  });

  it('shows the address it failed to take, not the previous one, after a failed restart', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const taken = (blocker.address() as AddressInfo).port;
    try {
      await expect(startProxyServer(h.ctx, { host: '127.0.0.1', port: taken })).rejects.toBeInstanceOf(PortInUseError);
      expect(await h.ctx.control.getStatus()).toMatchObject({ state: 'error', baseUrl: `http://127.0.0.1:${taken}` });
    } finally {
      blocker.close();
      h.ctx.setStatus({ state: 'running', baseUrl: h.proxy.url, error: null });
    }
  });

  it('refuses an upstream that is the proxy itself', async () => {
    const port = Number(new URL(h.sim.url).port);
    const err = await startProxyServer(h.ctx, { host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamLoopError);
    h.ctx.setStatus({ state: 'running', error: null });
  });

  it('answers 508 instead of looping when the upstream leads back to the proxy under another name', async () => {
    const looped = await startHarness({ env: { CASCADEFLOW_UPSTREAM_URL: undefined } }); // editable in settings
    try {
      // The settings check compares host and port; "localhost" vs 127.0.0.1 on a port 0 server slips past it.
      await looped.ctx.control.updateSettings({ upstreamUrl: looped.proxy.url.replace('127.0.0.1', 'localhost') }).catch(() => null);
      const upstream = looped.ctx.config.upstreamUrl;
      expect(upstream).toContain(String(looped.proxy.port));
      const err = await looped.client.messages
        .create({ model: HAIKU, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect((err as { status?: number }).status).toBe(508);
      expect(looped.sim.requests).toHaveLength(0);
    } finally {
      await looped.close();
    }
  });

  it('close() ends streams in flight and reports stopped', async () => {
    const other = await startHarness();
    other.sim.script(HAIKU, { kind: 'good', delayMs: 200 });
    const stream = other.client.messages.stream({ model: HAIKU, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const outcome = stream.finalMessage().then(
      () => 'finished',
      () => 'cut',
    );
    await waitFor(() => other.sim.requests.length === 1, 'the upstream call');
    const closedAt = Date.now();
    await other.proxy.close();
    expect(Date.now() - closedAt).toBeLessThan(1_000);
    expect(await outcome).toBe('cut');
    expect((await other.ctx.control.getStatus()).state).toBe('stopped');
    // The cut request is recorded before close() resolves, so a shutdown's last flush saves it.
    expect((await other.ctx.control.getDecisions()).map((r) => [r.requestedModel, r.stream])).toEqual([[HAIKU, true]]);
    await waitFor(() => other.sim.requests[0].aborted, 'the upstream call to be aborted');
    await other.ctx.close();
    await other.sim.close();
  });
});

/** Runs the CLI until `until` matches its output (then SIGTERM) or it exits. */
function runCli(env: NodeJS.ProcessEnv, until: RegExp | null): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/cli.ts'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run serve (proxy/cli.ts)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cascadeflow-cli-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  async function freePort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  it('prints the base URL and the line to paste for Claude Code, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const run = await runCli({ PORT: String(port), CASCADEFLOW_UPSTREAM_URL: h.sim.url, CASCADEFLOW_DATA_DIR: dataDir }, /ANTHROPIC_BASE_URL/);
    expect(run.stdout).toContain(`http://127.0.0.1:${port}`);
    expect(run.stdout).toContain(`export ANTHROPIC_BASE_URL=http://127.0.0.1:${port}`);
    expect(run.stdout).not.toContain('token');
    expect(run.code).toBe(0);
  });

  it('prints the admin token and the dashboard URL that carries it when one is set', async () => {
    const port = await freePort();
    const token = 'cli-admin-token-0123456789';
    const env = { PORT: String(port), CASCADEFLOW_UPSTREAM_URL: h.sim.url, CASCADEFLOW_DATA_DIR: dataDir, CASCADEFLOW_ADMIN_TOKEN: token };
    const run = await runCli(env, /Admin token.*\n/);
    expect(run.stdout).toContain(`Dashboard: http://127.0.0.1:${port}/dashboard#token=${token}`);
    expect(run.stdout).toMatch(new RegExp(`Admin token .*: ${token}\n`));
    expect(run.code).toBe(0);
  });

  it('prints one clear line and exits 1 when the port is taken', async () => {
    const run = await runCli({ PORT: String(h.proxy.port), CASCADEFLOW_UPSTREAM_URL: h.sim.url, CASCADEFLOW_DATA_DIR: dataDir }, null);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`port ${h.proxy.port}`);
    expect(run.stderr).toContain('already in use');
  });

  it('refuses to start when the upstream is the proxy itself', async () => {
    const port = await freePort();
    const run = await runCli({ PORT: String(port), CASCADEFLOW_UPSTREAM_URL: `http://localhost:${port}`, CASCADEFLOW_DATA_DIR: dataDir }, null);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reaches the upstream through HTTPS_PROXY / HTTP_PROXY when set', async () => {
    // A minimal CONNECT proxy that notes where it tunnels to.
    const tunnels: string[] = [];
    const corporate = createHttpServer();
    corporate.on('connect', (req, socket, head) => {
      tunnels.push(String(req.url));
      const [host, port] = String(req.url).split(':');
      const target = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        target.write(head);
        target.pipe(socket);
        socket.pipe(target);
      });
      target.on('error', () => socket.destroy());
      socket.on('error', () => target.destroy());
    });
    await new Promise<void>((resolve) => corporate.listen(0, '127.0.0.1', resolve));
    const proxyPort = (corporate.address() as { port: number }).port;
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/cli.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        CASCADEFLOW_UPSTREAM_URL: h.sim.url,
        CASCADEFLOW_DATA_DIR: dataDir,
        HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => String(d).includes('ANTHROPIC_BASE_URL') && resolve()));
      const res = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { 'x-api-key': 'k' } });
      expect(res.status).toBe(200);
      expect(tunnels).toEqual([new URL(h.sim.url).host]);
    } finally {
      child.kill('SIGTERM');
      corporate.closeAllConnections();
      await new Promise((resolve) => corporate.close(resolve));
    }
  });
});
