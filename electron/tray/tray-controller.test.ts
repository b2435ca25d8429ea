// The tray's actions end to end in Node: real control API, real Claude Code
// settings file in a temporary HOME, fake clipboard, login item and notifications.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProxyContext } from '../../proxy/context';
import { createProxyContext } from '../../proxy/runtime';
import { createMemoryStore } from '../../proxy/state/stores';
import { ClaudeCodeSettingsFile, claudeSettingsPath, type ClaudeCodeAddition } from '../claude-code/settings-file';
import { createDesktopApi } from '../desktop-api';
import type { TrayMenuItem, TrayState } from './menu-model';
import { RESET_STATS_CONFIRMATION, TrayController, type Confirmation } from './tray-controller';
import { decisionRecord, rule } from '../../test/fixtures/contracts';
import type { DesktopApi } from '../../contracts/desktop';

const quiet = { info: () => undefined, warn: () => undefined };

let home: string;
let ctx: ProxyContext;
let controller: TrayController;
let clipboard: string[];
let notes: Array<[string, string]>;
let questions: Confirmation[];
/** What the fake dialog answers. */
let confirmed: boolean;
let rendered: TrayState[];
let renderWaiters: Array<() => void>;
let loginEnabled: boolean;
const openDashboard = vi.fn();
const quit = vi.fn();
const restartProxy = vi.fn(async () => undefined);

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'cf-tray-'));
  ctx = await createProxyContext({ env: {}, store: createMemoryStore(), dataDir: home, logger: quiet });
  ctx.setStatus({ state: 'running', baseUrl: 'http://127.0.0.1:8123', error: null });
  clipboard = [];
  notes = [];
  questions = [];
  confirmed = false;
  rendered = [];
  renderWaiters = [];
  loginEnabled = false;
  let addition: ClaudeCodeAddition | null = null;
  const desktop = createDesktopApi({
    control: ctx.control,
    claudeCode: new ClaudeCodeSettingsFile(claudeSettingsPath(home), {
      get: () => addition,
      set: (value) => void (addition = value),
    }),
    clipboard: { writeText: (text) => void clipboard.push(text) },
    loginItem: {
      isEnabled: async () => loginEnabled,
      setEnabled: async (enabled) => void (loginEnabled = enabled),
    },
    demo: { start: () => Promise.reject(new Error('not used here')), stop: async () => null },
  });
  controller = new TrayController({
    control: ctx.control,
    desktop,
    openDashboard,
    restartProxy,
    quit,
    notify: (title, body) => void notes.push([title, body]),
    confirm: async (question) => {
      questions.push(question);
      return confirmed;
    },
    render: (state) => {
      rendered.push(state);
      renderWaiters.forEach((wake) => wake());
    },
  });
  await controller.init();
});

afterEach(async () => {
  controller.dispose();
  await ctx.close();
  await rm(home, { recursive: true, force: true });
  vi.clearAllMocks();
});

const labels = (items: TrayMenuItem[]) => items.flatMap((i) => (i.kind === 'separator' ? [] : [i.label]));
/** Resolves once the controller has rendered a state that `done` accepts: waits for the live event, not a set time. */
function rendering(done: (state: TrayState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!done(controller.state)) return;
      renderWaiters = renderWaiters.filter((w) => w !== check);
      resolve();
    };
    renderWaiters.push(check);
    check();
  });
}

