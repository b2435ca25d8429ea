// What the tray shows, as plain data: the Electron adapter turns it into a Menu and
// an icon, the e2e test reads it through the test hook, and unit tests check it.
import type { ClaudeCodeState } from '../../contracts/desktop';
import type { ProxyStatus } from '../../contracts/status';
import type { Totals } from '../../contracts/stats';

export interface TrayState {
  status: ProxyStatus;
  /** Totals since local midnight; null until the first stats snapshot. */
  today: Totals | null;
  claudeCode: ClaudeCodeState | null;
  startAtLogin: boolean;
}

export type TrayAction =
  | 'retry-proxy'
  | 'copy-base-url'
  | 'configure-claude-code'
  | 'remove-claude-code'
  | 'toggle-pause'
  | 'open-dashboard'
  | 'toggle-start-at-login'
  | 'quit';

export type TrayMenuItem =
  | { kind: 'info'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean; checked?: boolean };

export type TrayIconState = 'running' | 'paused' | 'error';

export function statusLine(status: ProxyStatus): string {
  switch (status.state) {
    case 'running':
      return `Proxy running on ${status.baseUrl}`;
    case 'starting':
      return `Proxy starting on ${status.baseUrl}…`;
    case 'error':
      return `Proxy error: ${status.error ?? 'unknown problem'}`;
    case 'stopped':
      return 'Proxy stopped';
  }
}

/** Savings may be negative (escalations cost more than the requested model alone). */
export function formatUsd(amount: number): string {
  const abs = Math.abs(amount);
  // Sub-cent amounts are common per day of light use; keep them visible.
  const digits = abs === 0 || abs >= 0.01 ? 2 : 4;
  const text = `$${abs.toFixed(digits)}`;
  return amount < 0 && Number(abs.toFixed(digits)) !== 0 ? `-${text}` : text;
}

/** Unknown prices stay unknown: savings over requests none of which was priced are not $0. */
export function todayLine(today: Totals | null): string {
  if (!today) return 'Today: no data yet';
  const requests = today.queries === 1 ? '1 request' : `${today.queries} requests`;
  if (today.queries > 0 && today.unpricedQueries >= today.queries) return `Today: savings unknown · ${requests}`;
  const unpriced = today.unpricedQueries > 0 ? ` (${today.unpricedQueries} without a known price)` : '';
  return `Today: ${formatUsd(today.savings)} saved · ${requests}${unpriced}`;
}

const MAX_LABEL = 90;

/** Store resets and similar problems stay visible in the tray until the app restarts. */
function warningLines(status: ProxyStatus): TrayMenuItem[] {
  const warnings = status.warnings ?? [];
  if (warnings.length === 0) return [];
  const first = warnings[0].length > MAX_LABEL ? `${warnings[0].slice(0, MAX_LABEL - 1)}…` : warnings[0];
  const more = warnings.length > 1 ? ` (+${warnings.length - 1} more in the dashboard)` : '';
  return [{ kind: 'info', label: `⚠ ${first}${more}` }];
}

export function buildTrayMenu(state: TrayState): TrayMenuItem[] {
  const { status, claudeCode } = state;
  const configured = claudeCode?.configured ?? false;
  const retry: TrayMenuItem[] =
    status.state === 'error' ? [{ kind: 'action', action: 'retry-proxy', label: 'Retry starting proxy', enabled: true }] : [];
  return [
    { kind: 'info', label: statusLine(status) },
    ...retry,
    ...warningLines(status),
    { kind: 'info', label: todayLine(state.today) },
    { kind: 'separator' },
    { kind: 'action', action: 'copy-base-url', label: 'Copy base URL', enabled: status.baseUrl !== '' },
    configured
      ? { kind: 'action', action: 'remove-claude-code', label: 'Remove from Claude Code', enabled: true, checked: true }
      : {
          kind: 'action',
          action: 'configure-claude-code',
          label: 'Configure Claude Code…',
          // An unreadable settings file is reported when clicked rather than hidden.
          enabled: claudeCode !== null,
          checked: false,
        },
    { kind: 'action', action: 'toggle-pause', label: 'Pause cascade', enabled: true, checked: status.paused },
    { kind: 'separator' },
    { kind: 'action', action: 'open-dashboard', label: 'Open dashboard', enabled: true },
    { kind: 'action', action: 'toggle-start-at-login', label: 'Start at login', enabled: true, checked: state.startAtLogin },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
  ];
}

export function trayIconState(status: ProxyStatus): TrayIconState {
  if (status.state === 'error') return 'error';
  return status.paused ? 'paused' : 'running';
}

/** macOS wants monochrome template images (the OS tints them); elsewhere the colour carries the state. */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

export function trayTooltip(status: ProxyStatus): string {
  const suffix = status.state === 'running' && status.paused ? ' (cascade paused)' : '';
  return `CascadeFlow: ${statusLine(status)}${suffix}`;
}
