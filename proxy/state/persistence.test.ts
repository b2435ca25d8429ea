import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type KeyValueStore, createMemoryStore, openConfStore } from './stores';
import type { Logger } from '../log/logger';
import { defaultRules } from '../rules/defaults';
import { createProxyContext } from '../runtime';
import { SCHEMA_VERSION } from './layout';
import { defaultDataDir } from './paths';
import { describeDropped, keepValid, loadState } from './persistence';
import { z } from 'zod';
import { openFileDecisionStore, STATS_FILE } from '../store/file-store';
import { decisionRecord } from '../../test/fixtures/contracts';
import { DEFAULT_SETTINGS } from '../../contracts/settings';
import { useTempDirs } from '../../test/temp-dirs';

const tempDir = useTempDirs('cf-persist-');

const backups = (dir: string) => fs.readdirSync(dir).filter((f) => f.includes('.backup-'));

function collecting() {
  const warnings: string[] = [];
  const logger: Logger = { info: () => {}, warn: (l) => warnings.push(l) };
  return { logger, warnings };
}

describe('loading the store', () => {
  it('starts a fresh store with defaults and writes the schema version', () => {
    const store = createMemoryStore();
    const state = loadState(store);
    expect(state.settings).toEqual(DEFAULT_SETTINGS);
    expect(state.rules).toEqual(defaultRules());
    expect(state.warnings).toEqual([]);
    expect(state.repaired).toContain('schemaVersion');
  });

  it('keeps a stored rule list as it is, with a notice when it is the untouched pre-5.x default list', () => {
    const pre5x = defaultRules().filter((r) => ['sonnet-3-5', 'opus-3', 'sonnet-4', 'opus-4'].includes(r.id));
    pre5x[3] = { ...pre5x[3], draftModel: 'claude-sonnet-4-5' };
    const old = loadState(createMemoryStore({ schemaVersion: SCHEMA_VERSION, rules: pre5x }));
    expect(old.rules).toEqual(pre5x);
    expect(old.repaired).not.toContain('rules');
    expect(old.warnings).toHaveLength(1);
    expect(old.warnings[0]).toContain("claude-opus-5-5 (Claude Code's default model)");
    // Edited by the user: theirs, no notice.
    const edited = loadState(createMemoryStore({ schemaVersion: SCHEMA_VERSION, rules: [{ ...pre5x[2], threshold: 0.8 }] }));
    expect(edited.warnings).toEqual([]);
  });

  it('moves a file that is not JSON aside and starts fresh, with a visible warning', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), '{"settings": {"port": 80');
    const { logger, warnings } = collecting();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    const status = await ctx.control.getStatus();
    expect(status.warnings).toHaveLength(1);
    expect(status.warnings![0]).toMatch(/not valid JSON.*moved to .*config\.backup-.*\.json/);
    expect(warnings[0]).toContain('not valid JSON');
    expect(backups(dir)).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, backups(dir)[0]), 'utf8')).toBe('{"settings": {"port": 80');
    expect(ctx.config.port).toBe(8000);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
    await ctx.close();
  });

  it('shows warnings from opening a caller-supplied store in status', async () => {
    const { logger, warnings } = collecting();
    const ctx = await createProxyContext({ env: {}, store: createMemoryStore(), storeWarnings: ['moved aside'], logger });
    expect((await ctx.control.getStatus()).warnings).toEqual(['moved aside']);
    expect(warnings).toEqual(['⚠️  moved aside']);
    await ctx.close();
  });

  it('resets only the field that fails its schema, after a backup', async () => {
    const dir = tempDir();
    const rules = defaultRules().slice(0, 1);
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ schemaVersion: SCHEMA_VERSION, settings: { ...DEFAULT_SETTINGS, port: 'eighty', paused: true }, rules }),
    );
    const { logger } = collecting();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    const [warning] = (await ctx.control.getStatus()).warnings!;
    expect(warning).toContain('settings repaired (reset settings.port; the rest kept) (port:');
    expect(warning).toContain('backed up to');
    expect(await ctx.control.getRules()).toEqual(rules);
    expect(ctx.config.port).toBe(8000);
    expect((await ctx.control.getSettings()).paused).toBe(true);
    expect(backups(dir)).toHaveLength(1);
    await ctx.close();
    // Repaired once: the next start is clean.
    const again = await createProxyContext({ env: {}, dataDir: dir, logger });
    expect((await again.control.getStatus()).warnings).toEqual([]);
    await again.close();
  });

  it('migrates a file from another schema version by keeping what still validates', () => {
    const store = createMemoryStore({
      schemaVersion: 0,
      settings: { ...DEFAULT_SETTINGS, paused: true },
      rules: [{ id: 'old', pattern: 'claude-*', draft: 'claude-haiku-4-5' }],
    });
    const state = loadState(store);
    expect(state.settings.paused).toBe(true);
    expect(state.rules).toEqual(defaultRules());
    expect(state.warnings[0]).toContain('schema version 0');
    expect(state.warnings[0]).toContain('rules reset (');
    expect(state.repaired).toEqual(expect.arrayContaining(['schemaVersion', 'rules']));
  });

  it('backs up a file written by a newer version before touching it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1, settings: { ...DEFAULT_SETTINGS, port: 8111 } }));
    const { logger } = collecting();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    expect((await ctx.control.getStatus()).warnings![0]).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(ctx.config.port).toBe(8111);
    expect(JSON.parse(fs.readFileSync(path.join(dir, backups(dir)[0]), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION + 1);
    await ctx.close();
  });

  it('repairs a stored upstream that points at the proxy itself instead of looping', async () => {
    const store = createMemoryStore({ schemaVersion: SCHEMA_VERSION, settings: { ...DEFAULT_SETTINGS, upstreamUrl: 'http://127.0.0.1:8000' } });
    const { logger } = collecting();
    const ctx = await createProxyContext({ env: {}, store, logger });
    expect(ctx.config.upstreamUrl).toBe('https://api.anthropic.com');
    expect((await ctx.control.getStatus()).warnings![0]).toContain('points at this proxy');
    expect((store.get('settings') as { upstreamUrl: string }).upstreamUrl).toBe('https://api.anthropic.com');
    await ctx.close();
  });

  it('reports a failing write once and keeps the data for the next flush', async () => {
    let failing = true;
    const inner = createMemoryStore();
    const store: KeyValueStore = {
      get: (k) => inner.get(k),
      set: (k, v) => {
        if (failing && k === 'rules') throw new Error('disk full');
        inner.set(k, v);
      },
      delete: (k) => inner.delete(k),
      path: '/readonly/config.json',
    };
    const { logger, warnings } = collecting();
    const ctx = await createProxyContext({ env: {}, store, logger });
    expect(warnings.some((w) => w.includes('Could not save rules') && w.includes('disk full'))).toBe(true);
    expect((await ctx.control.getStatus()).warnings).toHaveLength(1);
    failing = false;
    await ctx.flush();
    expect(inner.get('rules')).toEqual(defaultRules());
    await ctx.close();
  });

  it.each([
    ['null', 'null'],
    ['[{"port":1}]', 'an array'],
    ['"settings"', 'a string'],
    ['42', 'a number'],
  ])('moves a file whose root is %s aside with a visible warning instead of merging it key by key', async (text, what) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), text);
    const { logger, warnings } = collecting();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    const status = await ctx.control.getStatus();
    expect(status.warnings).toEqual([expect.stringMatching(new RegExp(`held ${what} instead of an object; moved to .*config\\.backup-.*\\.json`))]);
    expect(warnings).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, backups(dir)[0]), 'utf8')).toBe(text);
    expect(await ctx.control.getSettings()).toMatchObject(DEFAULT_SETTINGS);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved)).not.toContain('0');
    await ctx.close();
    const again = await createProxyContext({ env: {}, dataDir: dir, logger });
    expect((await again.control.getStatus()).warnings).toEqual([]);
    await again.close();
  });

  it('never writes the API key to the store', async () => {
    const dir = tempDir();
    const { logger } = collecting();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    await ctx.control.setApiKey('sk-ant-never-on-disk');
    await ctx.control.updateSettings({ paused: true });
    await ctx.close();
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).not.toContain('sk-ant-never-on-disk');
  });

  it('keeps conf files owner-only', () => {
    const dir = tempDir();
    const { store } = openConfStore(dir);
    store.set('x', 1);
    expect(fs.statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600);
  });
});

