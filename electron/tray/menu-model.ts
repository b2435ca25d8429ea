// What the tray shows, as plain data: the Electron adapter turns it into a Menu and
// an icon, the e2e test reads it through the test hook, and unit tests check it.
import type { ClaudeCodeState } from '../../contracts/desktop';
import type { RuleWarning } from '../../contracts/rule-checks';
import type { CascadeRule } from '../../contracts/rules';
import type { ProxyStatus } from '../../contracts/status';
import { draftAcceptanceRate, type Totals } from '../../contracts/stats';

export interface TrayState {
  status: ProxyStatus;
  /** Totals since local midnight; null until the first stats snapshot. */
  today: Totals | null;
  /** The saved rules, for the model ids their warnings are about. */
  rules: CascadeRule[];
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
  | 'reset-stats'
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
  return `Today: ${formatUsd(today.savings)} saved · ${requests}${unpriced}${acceptance(today)}`;
}

/** " · 67 % draft acceptance": the one acceptance rate (contracts/stats.ts), once anything was drafted. */
function acceptance(today: Totals): string {
  const rate = draftAcceptanceRate(today);
  return rate === null ? '' : ` · ${Math.round(rate * 100)} % draft acceptance`;
}

const MAX_LABEL = 90;

function bounded(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

/** Only a definite "no" counts: null (not known yet) and true show nothing. */
function upstreamUnreachable(status: ProxyStatus): boolean {
  return status.upstream?.reachable === false;
}

/** Every request fails while the upstream does not answer: said first, with why. */
function upstreamLines(status: ProxyStatus): TrayMenuItem[] {
  if (!upstreamUnreachable(status)) return [];
  const why = status.upstream?.lastError?.message;
  return [{ kind: 'info', label: bounded(`⚠ Upstream unreachable${why ? `: ${why}` : ''}`) }];
}

/** Store resets and similar problems stay visible in the tray until the app restarts. */
function warningLines(status: ProxyStatus): TrayMenuItem[] {
  const warnings = status.warnings ?? [];
  if (warnings.length === 0) return [];
  const first = bounded(warnings[0]);
  const more = warnings.length > 1 ? ` (+${warnings.length - 1} more in the dashboard)` : '';
  return [{ kind: 'info', label: `⚠ ${first}${more}` }];
}

/** Rule warnings shown one per line; the rest are counted on the last. */
const MAX_RULE_WARNINGS = 3;

const FIELD_WORDS = { draftModel: 'draft model', verifierModel: 'verifier model', threshold: 'threshold' } as const;

/** e.g. "⚠ Rule opus: draft model not found (claude-haiku-4.5)". */
export function ruleWarningLine(warning: RuleWarning, rules: readonly CascadeRule[]): string {
  const rule = rules.find((r) => r.id === warning.ruleId);
  const model = warning.field === 'threshold' ? null : rule?.[warning.field];
  const what = FIELD_WORDS[warning.field];
  let text: string;
  if (warning.kind === 'threshold_unreachable') text = 'no recent draft reaches its threshold';
  else if (!model) text = warning.message;
  else if (warning.kind === 'model_not_found') text = `${what} not found (${model})`;
  else text = `unknown ${what} (${model})${warning.suggestion ? `: did you mean ${warning.suggestion}?` : ''}`;
  return bounded(`⚠ Rule ${warning.ruleId}: ${text}`);
}

/** What is wrong with the rules now (ProxyStatus.ruleWarnings), live. */
function ruleWarningLines(status: ProxyStatus, rules: readonly CascadeRule[]): TrayMenuItem[] {
  const warnings = status.ruleWarnings ?? [];
  const shown = warnings.length > MAX_RULE_WARNINGS ? MAX_RULE_WARNINGS - 1 : warnings.length;
  const lines: TrayMenuItem[] = warnings.slice(0, shown).map((w) => ({ kind: 'info', label: ruleWarningLine(w, rules) }));
  if (shown < warnings.length) lines.push({ kind: 'info', label: `⚠ ${warnings.length - shown} more rule warnings in the dashboard` });
  return lines;
}

export function buildTrayMenu(state: TrayState): TrayMenuItem[] {
  const { status, claudeCode } = state;
  const configured = claudeCode?.configured ?? false;
  const retry: TrayMenuItem[] =
    status.state === 'error' ? [{ kind: 'action', action: 'retry-proxy', label: 'Retry starting proxy', enabled: true }] : [];
  return [
    { kind: 'info', label: statusLine(status) },
    ...retry,
    ...upstreamLines(status),
    ...warningLines(status),
    ...ruleWarningLines(status, state.rules),
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
    { kind: 'action', action: 'reset-stats', label: 'Reset statistics…', enabled: true },
    { kind: 'action', action: 'toggle-start-at-login', label: 'Start at login', enabled: true, checked: state.startAtLogin },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
  ];
}

/** An unreachable upstream fails every request, paused or not: the error icon. */
export function trayIconState(status: ProxyStatus): TrayIconState {
  if (status.state === 'error' || upstreamUnreachable(status)) return 'error';
  return status.paused ? 'paused' : 'running';
}

/** macOS wants monochrome template images (the OS tints them); elsewhere the colour carries the state. */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

export function trayTooltip(status: ProxyStatus): string {
  const paused = status.state === 'running' && status.paused ? ' (cascade paused)' : '';
  // The error icon needs its reason where the pointer rests too.
  const upstream = upstreamUnreachable(status) ? ' · upstream unreachable' : '';
  return `CascadeFlow: ${statusLine(status)}${paused}${upstream}`;
}
