import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../context';
import type { Logger } from '../log/logger';
import type { DecisionRecord } from '../../contracts/decision';
import { createProxyContext } from './context';
import { SCHEMA_VERSION } from './layout';
import { openConfStore } from './stores';
import { decisionRecord } from '../../test/fixtures/records';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-state-'));
  dirs.push(dir);
  return dir;
}

function collectingLogger() {
  const lines: string[] = [];
  const warnings: string[] = [];
  const logger: Logger = { info: (l) => lines.push(l), warn: (l) => warnings.push(l) };
  return { logger, lines, warnings };
}

function record(i: number): DecisionRecord {
  return decisionRecord({ id: `r${i}`, stream: false, cost: 0.0015, baselineCost: 0.0045, savings: 0.003 });
}

/** Counts writes to a real conf store. */
function counting(store: KeyValueStore) {
  const counter = { writes: 0 };
  const wrapped: KeyValueStore = {
    get: (k) => store.get(k),
    set: (k, v) => {
      counter.writes++;
      store.set(k, v);
    },
    delete: (k) => store.delete(k),
    path: store.path,
  };
  return { store: wrapped, counter };
}

describe('createProxyContext', () => {
  it('resolves config from env over settings; never reads ANTHROPIC_BASE_URL', async () => {
    const dir = tempDir();
    const ctx = await createProxyContext({
      env: { CASCADEFLOW_DATA_DIR: dir, PORT: '0', ANTHROPIC_BASE_URL: 'http://127.0.0.1:8000', CASCADEFLOW_ALLOWED_HOSTS: 'Proxy.Lan, other' },
      logger: collectingLogger().logger,
    });
    expect(ctx.config).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      upstreamUrl: 'https://api.anthropic.com',
      dataDir: dir,
      adminToken: null,
      allowedHosts: ['proxy.lan', 'other'],
    });
    expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(true);
    await ctx.close();
  });

  it('refuses a malformed environment and an upstream that is the proxy itself', async () => {
    const logger = collectingLogger().logger;
    await expect(createProxyContext({ env: { PORT: 'eighty' }, dataDir: tempDir(), logger })).rejects.toThrow(/PORT/);
    await expect(createProxyContext({ env: { CASCADEFLOW_UPSTREAM_URL: 'api.anthropic.com' }, dataDir: tempDir(), logger })).rejects.toThrow(
      /CASCADEFLOW_UPSTREAM_URL/,
    );
    await expect(
      createProxyContext({ env: { PORT: '8000', CASCADEFLOW_UPSTREAM_URL: 'http://localhost:8000' }, dataDir: tempDir(), logger }),
    ).rejects.toThrow(/points at this proxy/);
  });

  it('persists rules, settings and stats through a real conf store and reads them back', async () => {
    const dir = tempDir();
    const { logger } = collectingLogger();
    const first = await createProxyContext({ env: {}, dataDir: dir, logger });
    const rules = await first.control.getRules();
    rules[2] = { ...rules[2], threshold: 0.85 };
    await first.control.saveRules(rules);
    await first.control.updateSettings({ paused: true, port: 8123 });
    first.record(record(1));
    first.record(record(2));
    await first.close();

    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(onDisk.schemaVersion).toBe(SCHEMA_VERSION);
    expect(onDisk.decisions).toHaveLength(2);

    const second = await createProxyContext({ env: {}, dataDir: dir, logger });
    expect((await second.control.getRules())[2].threshold).toBe(0.85);
    expect(second.config.port).toBe(8123);
    expect((await second.control.getSettings()).paused).toBe(true);
    const stats = await second.control.getStats();
    expect(stats.allTime.queries).toBe(2);
    expect(stats.allTime.savings).toBeCloseTo(0.006, 10);
    expect((await second.control.getDecisions()).map((r) => r.id)).toEqual(['r2', 'r1']);
    expect((await second.control.getStatus()).warnings).toEqual([]);
    await second.close();
  });

  it('batches writes: a burst of requests is one write per key, flushed on flush()', async () => {
    const dir = tempDir();
    const { store, counter } = counting(openConfStore(dir).store);
    const ctx = await createProxyContext({ env: {}, store, logger: collectingLogger().logger, writeIntervalMs: 60_000 });
    const afterStart = counter.writes;
    for (let i = 0; i < 200; i++) ctx.record(record(i));
    expect(counter.writes).toBe(afterStart);
    await ctx.flush();
    expect(counter.writes).toBe(afterStart + 2); // stats + decisions
    await ctx.flush();
    expect(counter.writes).toBe(afterStart + 2);
    expect((store.get('decisions') as unknown[]).length).toBe(200);
    await ctx.close();
  });

  it('writes batched state on its own after the interval', async () => {
    const dir = tempDir();
    const { store, counter } = counting(openConfStore(dir).store);
    const ctx = await createProxyContext({ env: {}, store, logger: collectingLogger().logger, writeIntervalMs: 30 });
    const afterStart = counter.writes;
    for (let i = 0; i < 50; i++) ctx.record(record(i));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(counter.writes).toBe(afterStart + 2);
    await ctx.close();
  });

  it('logs one line per request, without keys', async () => {
    const { logger, lines } = collectingLogger();
    const ctx = await createProxyContext({ env: { ANTHROPIC_API_KEY: 'sk-ant-secret' }, dataDir: tempDir(), logger });
    ctx.record(record(1));
    expect(lines).toEqual(['✅ Draft accepted: claude-haiku-4-5, $0.001500 (~67% savings vs claude-sonnet-4-5)']);
    expect(lines.join('\n')).not.toContain('sk-ant-secret');
    await ctx.close();
  });
});