describe('defaultDataDir', () => {
  it('is Electron userData for "CascadeFlow Tray" on each platform', () => {
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.config/CascadeFlow Tray');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/CascadeFlow Tray');
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/CascadeFlow Tray');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\CascadeFlow Tray',
    );
  });
});

describe('keepValid', () => {
  const schema = z.object({
    count: z.number(),
    name: z.string(),
    byKey: z.record(z.string(), z.number()),
    list: z.array(z.number()),
    nested: z.object({ a: z.number(), b: z.number() }).optional(),
  });
  const fallback = { count: 0, name: 'none', byKey: {}, list: [], nested: { a: 0, b: 0 } };

  it('replaces only the invalid parts and names them', () => {
    const dropped: string[] = [];
    const raw = { count: 'seven', name: 'kept', byKey: { x: 1, y: 'two' }, list: [1, null, 3], nested: { a: 5, b: false } };
    expect(keepValid(schema, raw, fallback, dropped)).toEqual({ count: 0, name: 'kept', byKey: { x: 1 }, list: [1, 3], nested: { a: 5, b: 0 } });
    expect(dropped).toEqual(['count', 'byKey.y', 'list.1', 'nested.b']);
    expect(describeDropped(dropped, 'stats')).toBe('repaired (reset stats.count, stats.byKey.y, stats.list.1, stats.nested.b; the rest kept)');
  });

  it('falls back whole for a root that is not an object, and for a list with nothing valid left', () => {
    for (const raw of [null, [], 'text', 3]) {
      const dropped: string[] = [];
      expect(keepValid(schema, raw, fallback, dropped)).toBe(fallback);
      expect(describeDropped(dropped, 'stats')).toBe('reset');
    }
    const dropped: string[] = [];
    expect(keepValid(z.array(z.number()).min(0), ['a', 'b'], [7], dropped)).toEqual([7]);
    expect(dropped).toEqual(['']);
  });

  it('returns a valid value untouched', () => {
    const dropped: string[] = [];
    const raw = { count: 1, name: 'n', byKey: {}, list: [] };
    expect(keepValid(schema, raw, fallback, dropped)).toEqual(raw);
    expect(dropped).toEqual([]);
  });
});

