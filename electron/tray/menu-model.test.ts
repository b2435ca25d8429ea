import { describe, expect, it } from 'vitest';
import type { ClaudeCodeState } from '../../contracts/desktop';
import type { ProxyStatus } from '../../contracts/status';
import type { RuleWarning } from '../../contracts/rule-checks';
import { rule, status, totals } from '../../test/fixtures/contracts';
import { buildTrayMenu, formatUsd, trayIconFile, trayIconState, trayTooltip, type TrayMenuItem, type TrayState } from './menu-model';

const running: ProxyStatus = status();
const notConfigured: ClaudeCodeState = {
  settingsPath: '/home/u/.claude/settings.json',
  configured: false,
  baseUrl: null,
  error: null,
};
const today = totals({ queries: 12, savings: 1.2345 });

function state(patch: Partial<TrayState> = {}): TrayState {
  return { status: running, today, rules: [rule()], claudeCode: notConfigured, startAtLogin: false, ...patch };
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
      'Reset statistics…',
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

  it('lists each rule warning with the model it is about, live from the status', () => {
    const opus = rule({ id: 'opus', match: 'claude-opus-4*', draftModel: 'claude-haiku-4.5', verifierModel: 'claude-opus-4.1' });
    const warnings: RuleWarning[] = [
      { ruleId: 'opus', kind: 'model_not_found', field: 'draftModel', message: 'The upstream answered the last 3 draft calls …' },
      { ruleId: 'opus', kind: 'unknown_model', field: 'verifierModel', message: 'Unknown verifier model: …', suggestion: 'claude-opus-4-1' },
      { ruleId: 'sonnet', kind: 'threshold_unreachable', field: 'threshold', message: 'No recent draft reaches 0.95 …' },
    ];
    const menu = buildTrayMenu(state({ status: { ...running, ruleWarnings: warnings }, rules: [opus, rule()] }));
    expect(labels(menu).slice(1, 5)).toEqual([
      '⚠ Rule opus: draft model not found (claude-haiku-4.5)',
      '⚠ Rule opus: unknown verifier model (claude-opus-4.1): did you mean claude-opus-4-1?',
      '⚠ Rule sonnet: no recent draft reaches its threshold',
      'Today: $1.23 saved · 12 requests',
    ]);
    // More than three: two lines and a count, so the menu keeps its size.
    const many = [...warnings, { ...warnings[2], ruleId: 'other' }];
    expect(labels(buildTrayMenu(state({ status: { ...running, ruleWarnings: many }, rules: [opus, rule()] }))).slice(1, 4)).toEqual([
      '⚠ Rule opus: draft model not found (claude-haiku-4.5)',
      '⚠ Rule opus: unknown verifier model (claude-opus-4.1): did you mean claude-opus-4-1?',
      '⚠ 2 more rule warnings in the dashboard',
    ]);
  });

  it('offers resetting statistics', () => {
    expect(action(buildTrayMenu(state()), 'Reset statistics…')).toMatchObject({ action: 'reset-stats', enabled: true });
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
    expect(labels(buildTrayMenu(state({ today: totals({ queries: 1, savings: -0.03 }) })))[1]).toBe(
      'Today: -$0.03 saved · 1 request',
    );
    expect(labels(buildTrayMenu(state({ today: null })))[1]).toBe('Today: no data yet');
  });

  it('adds the draft acceptance rate (accepted over drafted requests) once anything was drafted', () => {
    const today = totals({ queries: 5, unpricedQueries: 0, savings: 0.02, accepted: 2, escalated: 1, draftErrors: 0 });
    expect(labels(buildTrayMenu(state({ today })))[1]).toBe('Today: $0.02 saved · 5 requests · 67 % draft acceptance');
  });

  it('says savings are unknown when no request had a known price, never $0', () => {
    const unpriced = totals({ queries: 2, unpricedQueries: 2, savings: 0 });
    expect(labels(buildTrayMenu(state({ today: unpriced })))[1]).toBe('Today: savings unknown · 2 requests');
    const partly = totals({ queries: 3, unpricedQueries: 1, savings: 0.01 });
    expect(labels(buildTrayMenu(state({ today: partly })))[1]).toBe('Today: $0.01 saved · 3 requests (1 without a known price)');
  });

  it('says first when the upstream does not answer, with why, shortened; nothing while unknown or reachable', () => {
    const refused = { reachable: false, lastSuccessAt: null, lastError: { at: 1, message: 'connect ECONNREFUSED 127.0.0.1:9' }, unreachableSince: 1 };
    const menu = buildTrayMenu(state({ status: { ...running, upstream: refused, warnings: ['Store repaired'] } }));
    expect(labels(menu).slice(0, 3)).toEqual(['Proxy running on http://127.0.0.1:8000', '⚠ Upstream unreachable: connect ECONNREFUSED 127.0.0.1:9', '⚠ Store repaired']);
    expect(menu[1].kind).toBe('info');

    const long = buildTrayMenu(state({ status: { ...running, upstream: { ...refused, lastError: { at: 1, message: `getaddrinfo ENOTFOUND ${'x'.repeat(200)}` } } } }));
    expect(labels(long)[1]).toHaveLength(90);
    expect(labels(long)[1]).toMatch(/^⚠ Upstream unreachable: getaddrinfo ENOTFOUND x+…$/);

    for (const reachable of [null, true]) {
      const ok = buildTrayMenu(state({ status: { ...running, upstream: { ...refused, reachable } } }));
      expect(labels(ok).join('\n')).not.toContain('Upstream');
    }
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

  it('shows the error icon, and says why, while the upstream is unreachable, paused or not', () => {
    const upstream = (reachable: boolean | null) => ({ reachable, lastSuccessAt: null, lastError: { at: 1, message: 'connect ECONNREFUSED' }, unreachableSince: null });
    expect(trayIconState({ ...running, upstream: upstream(false) })).toBe('error');
    expect(trayIconState({ ...running, paused: true, upstream: upstream(false) })).toBe('error');
    expect(trayTooltip({ ...running, upstream: upstream(false) })).toBe('CascadeFlow: Proxy running on http://127.0.0.1:8000 · upstream unreachable');
    expect(trayIconState({ ...running, upstream: upstream(null) })).toBe('running');
    expect(trayIconState({ ...running, paused: true, upstream: upstream(true) })).toBe('paused');
    expect(trayTooltip({ ...running, upstream: upstream(true) })).toBe('CascadeFlow: Proxy running on http://127.0.0.1:8000');
  });

  it('uses template images on macOS and coloured ones elsewhere', () => {
    expect(trayIconFile('paused', 'darwin')).toBe('tray-pausedTemplate.png');
    expect(trayIconFile('error', 'win32')).toBe('tray-error.png');
    expect(trayIconFile('running', 'linux')).toBe('tray-running.png');
  });
});
