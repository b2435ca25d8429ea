import { describe, expect, it } from 'vitest';
import type { ClaudeCodeState } from '../../contracts/desktop';
import type { ProxyStatus } from '../../contracts/status';
import type { Totals } from '../../contracts/stats';
import { status } from '../../test/fixtures/contracts';
import { buildTrayMenu, formatUsd, trayIconFile, trayIconState, type TrayMenuItem, type TrayState } from './menu-model';

const running: ProxyStatus = status();
const notConfigured: ClaudeCodeState = {
  settingsPath: '/home/u/.claude/settings.json',
  configured: false,
  baseUrl: null,
  error: null,
};
const today = { queries: 12, savings: 1.2345 } as Totals;

function state(patch: Partial<TrayState> = {}): TrayState {
  return { status: running, today, claudeCode: notConfigured, startAtLogin: false, ...patch };
}

const labels = (items: TrayMenuItem[]) => items.map((i) => (i.kind === 'separator' ? '---' : i.label));
const action = (items: TrayMenuItem[], label: string) => {
  const item = items.find((i) => i.kind === 'action' && i.label === label);
  if (!item || item.kind !== 'action') throw new Error(`no action ${label}`);
  return item;
};

describe('tray menu model', () => {
  it('lists status, today, and every action in order', () => {
    expect(labels(buildTrayMenu(state()))).toEqual([
      'Proxy running on http://127.0.0.1:8000',
      'Today: $1.23 saved · 12 requests',
      '---',
      'Copy base URL',
      'Configure Claude Code…',
      'Pause cascade',
      '---',
      'Open dashboard',
      'Start at login',
      '---',
      'Quit',
    ]);
  });

  it('shows the error and a retry action when the proxy could not start', () => {
    const menu = buildTrayMenu(
      state({ status: { ...running, state: 'error', error: 'Port 8000 on 127.0.0.1 is already in use' } }),
    );
    expect(labels(menu).slice(0, 2)).toEqual(['Proxy error: Port 8000 on 127.0.0.1 is already in use', 'Retry starting proxy']);
    expect(action(menu, 'Retry starting proxy').action).toBe('retry-proxy');
  });

  it('keeps warnings visible, shortened', () => {
    const long = `Stored data in /x/config.json was not valid JSON; moved to /x/config.backup.json and started fresh. ${'x'.repeat(80)}`;
    const menu = buildTrayMenu(state({ status: { ...running, warnings: [long, 'second'] } }));
    const line = labels(menu)[1];
    expect(line.startsWith('⚠ Stored data in /x/config.json was not valid JSON')).toBe(true);
    expect(line).toMatch(/… \(\+1 more in the dashboard\)$/);
    expect(labels(buildTrayMenu(state({ status: { ...running, warnings: [] } })))[1]).toMatch(/^Today/);
  });

  it('checks the Claude Code item when configured and offers removal', () => {
    const menu = buildTrayMenu(state({ claudeCode: { ...notConfigured, configured: true, baseUrl: running.baseUrl } }));
    expect(action(menu, 'Remove from Claude Code')).toMatchObject({ action: 'remove-claude-code', checked: true });
    expect(action(buildTrayMenu(state()), 'Configure Claude Code…')).toMatchObject({
      action: 'configure-claude-code',
      checked: false,
      enabled: true,
    });
  });

  it('reflects pause and start at login as check marks', () => {
    const menu = buildTrayMenu(state({ status: { ...running, paused: true }, startAtLogin: true }));
    expect(action(menu, 'Pause cascade').checked).toBe(true);
    expect(action(menu, 'Start at login').checked).toBe(true);
  });

  it('words today in singular, negative savings and no data yet', () => {
    expect(labels(buildTrayMenu(state({ today: { queries: 1, savings: -0.03 } as Totals })))[1]).toBe(
      'Today: -$0.03 saved · 1 request',
    );
    expect(labels(buildTrayMenu(state({ today: null })))[1]).toBe('Today: no data yet');
  });

  it('says savings are unknown when no request had a known price, never $0', () => {
    const unpriced = { queries: 2, unpricedQueries: 2, savings: 0 } as Totals;
    expect(labels(buildTrayMenu(state({ today: unpriced })))[1]).toBe('Today: savings unknown · 2 requests');
    const partly = { queries: 3, unpricedQueries: 1, savings: 0.01 } as Totals;
    expect(labels(buildTrayMenu(state({ today: partly })))[1]).toBe('Today: $0.01 saved · 3 requests (1 without a known price)');
  });

  it('formats sub-cent amounts visibly', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatUsd(-0.00001)).toBe('$0.0000');
  });
});

describe('tray icon', () => {
  it('follows running, paused and error', () => {
    expect(trayIconState(running)).toBe('running');
    expect(trayIconState({ ...running, paused: true })).toBe('paused');
    expect(trayIconState({ ...running, paused: true, state: 'error' })).toBe('error');
  });

  it('uses template images on macOS and coloured ones elsewhere', () => {
    expect(trayIconFile('paused', 'darwin')).toBe('tray-pausedTemplate.png');
    expect(trayIconFile('error', 'win32')).toBe('tray-error.png');
    expect(trayIconFile('running', 'linux')).toBe('tray-running.png');
  });
});