describe('a damaged stats.json', () => {
  it('keeps every valid total when one field has the wrong type, with a warning and a backup', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, onError: () => {} });
    store.append(decisionRecord({ id: 'a', decision: 'accepted', cost: 0.002, baselineCost: 0.006, savings: 0.004 }));
    store.append(decisionRecord({ id: 'b', decision: 'escalated', cost: 0.008, baselineCost: 0.006, savings: -0.002 }));
    await store.close();
    const file = path.join(dir, STATS_FILE);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { stats: { allTime: Record<string, unknown> } };
    saved.stats.allTime.cost = 'lots';
    fs.writeFileSync(file, JSON.stringify(saved));

    const reopened = await openFileDecisionStore({ dataDir: dir, onError: () => {} });
    expect(reopened.warnings).toEqual([
      expect.stringMatching(/stats\.json was damaged .*backed up to .*stats\.backup-.*\.json; totals repaired \(reset stats\.stats\.allTime\.cost; the rest kept\)/),
    ]);
    const { allTime } = await reopened.aggregate();
    // The two records are counted once (lastRecordId kept), only the damaged sum is lost.
    expect(allTime).toMatchObject({ queries: 2, accepted: 1, escalated: 1, cost: 0 });
    expect(allTime.savings).toBeCloseTo(0.002, 12);
    await reopened.close();
    const again = await openFileDecisionStore({ dataDir: dir, onError: () => {} });
    expect(again.warnings).toEqual([]);
    expect((await again.aggregate()).allTime).toMatchObject({ queries: 2, cost: 0 });
    await again.close();
  });

  it('rebuilds from the retained decisions when its root is not an object', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, onError: () => {} });
    store.append(decisionRecord({ id: 'a', decision: 'accepted' }));
    await store.close();
    fs.writeFileSync(path.join(dir, STATS_FILE), '[]');
    const reopened = await openFileDecisionStore({ dataDir: dir, onError: () => {} });
    expect(reopened.warnings).toEqual([expect.stringMatching(/stats\.json was unreadable .*rebuilt from the retained decisions/)]);
    expect((await reopened.aggregate()).allTime.queries).toBe(1);
    await reopened.close();
  });
});
