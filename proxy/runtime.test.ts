import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type KeyValueStore, openConfStore } from './state/stores';
import type { Logger } from './log/logger';
import type { DecisionRecord } from '../contracts/decision';
import { createProxyContext } from './runtime';
import { SCHEMA_VERSION } from './state/layout';
import { dayStart } from './stats/history';
import { DECISIONS_FILE, STATS_FILE } from './store/file-store';
import { createMemoryDecisionStore } from './store/memory-store';
import { decisionRecord } from '../test/fixtures/contracts';
import { useTempDirs } from '../test/temp-dirs';

const tempDir = useTempDirs('cf-state-');

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

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
const decisionLines = (dir: string) =>
  fs.existsSync(path.join(dir, DECISIONS_FILE)) ? fs.readFileSync(path.join(dir, DECISIONS_FILE), 'utf8').split('\n').filter(Boolean) : [];

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

  it('persists rules and settings in config.json, stats and decisions in files of their own, and reads them back', async () => {
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

    const onDisk = readJson(path.join(dir, 'config.json'));
    expect(Object.keys(onDisk).sort()).toEqual(['rules', 'schemaVersion', 'settings']);
    expect(onDisk.schemaVersion).toBe(SCHEMA_VERSION);
    expect(decisionLines(dir).map((line) => (JSON.parse(line) as DecisionRecord).id)).toEqual(['r1', 'r2']);
    expect(fs.existsSync(path.join(dir, STATS_FILE))).toBe(true);

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

  it('moves the stats and decisions of a version 1 config.json into the decision store', async () => {
    const dir = tempDir();
    const { logger } = collectingLogger();
    const old = await createProxyContext({ env: {}, dataDir: dir, logger });
    await old.close();
    // What version 1 kept in config.json: the aggregates and the last decisions.
    const { store } = openConfStore(dir);
    const legacy = createMemoryDecisionStore();
    for (let i = 1; i <= 3; i++) legacy.append(record(i));
    const { allTime, today, byRule, history } = await legacy.aggregate();
    store.set('stats', { allTime, today, byRule, history, todayStart: dayStart(Date.now()) });
    store.set('decisions', (await legacy.query()).reverse());
    fs.rmSync(path.join(dir, DECISIONS_FILE), { force: true });
    fs.rmSync(path.join(dir, STATS_FILE), { force: true });

    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    expect((await ctx.control.getStats()).allTime.queries).toBe(3);
    expect((await ctx.control.getDecisions()).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    expect((await ctx.control.getStatus()).warnings).toEqual([]);
    await ctx.close();
    expect(Object.keys(readJson(path.join(dir, 'config.json'))).sort()).toEqual(['rules', 'schemaVersion', 'settings']);
    expect(decisionLines(dir)).toHaveLength(3);
  });

  it('never writes config.json per request: the decision store writes its files in one batch on flush()', async () => {
    const dir = tempDir();
    const { store, counter } = counting(openConfStore(dir).store);
    const ctx = await createProxyContext({ env: {}, store, dataDir: dir, logger: collectingLogger().logger, writeIntervalMs: 60_000 });
    const afterStart = counter.writes;
    for (let i = 0; i < 200; i++) ctx.record(record(i));
    expect(decisionLines(dir)).toHaveLength(0);
    await ctx.flush();
    expect(decisionLines(dir)).toHaveLength(200);
    expect(counter.writes).toBe(afterStart);
    await ctx.close();
    expect(counter.writes).toBe(afterStart);
  });

  it('writes appended decisions on its own after the interval', async () => {
    const dir = tempDir();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger: collectingLogger().logger, writeIntervalMs: 30 });
    for (let i = 0; i < 50; i++) ctx.record(record(i));
    await vi.waitFor(() => expect(decisionLines(dir)).toHaveLength(50), { timeout: 5_000, interval: 10 });
    await ctx.close();
  });

  it('logs one line per request, without keys', async () => {
    const { logger, lines } = collectingLogger();
    const ctx = await createProxyContext({ env: { ANTHROPIC_API_KEY: 'sk-ant-secret' }, dataDir: tempDir(), logger });
    ctx.record(record(1));
    expect(lines).toEqual(['[r1] ✅ Draft accepted: claude-haiku-4-5, $0.001500 (~67% savings vs claude-sonnet-4-5)']);
    expect(lines.join('\n')).not.toContain('sk-ant-secret');
    await ctx.close();
  });
});
