import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type KeyValueStore, createMemoryStore, openConfStore } from './stores';
import type { Logger } from '../log/logger';
import { defaultRules } from '../rules/defaults';
import { createProxyContext } from '../runtime';
import { SCHEMA_VERSION } from './layout';
import { defaultDataDir } from './paths';
import { loadState } from './persistence';
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

  it('resets only the key that fails its schema, after a backup', async () => {
    const dir = tempDir();
    const rules = defaultRules().slice(0, 1);
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ schemaVersion: SCHEMA_VERSION, settings: { ...DEFAULT_SETTINGS, port: 'eighty' }, rules }),
    );
    const { logger } = collecting();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    const [warning] = (await ctx.control.getStatus()).warnings!;
    expect(warning).toContain('settings reset (port:');
    expect(warning).toContain('backed up to');
    expect(await ctx.control.getRules()).toEqual(rules);
    expect(ctx.config.port).toBe(8000);
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
    expect(state.warnings[0]).toContain('rules reset');
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
