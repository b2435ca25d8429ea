import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProxyContext } from '../../proxy/runtime';
import { createMemoryStore } from '../../proxy/state/stores';
import { autostartEntry, autostartPath, createLoginItem, followStartAtLogin, type LoginItemApp } from './login-item';

let home: string;
beforeEach(async () => void (home = await mkdtemp(path.join(tmpdir(), 'cf-login-'))));
afterEach(async () => rm(home, { recursive: true, force: true }));

function fakeApp(): LoginItemApp & { openAtLogin: boolean } {
  const app = {
    openAtLogin: false,
    getLoginItemSettings: () => ({ openAtLogin: app.openAtLogin }),
    setLoginItemSettings: (s: { openAtLogin: boolean }) => void (app.openAtLogin = s.openAtLogin),
  };
  return app;
}

describe('start at login', () => {
  it('uses Electron’s login item on macOS and Windows', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const app = fakeApp();
      const item = createLoginItem({ platform, app, homeDir: home, env: {}, command: ['/x'] });
      await item.setEnabled(true);
      expect(app.openAtLogin).toBe(true);
      expect(await item.isEnabled()).toBe(true);
      await item.setEnabled(false);
      expect(await item.isEnabled()).toBe(false);
    }
  });

  it('writes and removes an XDG autostart entry on Linux', async () => {
    const app = fakeApp();
    const command = ['/opt/CascadeFlow Tray/cascadeflow-tray'];
    const item = createLoginItem({ platform: 'linux', app, homeDir: home, env: {}, command });
    const file = autostartPath(home, {});
    expect(file).toBe(path.join(home, '.config', 'autostart', 'cascadeflow-tray.desktop'));
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    expect(await readFile(file, 'utf8')).toContain('Exec="/opt/CascadeFlow Tray/cascadeflow-tray"\n');
    expect(await item.isEnabled()).toBe(true);
    expect(app.openAtLogin).toBe(false);
    await item.setEnabled(false);
    await expect(stat(file)).rejects.toThrow();
    expect(await item.isEnabled()).toBe(false);
  });

  it('honours XDG_CONFIG_HOME and quotes Exec arguments per the spec', () => {
    expect(autostartPath(home, { XDG_CONFIG_HOME: '/cfg' })).toBe(path.join('/cfg', 'autostart', 'cascadeflow-tray.desktop'));
    expect(autostartEntry(['/usr/bin/electron', '/home/u/my app', 'a"$b'])).toContain(
      'Exec=/usr/bin/electron "/home/u/my app" "a\\"\\$b"\n',
    );
  });
});

describe('start at login follows the setting', () => {
  it('applies the setting at start and on every change, from any UI', async () => {
    const ctx = await createProxyContext({
      env: {},
      store: createMemoryStore({}),
      dataDir: home,
      logger: { info: () => undefined, warn: () => undefined },
    });
    await ctx.control.updateSettings({ startAtLogin: true });
    const app = fakeApp();
    const item = createLoginItem({ platform: 'darwin', app, homeDir: home, env: {}, command: ['/x'] });
    const errors: string[] = [];
    const stop = await followStartAtLogin(ctx.control, item, (m) => void errors.push(m));
    expect(app.openAtLogin).toBe(true);

    // e.g. the web dashboard turning it off over HTTP.
    await ctx.control.updateSettings({ startAtLogin: false });
    await vi.waitFor(() => expect(app.openAtLogin).toBe(false));

    app.setLoginItemSettings = () => {
      throw new Error('not allowed');
    };
    await ctx.control.updateSettings({ startAtLogin: true });
    await vi.waitFor(() => expect(errors).toEqual(['Could not enable start at login: not allowed']));
    stop();
    await ctx.close();
  });

  it('points an enabled autostart entry at the app as it is now (an updated AppImage has a new name)', async () => {
    const ctx = await createProxyContext({
      env: {},
      store: createMemoryStore({}),
      dataDir: home,
      logger: { info: () => undefined, warn: () => undefined },
    });
    await ctx.control.updateSettings({ startAtLogin: true });
    const old = createLoginItem({ platform: 'linux', app: fakeApp(), homeDir: home, env: {}, command: ['/apps/CascadeFlow-0.1.0.AppImage'] });
    await old.setEnabled(true);
    const current = createLoginItem({ platform: 'linux', app: fakeApp(), homeDir: home, env: {}, command: ['/apps/CascadeFlow-0.2.0.AppImage'] });
    const stop = await followStartAtLogin(ctx.control, current, () => undefined);
    expect(await readFile(autostartPath(home, {}), 'utf8')).toBe(autostartEntry(['/apps/CascadeFlow-0.2.0.AppImage']));
    stop();
    await ctx.close();
  });
});
