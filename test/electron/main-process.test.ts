// The bundled main process running in Node against a fake of the Electron runtime
// (test/electron/fake-electron): everything else is real — the proxy server on loopback,
// electron-store on disk, the Claude Code settings file in a temporary HOME. Checks the
// wiring the unit tests cannot see. It is built into a temporary copy of the packaged
// layout (package.json, dist/electron, dist/renderer, node_modules), never the repo's dist/.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, occupyPort } from './ports';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventsChannel, invokeChannels } from '../../contracts/ipc';
import { buildElectron } from '../../electron/tools/build';
import { RESET_STATS_CONFIRMATION } from '../../electron/tray/tray-controller';
import { DECISIONS_FILE } from '../../proxy/store/file-store';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP_URL = 'app://dashboard/index.html';

interface Snapshot {
  schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  channels: string[];
  windows: Array<{ options: any; url: string; visible: boolean; sent: Array<{ channel: string; payload: any[] }> }>;
  tray: { image: string; imageExists: boolean; tooltip: string; menu: Array<{ label?: string; type?: string; checked?: boolean }> } | null;
  notifications: Array<{ title: string; body: string }>;
  dialogs: string[];
  opened: string[];
  clipboard: string;
  dockHidden: boolean;
  permissionHandler: boolean;
  userData: string;
}

class MainProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly exited: Promise<number | null>;
  output = '';

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
    child.stdout?.on('data', (d) => (this.output += d));
    child.stderr?.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  send<T>(command: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, ...command });
    });
  }

  state = () => this.send<Snapshot>({ cmd: 'state' });
  invoke = <T>(channel: string, args: unknown[] = [], url: string | null = APP_URL) =>
    this.send<T>({ cmd: 'invoke', channel, args, url });
  click = (label: string) => this.send({ cmd: 'click', label });

  async until(predicate: (s: Snapshot) => boolean, what: string): Promise<Snapshot> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const snapshot = await this.state();
      if (predicate(snapshot)) return snapshot;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(snapshot.tray)}\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async quit(): Promise<number | null> {
    await this.send({ cmd: 'quit' });
    return this.exited;
  }
}

let app: string;
let home: string;
let dataDir: string;
let port: number;
const running: MainProcess[] = [];

