// GET /health tells the truth: the upstream's reachability from real traffic through the real
// proxy (the official SDK as the client, the simulator as the upstream, a closed port as a dead
// one), the status event the tray and dashboard get, and a store that needed repair.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { healthSchema, type Health, type ProxyStatus } from '../../contracts/status';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer } from '../../proxy/server';
import { createSimulator, type Simulator } from '../../simulator/server';
import { HAIKU, startHarness, type Harness } from '../proxy/harness';
import { waitFor } from '../wait';

const ask = { model: HAIKU, max_tokens: 64, messages: [{ role: 'user' as const, content: 'What is DNS?' }] };

async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/health`);
  expect(res.status).toBe(200);
  return healthSchema.parse(await res.json());
}

/** A port nothing listens on (taken and given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('GET /health', () => {
  it('says healthy and when the upstream last answered, once a request went through', async () => {
    const h = await startHarness();
    cleanups.push(() => h.close());
    expect(await health(h.proxy.url)).toMatchObject({ status: 'healthy', reasons: [], upstream: h.sim.url, upstream_reachable: null, upstream_last_success: null });

    const before = Date.now();
    await h.client.messages.create(ask);
    await h.decisions(1);
    const after = await health(h.proxy.url);
    expect(after).toMatchObject({ status: 'healthy', upstream_reachable: true, upstream_last_error: null, warnings: 0 });
    const last = Date.parse(after.upstream_last_success ?? '');
    expect(last).toBeGreaterThanOrEqual(before);
    expect(last).toBeLessThanOrEqual(Date.now());
  });

  it('says degraded, and why, while the upstream refuses connections; healthy again once it answers', async () => {
    const port = await closedPort();
    const h: Harness = await startHarness({ env: { CASCADEFLOW_UPSTREAM_URL: `http://127.0.0.1:${port}` } });
    cleanups.push(() => h.close());
    const statuses: ProxyStatus[] = [];
    cleanups.push(async () => unsubscribe());
    const unsubscribe = h.ctx.control.subscribe((event) => {
      if (event.type === 'status') statuses.push(event.status);
    });

    await expect(h.client.messages.create(ask)).rejects.toThrow();
    await h.decisions(1);
    const down = await health(h.proxy.url);
    expect(down.status).toBe('degraded');
    expect(down.upstream_reachable).toBe(false);
    expect(down.reasons).toHaveLength(1);
    expect(down.reasons[0]).toMatch(/^upstream unreachable: .*ECONNREFUSED/);
    expect(down.upstream_last_error?.message).toContain('ECONNREFUSED');
    // The tray and the dashboard learn it from the status event, as it happens.
    await waitFor(() => statuses.find((s) => s.upstream?.reachable === false), 'a status event saying unreachable');
    expect((await h.ctx.control.getStatus()).upstream).toMatchObject({ reachable: false, lastSuccessAt: null });

    const sim: Simulator = await createSimulator({ port });
    cleanups.push(() => sim.close());
    await h.client.messages.create(ask);
    await h.decisions(2);
    const up = await health(h.proxy.url);
    expect(up).toMatchObject({ status: 'healthy', reasons: [], upstream_reachable: true });
    // The last failure is still told, with its time.
    expect(up.upstream_last_error?.message).toContain('ECONNREFUSED');
    await waitFor(() => statuses.at(-1)?.upstream?.reachable === true, 'a status event saying reachable');
  });

  it('says degraded when the store needed repair, counting warnings without quoting their paths', async () => {
    const sim = await createSimulator();
    const dataDir = await mkdtemp(join(tmpdir(), 'cascadeflow-ops-health-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }), () => sim.close());
    await writeFile(join(dataDir, 'stats.json'), '{"allTime": tor');
    const ctx = await createProxyContext({ env: { CASCADEFLOW_UPSTREAM_URL: sim.url }, dataDir, logger: { info: () => {}, warn: () => {} } });
    const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
    cleanups.push(async () => {
      await proxy.close();
      await ctx.close();
    });

    const body = await (await fetch(`${proxy.url}/health`)).text();
    const report = healthSchema.parse(JSON.parse(body));
    expect(report.status).toBe('degraded');
    expect(report.warnings).toBe(1);
    expect(report.reasons).toEqual(['1 warning to read in the dashboard or the log (store repairs, failed writes)']);
    expect(body).not.toContain(dataDir);
    expect((await ctx.control.getStatus()).warnings?.[0]).toContain('stats.json');
  });
});
