// The lifecycle against the real proxy context and server on loopback.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProxyContext } from '../../proxy/context';
import { startProxyServer } from '../../proxy/server';
import { createProxyContext } from '../../proxy/runtime';
import { createMemoryStore } from '../../proxy/state/stores';
import { freePort, occupyPort } from '../../test/electron/ports';
import { ProxyLifecycle, type StartServer } from './proxy-lifecycle';

const quiet = { info: () => undefined, warn: () => undefined };

let dataDir: string;
let ctx: ProxyContext;
let lifecycle: ProxyLifecycle | null;
let blockers: Server[];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cf-lifecycle-'));
  ctx = await createProxyContext({ env: {}, store: createMemoryStore(), dataDir, logger: quiet });
  lifecycle = null;
  blockers = [];
});

afterEach(async () => {
  await lifecycle?.stop();
  await ctx.close();
  for (const b of blockers) await new Promise((r) => b.close(r));
  await rm(dataDir, { recursive: true, force: true });
});

describe('proxy lifecycle', () => {
  it('starts the proxy on the configured port and reports running', async () => {
    const port = await freePort();
    await ctx.control.updateSettings({ port });
    const running: string[] = [];
    lifecycle = new ProxyLifecycle({ ctx, startServer: startProxyServer, onRunning: (url) => void running.push(url) });
    await lifecycle.start();
    const status = await ctx.control.getStatus();
    expect(status).toMatchObject({ state: 'running', baseUrl: `http://127.0.0.1:${port}`, error: null });
    expect(running).toEqual([`http://127.0.0.1:${port}`]);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });

  it('shows the error when the port is in use, and starts on retry once it is free', async () => {
    const port = await freePort();
    blockers.push(await occupyPort(port));
    await ctx.control.updateSettings({ port });
    const errors: string[] = [];
    lifecycle = new ProxyLifecycle({ ctx, startServer: startProxyServer, onError: (m) => void errors.push(m) });
    await lifecycle.start();
    const status = await ctx.control.getStatus();
    expect(status.state).toBe('error');
    expect(status.error).toMatch(new RegExp(`Port ${port}.*already in use`));
    expect(errors).toHaveLength(1);

    await new Promise((r) => blockers.pop()!.close(r));
    await lifecycle.restart();
    expect(await ctx.control.getStatus()).toMatchObject({ state: 'running', error: null });
  });

  it('restarts on a port change, only when host or port change', async () => {
    const [first, second] = [await freePort(), await freePort()];
    await ctx.control.updateSettings({ port: first });
    let starts = 0;
    const counting: StartServer = (c, address) => {
      starts++;
      return startProxyServer(c, address);
    };
    const running: string[] = [];
    let onSecond!: () => void;
    const runningOnSecond = new Promise<void>((resolve) => (onSecond = resolve));
    lifecycle = new ProxyLifecycle({
      ctx,
      startServer: counting,
      onRunning: (url) => {
        running.push(url);
        if (url.endsWith(`:${second}`)) onSecond();
      },
    });
    await lifecycle.start();

    // Restarts run one after another in order: had the pause restarted the server, that
    // start would come before the one for the port change and show up in both counts.
    await ctx.control.updateSettings({ paused: true });
    await ctx.control.updateSettings({ port: second });
    await runningOnSecond;
    expect(starts).toBe(2);
    expect(running).toEqual([`http://127.0.0.1:${first}`, `http://127.0.0.1:${second}`]);
    expect(await ctx.control.getStatus()).toMatchObject({ state: 'running', baseUrl: `http://127.0.0.1:${second}` });
    // The old port is released, the new one answers.
    await expect(fetch(`http://127.0.0.1:${first}/health`)).rejects.toThrow();
    expect((await fetch(`http://127.0.0.1:${second}/health`)).status).toBe(200);
  });

  it('stop closes the server and reports stopped', async () => {
    const port = await freePort();
    await ctx.control.updateSettings({ port });
    lifecycle = new ProxyLifecycle({ ctx, startServer: startProxyServer });
    await lifecycle.start();
    await lifecycle.stop();
    lifecycle = null;
    expect((await ctx.control.getStatus()).state).toBe('stopped');
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