function launch(env: Record<string, string> = {}): MainProcess {
  const child = fork(path.join(app, 'dist/electron/main.js'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--import', path.join(ROOT, 'test/electron/fake-electron/register.ts')],
    env: {
      PATH: process.env.PATH,
      HOME: home,
      CASCADEFLOW_DATA_DIR: dataDir,
      PORT: String(port),
      CASCADEFLOW_UPSTREAM_URL: 'http://127.0.0.1:9',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const main = new MainProcess(child);
  running.push(main);
  return main;
}

const labels = (s: Snapshot) => (s.tray?.menu ?? []).map((i) => i.label ?? '---');
const isRunning = (s: Snapshot) => labels(s)[0] === `Proxy running on http://127.0.0.1:${port}`;

beforeAll(async () => {
  app = await mkdtemp(path.join(tmpdir(), 'cf-main-app-'));
  await copyFile(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  await mkdir(path.join(app, 'dist/renderer'), { recursive: true });
  await writeFile(path.join(app, 'dist/renderer/index.html'), '<!doctype html><title>dashboard</title>');
  await buildElectron(path.join(app, 'dist/electron'), app);
  home = await mkdtemp(path.join(tmpdir(), 'cf-main-home-'));
  dataDir = await mkdtemp(path.join(tmpdir(), 'cf-main-data-'));
  port = await freePort();
}, 60_000);

afterEach(async () => {
  for (const main of running.splice(0)) {
    if (main.child.exitCode === null) main.child.kill();
  }
});

afterAll(async () => {
  await rm(app, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('main process (bundled, on a fake Electron runtime)', () => {
  it('first run: starts the proxy, shows the tray and a locked-down dashboard window, wires IPC', async () => {
    const main = launch();
    // The first-run window opens once start-up is complete, after the proxy runs.
    const state = await main.until((s) => isRunning(s) && s.windows.length > 0, 'the proxy to run and the first-run window');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    expect(state.userData).toBe(dataDir);
    expect(state.dockHidden).toBe(true);
    expect(state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(state.channels.sort()).toEqual(Object.values(invokeChannels).sort());

    expect(state.tray).toMatchObject({ imageExists: true, tooltip: `CascadeFlow: Proxy running on http://127.0.0.1:${port}` });
    expect(path.basename(state.tray!.image)).toBe(process.platform === 'darwin' ? 'tray-runningTemplate.png' : 'tray-running.png');
    expect(labels(state)).toEqual([
      `Proxy running on http://127.0.0.1:${port}`,
      'Today: $0.00 saved · 0 requests',
      '---',
      'Copy base URL',
      'Configure Claude Code…',
      'Pause cascade',
      '---',
      'Open dashboard',
      'Reset statistics…',
      'Start at login',
      '---',
      'Quit',
    ]);

    // First run only: the dashboard opens by itself.
    expect(state.windows).toHaveLength(1);
    const [window] = state.windows;
    expect(window.url).toBe(APP_URL);
    expect(window.visible).toBe(true);
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(existsSync(window.options.webPreferences.preload)).toBe(true);
    expect(window.options.webPreferences.preload).toBe(path.join(app, 'dist/electron/preload.cjs'));

    // Security: navigation, new windows, permissions, untrusted senders.
    expect(await main.send({ cmd: 'navigate', url: 'https://evil.example/' })).toEqual({ prevented: true });
    expect(await main.send({ cmd: 'windowOpen', url: 'https://evil.example/' })).toEqual([{ action: 'deny' }]);
    expect(await main.send({ cmd: 'windowOpen', url: 'https://docs.anthropic.com/en/docs/claude-code' })).toEqual([{ action: 'deny' }]);
    expect(await main.send({ cmd: 'permission' })).toBe(false);
    expect((await main.state()).opened).toEqual(['https://docs.anthropic.com/en/docs/claude-code']);
    await expect(main.invoke(invokeChannels.getSettings, [], 'https://evil.example/')).rejects.toThrow(/untrusted frame/);

    // The dashboard bundle is served with the CSP.
    const served = await main.send<{ status: number; headers: Record<string, string> }>({ cmd: 'fetch', url: APP_URL });
    expect(served.status).toBe(200);
    expect(served.headers['content-security-policy']).toContain("script-src 'self'");

    // Pause from the tray: settings, icon and live events to the window follow.
    await main.click('Pause cascade');
    const paused = await main.until((s) => s.tray?.image.includes('tray-paused') ?? false, 'the paused icon');
    expect(paused.tray!.menu.find((i) => i.label === 'Pause cascade')?.checked).toBe(true);
    expect(await main.invoke(invokeChannels.getSettings)).toMatchObject({ paused: true, apiKeyStorage: 'basic_text' });
    const pushed = paused.windows[0].sent.filter((m) => m.channel === eventsChannel).flatMap((m) => m.payload);
    expect(pushed.some((e) => e.type === 'settings' && e.settings.paused === true)).toBe(true);

    // Claude Code from the tray: file written in HOME, check mark follows.
    await main.click('Configure Claude Code…');
    const configured = await main.until((s) => labels(s).includes('Remove from Claude Code'), 'the Claude Code check mark');
    expect(configured.tray!.menu.find((i) => i.label === 'Remove from Claude Code')?.checked).toBe(true);
    const claude = JSON.parse(await readFile(path.join(home, '.claude', 'settings.json'), 'utf8'));
    expect(claude).toEqual({ env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` } });

    // Copy base URL confirms.
    await main.click('Copy base URL');
    const copied = await main.until((s) => s.clipboard !== '', 'the clipboard');
    expect(copied.clipboard).toBe(`http://127.0.0.1:${port}`);
    expect(copied.notifications).toContainEqual({ title: 'Base URL copied', body: `http://127.0.0.1:${port}` });

    // Reset statistics asks first; cancelled, nothing is forgotten.
    await main.click('Reset statistics…');
    const asked = await main.until((s) => s.dialogs.includes(RESET_STATS_CONFIRMATION.message), 'the reset confirmation');
    expect(asked.dialogs).toContain(RESET_STATS_CONFIRMATION.message);

    // The API key is stored encrypted and never sent back.
    const key = 'sk-ant-api03-e2e-secret';
    const afterKey = await main.invoke<Record<string, unknown>>(invokeChannels.setApiKey, [key]);
    expect(afterKey.apiKeySet).toBe(true);
    expect(JSON.stringify(afterKey)).not.toContain('e2e-secret');

    // Persist the port too (same value as PORT, so allowed): the last test runs without PORT.
    await main.invoke(invokeChannels.updateSettings, [{ port }]);

    // A rule edit over IPC.
    const rules = await main.invoke<Array<{ threshold: number }>>(invokeChannels.getRules);
    await main.invoke(invokeChannels.saveRules, [rules.map((r, i) => (i === 0 ? { ...r, threshold: 0.91 } : r))]);

    expect(await main.quit()).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();

    const stored = await readFile(path.join(dataDir, 'config.json'), 'utf8');
    expect(stored).not.toContain('e2e-secret');
    const data = JSON.parse(stored);
    expect(typeof data.encryptedApiKey).toBe('string');
    expect(data.firstRunCompleted).toBe(true);
    expect(data.claudeCodeAddition).toMatchObject({ addedBaseUrl: `http://127.0.0.1:${port}` });
  });

  it('later runs: no window until asked, state persisted, second launch shows the dashboard', async () => {
    const main = launch();
    // The Claude Code check mark follows its own read of settings.json: wait for both, not for one then the other.
    const state = await main.until(
      (s) => (s.tray?.image.includes('tray-paused') ?? false) && labels(s).includes('Remove from Claude Code'),
      'the persisted pause and the Claude Code check mark',
    );
    expect(state.windows).toHaveLength(0);
    expect((await main.invoke<Array<{ threshold: number }>>(invokeChannels.getRules))[0].threshold).toBe(0.91);
    expect(await main.invoke(invokeChannels.getSettings)).toMatchObject({ apiKeySet: true, paused: true });

    await main.send({ cmd: 'secondInstance' });
    const shown = await main.until((s) => s.windows.length === 1 && s.windows[0].visible, 'the window');
    expect(shown.windows[0].url).toBe(APP_URL);

    // A request (its upstream is unreachable) is recorded; batched writes are flushed when
    // SIGTERM quits through the same path as the tray's Quit.
    const response = await fetch(`http://127.0.0.1:${port}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const before = await main.invoke<Array<{ id: string }>>(invokeChannels.getDecisions);
    expect(before).toHaveLength(1);
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    const stored = (await readFile(path.join(dataDir, DECISIONS_FILE), 'utf8')).trim().split('\n');
    expect(stored.map((line) => (JSON.parse(line) as { id: string }).id)).toContain(before[0].id);

    // Reset statistics over IPC (the Settings button's path): a restart brings nothing back,
    // while rules, settings and the key stay in electron-store.
    const again = launch();
    await again.until(isRunning, 'the proxy');
    expect(await again.invoke<Array<unknown>>(invokeChannels.getDecisions)).not.toHaveLength(0);
    const reset = await again.invoke<{ allTime: { queries: number } }>(invokeChannels.resetStats);
    expect(reset.allTime.queries).toBe(0);
    expect(await again.quit()).toBe(0);
    const afterReset = launch();
    await afterReset.until(isRunning, 'the proxy');
    expect((await afterReset.invoke<{ allTime: { queries: number } }>(invokeChannels.getStats)).allTime.queries).toBe(0);
    expect(await afterReset.invoke(invokeChannels.getDecisions)).toEqual([]);
    expect((await afterReset.invoke<Array<{ threshold: number }>>(invokeChannels.getRules))[0].threshold).toBe(0.91);
    expect(await afterReset.invoke(invokeChannels.getSettings)).toMatchObject({ apiKeySet: true, paused: true });
    expect(await afterReset.quit()).toBe(0);
  });

  it('shows the error when the port is taken, and moves Claude Code along with a port change', async () => {
    const blocker: Server = await occupyPort(port);
    try {
      const main = launch({ PORT: '' });
      const state = await main.until((s) => labels(s)[0]?.startsWith('Proxy error') ?? false, 'the port error');
      expect(labels(state).slice(0, 2)).toEqual([`Proxy error: Port ${port} on 127.0.0.1 is already in use`, 'Retry starting proxy']);
      expect(path.basename(state.tray!.image)).toMatch(/^tray-error/);
      expect(state.notifications.some((n) => n.body.includes('already in use'))).toBe(true);

      const newPort = await freePort();
      await main.invoke(invokeChannels.updateSettings, [{ port: newPort }]);
      await main.until((s) => labels(s)[0] === `Proxy running on http://127.0.0.1:${newPort}`, 'the restart');
      // The settings file follows the restart (written once the proxy runs), so wait for it.
      await vi.waitFor(
        async () => {
          const claude = JSON.parse(await readFile(path.join(home, '.claude', 'settings.json'), 'utf8'));
          expect(claude.env.ANTHROPIC_BASE_URL).toBe(`http://127.0.0.1:${newPort}`);
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(await main.quit()).toBe(0);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a Claude Code settings file it cannot update is reported as such, not as a proxy failure', async () => {
    // The backup cannot be written where a folder stands in its way.
    const settingsFile = path.join(home, '.claude', 'settings.json');
    await rm(settingsFile + '.cascadeflow-backup', { force: true });
    await mkdir(settingsFile + '.cascadeflow-backup');
    const newPort = await freePort();
    const main = launch({ PORT: String(newPort) });
    const state = await main.until((s) => s.notifications.length > 0, 'a notification');
    expect(labels(state)[0]).toBe(`Proxy running on http://127.0.0.1:${newPort}`);
    expect(state.notifications.map((n) => n.title)).toEqual(['Claude Code settings not updated']);
    expect(await main.quit()).toBe(0);
  });
  it('"Try a demo" runs a second proxy on temporary data, opens its dashboard in the browser, and leaves nothing after quit', async () => {
    const demoTmp = await mkdtemp(path.join(tmpdir(), 'cf-main-demo-'));
    try {
      const main = launch({ TMPDIR: demoTmp });
      await main.until(isRunning, 'the proxy');
      const own = await main.invoke<{ allTime: { queries: number } }>(invokeChannels.getStats);
      const session = await main.invoke<{ baseUrl: string; dashboardUrl: string; opened: boolean }>(invokeChannels.startDemo);
      expect(session).toMatchObject({ opened: true, dashboardUrl: `${session.baseUrl}/dashboard/` });
      expect(session.baseUrl).not.toBe(`http://127.0.0.1:${port}`);
      expect((await main.state()).opened).toContain(session.dashboardUrl);
      // The simulator and the scripted traffic are in the bundle: the demo's proxy saves money...
      await vi.waitFor(
        async () => expect(((await (await fetch(`${session.baseUrl}/stats`)).json()) as { total_savings: number }).total_savings).toBeGreaterThan(0),
        { timeout: 10_000, interval: 50 },
      );
      expect((await fetch(session.dashboardUrl)).status).toBe(200);
      // ...on its own temporary folder, while the app's proxy and data are untouched.
      expect((await main.invoke<{ allTime: { queries: number } }>(invokeChannels.getStats)).allTime.queries).toBe(own.allTime.queries);
      // (tsx, which runs this fake Electron, keeps its own cache there too.)
      const demoFolders = () => readdirSync(demoTmp).filter((name) => name.startsWith('cascadeflow-demo-'));
      expect(demoFolders()).toHaveLength(1);
      expect(await main.quit()).toBe(0);
      await expect(fetch(`${session.baseUrl}/health`)).rejects.toThrow();
      expect(demoFolders()).toEqual([]);
    } finally {
      await rm(demoTmp, { recursive: true, force: true });
    }
  });
});
