// IPC handlers against the real control API: a fake ipcMain records the
// registered handlers and invokes them the way Electron does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BridgeMethod, DesktopApi } from '../../contracts/desktop';
import type { ProxyContext } from '../../proxy/context';
import { createProxyContext } from '../../proxy/runtime';
import { createMemorySecretStore, createMemoryStore } from '../../proxy/state/stores';
import { APP_ENTRY_URL, isTrustedAppUrl } from '../window/app-protocol';
import { invokeChannels, invokeMethods } from '../../contracts/ipc';
import { bridgeHandlers, registerIpcHandlers, type IpcMainLike, type InvokeEvent } from './handlers';

type Listener = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

const claudeState = { settingsPath: '/h/.claude/settings.json', configured: false, baseUrl: null, error: null };
function fakeDesktop(): DesktopApi {
  return {
    getClaudeCodeState: vi.fn(async () => claudeState),
    configureClaudeCode: vi.fn(async () => ({ ...claudeState, configured: true })),
    removeClaudeCode: vi.fn(async () => claudeState),
    copyBaseUrl: vi.fn(async () => 'http://127.0.0.1:8000'),
    setStartAtLogin: vi.fn(async () => {
      throw new Error('not used here');
    }),
    startDemo: vi.fn(async () => ({ baseUrl: 'http://127.0.0.1:8123', dashboardUrl: 'http://127.0.0.1:8123/dashboard/', opened: true })),
    stopDemo: vi.fn(async () => null),
  };
}

const fromApp: InvokeEvent = { senderFrame: { url: APP_ENTRY_URL } };
const quiet = { info: () => undefined, warn: () => undefined };

let dataDir: string;
let ctx: ProxyContext;
let desktop: DesktopApi;
let handlers: Map<string, Listener>;
let unregister: () => void;

function call(method: BridgeMethod, event: InvokeEvent, ...args: unknown[]): Promise<unknown> {
  return handlers.get(invokeChannels[method])!(event, ...args);
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cf-ipc-'));
  ctx = await createProxyContext({
    env: {},
    store: createMemoryStore(),
    secrets: createMemorySecretStore(),
    dataDir,
    logger: quiet,
  });
  desktop = fakeDesktop();
  const fake = fakeIpcMain();
  handlers = fake.handlers;
  unregister = registerIpcHandlers(fake.ipcMain, bridgeHandlers(ctx.control, desktop), isTrustedAppUrl);
});

afterEach(async () => {
  await ctx.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('IPC handlers', () => {
  it('registers one handler per channel, with distinct channel names, and removes them all', () => {
    expect([...handlers.keys()].sort()).toEqual(Object.values(invokeChannels).sort());
    expect(new Set(Object.values(invokeChannels)).size).toBe(invokeMethods.length);
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('refuses calls from any frame but the app’s own renderer, before doing anything', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/index.html', 'app://other/index.html']) {
      await expect(call('configureClaudeCode', { senderFrame: { url } })).rejects.toThrow(/untrusted frame/);
    }
    await expect(call('getSettings', { senderFrame: null })).rejects.toThrow(/untrusted frame \(unknown\)/);
    expect(desktop.configureClaudeCode).not.toHaveBeenCalled();
  });

  it('validates every payload against its channel schema', async () => {
    await expect(call('updateSettings', fromApp, { port: 'eighty' })).rejects.toThrow(/updateSettings: invalid request at 0.port/);
    await expect(call('updateSettings', fromApp, { port: 8001, evil: true })).rejects.toThrow(/invalid request/);
    await expect(call('saveRules', fromApp, [{ id: 'x' }])).rejects.toThrow(/saveRules: invalid request/);
    await expect(call('setStartAtLogin', fromApp, 'yes')).rejects.toThrow(/invalid request/);
    await expect(call('setApiKey', fromApp, 42)).rejects.toThrow(/invalid request/);
    await expect(call('getStatus', fromApp, 'extra')).rejects.toThrow(/invalid request/);
    await expect(call('getDecisions', fromApp, { limit: -1 })).rejects.toThrow(/invalid request/);
    expect(desktop.setStartAtLogin).not.toHaveBeenCalled();
  });

  it('wires every channel to the control API or the desktop actions', async () => {
    expect(await call('getStatus', fromApp)).toMatchObject({ state: expect.any(String) });
    expect(await call('getStats', fromApp)).toHaveProperty('today');
    expect(await call('getDecisions', fromApp)).toEqual([]);
    expect(await call('getDecisions', fromApp, { limit: 5, decision: 'accepted' })).toEqual([]);

    const rules = (await call('getRules', fromApp)) as Array<{ id: string; threshold: number }>;
    expect(rules.length).toBeGreaterThan(0);
    const changed = rules.map((r, i) => (i === 0 ? { ...r, threshold: 0.85 } : r));
    expect(await call('saveRules', fromApp, changed)).toEqual(changed);
    expect((await ctx.control.getRules())[0].threshold).toBe(0.85);

    expect(await call('updateSettings', fromApp, { paused: true })).toMatchObject({ paused: true });
    expect(await call('getSettings', fromApp)).toMatchObject({ paused: true, apiKeySet: false });

    expect(await call('getClaudeCodeState', fromApp)).toEqual(claudeState);
    expect(await call('configureClaudeCode', fromApp)).toMatchObject({ configured: true });
    expect(await call('removeClaudeCode', fromApp)).toEqual(claudeState);
    expect(await call('copyBaseUrl', fromApp)).toBe('http://127.0.0.1:8000');
    await expect(call('setStartAtLogin', fromApp, true)).rejects.toThrow('not used here');
    expect(desktop.setStartAtLogin).toHaveBeenCalledWith(true);
    expect(await call('startDemo', fromApp)).toMatchObject({ dashboardUrl: 'http://127.0.0.1:8123/dashboard/' });
    expect(await call('stopDemo', fromApp)).toBeNull();
    await expect(call('startDemo', fromApp, 'extra')).rejects.toThrow(/invalid request/);
  });

  it('stores the API key write-only: no response carries it', async () => {
    const key = 'sk-ant-api03-never-returned';
    const settings = await call('setApiKey', fromApp, key);
    expect(settings).toMatchObject({ apiKeySet: true });
    expect(JSON.stringify(settings)).not.toContain('never-returned');
    expect(JSON.stringify(await call('getSettings', fromApp))).not.toContain('never-returned');
    expect(ctx.fallbackApiKey()).toBe(key);
    expect(await call('setApiKey', fromApp, null)).toMatchObject({ apiKeySet: false });
  });
});