describe('tray controller', () => {
  it('starts from the control API and the Claude Code file', () => {
    expect(labels(controller.menu()).slice(0, 2)).toEqual(['Proxy running on http://127.0.0.1:8123', 'Today: $0.00 saved · 0 requests']);
    expect(controller.state.claudeCode).toMatchObject({ configured: false, error: null });
    expect(rendered.length).toBeGreaterThan(0);
  });

  it('copies the base URL and confirms', async () => {
    await controller.run('copy-base-url');
    expect(clipboard).toEqual(['http://127.0.0.1:8123']);
    expect(notes).toEqual([['Base URL copied', 'http://127.0.0.1:8123']]);
  });

  it('configures and removes Claude Code, with the check mark following the file', async () => {
    await controller.run('configure-claude-code');
    const file = claudeSettingsPath(home);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:8123' } });
    expect(controller.menu()).toContainEqual(expect.objectContaining({ action: 'remove-claude-code', checked: true }));
    expect(notes.at(-1)?.[0]).toBe('Claude Code configured');

    await controller.run('remove-claude-code');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({});
    expect(controller.menu()).toContainEqual(expect.objectContaining({ action: 'configure-claude-code', checked: false }));

    // A hand edit is picked up on the next refresh.
    await writeFile(file, JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:8123' } }));
    await controller.refreshClaudeCode();
    expect(controller.state.claudeCode?.configured).toBe(true);
  });

  it('says so when the Claude Code file is not valid JSON', async () => {
    const file = claudeSettingsPath(home);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{ nope');
    await controller.run('configure-claude-code');
    expect(notes.at(-1)?.[0]).toBe('Claude Code settings not changed');
    expect(notes.at(-1)?.[1]).toMatch(/not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe('{ nope');
  });

  it('toggles pause through the settings, and the menu follows the live events', async () => {
    await controller.run('toggle-pause');
    expect((await ctx.control.getSettings()).paused).toBe(true);
    await rendering((s) => s.status.paused);
    expect(controller.menu()).toContainEqual(expect.objectContaining({ action: 'toggle-pause', checked: true }));
    await controller.run('toggle-pause');
    expect((await ctx.control.getSettings()).paused).toBe(false);
    await rendering((s) => !s.status.paused);
    expect(controller.menu()).toContainEqual(expect.objectContaining({ action: 'toggle-pause', checked: false }));
  });

  it('toggles start at login in the OS and in the settings', async () => {
    await controller.run('toggle-start-at-login');
    expect(loginEnabled).toBe(true);
    expect((await ctx.control.getSettings()).startAtLogin).toBe(true);
    expect(controller.menu()).toContainEqual(expect.objectContaining({ action: 'toggle-start-at-login', checked: true }));
  });

  it('shows a proxy error from the live status, and retries', async () => {
    ctx.setStatus({ state: 'error', error: 'Port 8123 on 127.0.0.1 is already in use' });
    await rendering((s) => s.status.state === 'error');
    expect(labels(controller.menu())[0]).toBe('Proxy error: Port 8123 on 127.0.0.1 is already in use');
    await controller.run('retry-proxy');
    expect(restartProxy).toHaveBeenCalledOnce();
  });

  it('resets statistics only once the user confirms, keeping the rules; the Today line follows live', async () => {
    const rules = [rule({ threshold: 0.8 })];
    await ctx.control.saveRules(rules);
    ctx.record(decisionRecord());
    ctx.record(decisionRecord());
    await rendering((s) => s.today?.queries === 2);

    await controller.run('reset-stats');
    expect(questions).toEqual([RESET_STATS_CONFIRMATION]);
    expect(RESET_STATS_CONFIRMATION.detail).toMatch(/Rules, settings and the saved API key are kept/);
    expect((await ctx.control.getStats()).allTime.queries).toBe(2);

    confirmed = true;
    await controller.run('reset-stats');
    expect(notes.at(-1)?.[0]).toBe('Statistics reset');
    await rendering((s) => s.today?.queries === 0);
    expect(labels(controller.menu())).toContain('Today: $0.00 saved · 0 requests');
    expect(await ctx.control.getDecisions()).toEqual([]);
    expect(await ctx.control.getRules()).toEqual(rules);
  });

  it('shows a rule warning as soon as a rule with an unknown draft model is saved, and clears it when fixed', async () => {
    await ctx.control.saveRules([rule({ draftModel: 'claude-haiku-4.5' })]);
    await rendering((s) => (s.status.ruleWarnings ?? []).length > 0);
    expect(labels(controller.menu())).toContain('⚠ Rule sonnet: unknown draft model (claude-haiku-4.5)');
    await ctx.control.saveRules([rule()]);
    await rendering((s) => s.status.ruleWarnings?.length === 0);
    expect(labels(controller.menu()).some((label) => label.startsWith('⚠ Rule'))).toBe(false);
  });

  it('opens the dashboard, quits, and reports failures instead of throwing', async () => {
    await controller.run('open-dashboard');
    await controller.run('quit');
    expect(openDashboard).toHaveBeenCalledOnce();
    expect(quit).toHaveBeenCalledOnce();
    restartProxy.mockRejectedValueOnce(new Error('boom'));
    await controller.run('retry-proxy');
    expect(notes.at(-1)).toEqual(['CascadeFlow', 'boom']);
  });
});

describe('under load', () => {
  afterEach(() => vi.useRealTimers());

  it('renders the stats once per throttle interval, never once per request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const before = rendered.length;
    for (let i = 0; i < 50; i++) ctx.record(decisionRecord());
    expect(rendered).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rendered.slice(before).map((state) => state.today?.queries)).toEqual([50]);
  });
});

describe('the Today line', () => {
  afterEach(() => vi.useRealTimers());

  it('starts again at local midnight even when no request arrives', async () => {
    vi.useFakeTimers({ now: new Date(2026, 5, 1, 23, 58), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const night = await createProxyContext({ env: {}, store: createMemoryStore(), dataDir: home, logger: quiet });
    night.record(decisionRecord());
    const desktop = {
      getClaudeCodeState: async () => ({ settingsPath: '/s.json', configured: false, baseUrl: null, error: null }),
    } as unknown as DesktopApi;
    const tray = new TrayController({
      control: night.control,
      desktop,
      openDashboard,
      restartProxy,
      quit,
      notify: () => undefined,
      confirm: async () => false,
      render: () => undefined,
    });
    await tray.init();
    expect(labels(tray.menu())).toContain('Today: $0.0040 saved · 1 request · 100 % draft acceptance');
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(labels(tray.menu())).toContain('Today: $0.00 saved · 0 requests');
    tray.dispose();
    await night.close();
  });
});
