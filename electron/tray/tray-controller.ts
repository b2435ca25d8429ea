// Keeps the tray's state current from the control API's live events and the Claude
// Code settings file, and carries out the menu's actions. The Electron adapter only
// renders what this produces (menu, icon, tooltip) and forwards clicks.
import type { ControlApi } from '../../contracts/control-api';
import type { ControlEvent, Unsubscribe } from '../../contracts/events';
import type { DesktopApi } from '../../contracts/desktop';
import type { ProxyStatus } from '../../contracts/status';
import { buildTrayMenu, type TrayAction, type TrayMenuItem, type TrayState } from './menu-model';

/** A question with a cancel and a confirm button (Electron: dialog.showMessageBox). */
export interface Confirmation {
  title: string;
  message: string;
  detail: string;
  /** The confirm button's label; the other one cancels (and is the default). */
  confirm: string;
}

/** Asked before the tray's "Reset statistics…" forgets anything. */
export const RESET_STATS_CONFIRMATION: Confirmation = {
  title: 'Reset statistics',
  message: 'Forget every request the proxy has recorded?',
  detail:
    'Totals, today, history, spending per conversation and project, quality measurements and the decision log are deleted. ' +
    'Rules, settings and the saved API key are kept.',
  confirm: 'Reset statistics',
};

export interface TrayControllerDeps {
  control: ControlApi;
  desktop: DesktopApi;
  openDashboard(): void;
  restartProxy(): Promise<void>;
  quit(): void;
  /** A short confirmation or error the user should see (notification or dialog). */
  notify(title: string, body: string): void;
  /** True when the user confirmed. */
  confirm(question: Confirmation): Promise<boolean>;
  /** Renders the new state (menu, icon, tooltip). */
  render(state: TrayState): void;
}

const INITIAL_STATUS: ProxyStatus = {
  state: 'starting',
  baseUrl: '',
  paused: false,
  upstreamUrl: '',
  error: null,
  version: '',
  startedAt: null,
};

export class TrayController {
  private current: TrayState = { status: INITIAL_STATUS, today: null, rules: [], claudeCode: null, startAtLogin: false };
  private unsubscribe: Unsubscribe | null = null;
  private midnight: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: TrayControllerDeps) {}

  get state(): TrayState {
    return this.current;
  }

  menu(): TrayMenuItem[] {
    return buildTrayMenu(this.current);
  }

  async init(): Promise<void> {
    const { control } = this.deps;
    // Decisions are ignored; stats arrive at most once per hub interval, so the native
    // menu is rebuilt a few times per second at most, never once per request.
    this.unsubscribe = control.subscribe((event) => this.onEvent(event));
    const [status, stats, settings, rules] = await Promise.all([control.getStatus(), control.getStats(), control.getSettings(), control.getRules()]);
    this.update({ status, today: stats.today, startAtLogin: settings.startAtLogin, rules });
    this.scheduleMidnight();
    await this.refreshClaudeCode();
  }

  /** Re-reads Claude Code's settings file (it may have been edited by hand). */
  async refreshClaudeCode(): Promise<void> {
    const claudeCode = await this.deps.desktop.getClaudeCodeState();
    const before = this.current.claudeCode;
    if (before && JSON.stringify(before) === JSON.stringify(claudeCode)) return;
    this.update({ claudeCode });
  }

  async run(action: TrayAction): Promise<void> {
    const { control, desktop, notify } = this.deps;
    try {
      switch (action) {
        case 'retry-proxy':
          return await this.deps.restartProxy();
        case 'copy-base-url':
          return notify('Base URL copied', await desktop.copyBaseUrl());
        case 'configure-claude-code': {
          const state = await desktop.configureClaudeCode();
          this.update({ claudeCode: state });
          if (state.error) return notify('Claude Code settings not changed', state.error);
          return notify('Claude Code configured', `New Claude Code sessions use ${state.baseUrl} (set in ${state.settingsPath}).`);
        }
        case 'remove-claude-code': {
          const state = await desktop.removeClaudeCode();
          this.update({ claudeCode: state });
          if (state.error) return notify('Claude Code settings not changed', state.error);
          return notify('Removed from Claude Code', `New Claude Code sessions talk to ${state.baseUrl ?? 'Anthropic'} directly.`);
        }
        case 'toggle-pause':
          await control.updateSettings({ paused: !this.current.status.paused });
          return;
        case 'toggle-start-at-login': {
          const settings = await desktop.setStartAtLogin(!this.current.startAtLogin);
          return this.update({ startAtLogin: settings.startAtLogin });
        }
        case 'open-dashboard':
          return this.deps.openDashboard();
        case 'reset-stats': {
          if (!(await this.deps.confirm(RESET_STATS_CONFIRMATION))) return;
          // The stats event that follows updates the Today line.
          await control.resetStats();
          return notify('Statistics reset', 'Every recorded request was forgotten; rules and settings are kept.');
        }
        case 'quit':
          return this.deps.quit();
      }
    } catch (error) {
      notify('CascadeFlow', (error as Error).message);
    }
  }

  dispose(): void {
    if (this.midnight) clearTimeout(this.midnight);
    this.midnight = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** "Today" starts again at local midnight, whether or not a request arrives then. */
  private scheduleMidnight(): void {
    const next = new Date();
    next.setHours(24, 0, 0, 0);
    // A second late, so the proxy's own day has certainly rolled over.
    this.midnight = setTimeout(() => {
      this.scheduleMidnight();
      this.deps.control.getStats().then(
        (stats) => this.update({ today: stats.today }),
        () => undefined,
      );
    }, next.getTime() - Date.now() + 1000);
  }

  private onEvent(event: ControlEvent): void {
    if (event.type === 'status') {
      const moved = event.status.baseUrl !== this.current.status.baseUrl;
      this.update({ status: event.status });
      // "Configured" compares the file with the proxy's address, which just changed.
      if (moved) void this.refreshClaudeCode().catch(() => undefined);
    }
    else if (event.type === 'stats') this.update({ today: event.stats.today });
    else if (event.type === 'rules') this.update({ rules: event.rules });
    else if (event.type === 'settings') {
      // Pause is part of the status too, but a settings event may arrive first.
      this.update({
        startAtLogin: event.settings.startAtLogin,
        status: { ...this.current.status, paused: event.settings.paused },
      });
    }
  }

  private update(patch: Partial<TrayState>): void {
    this.current = { ...this.current, ...patch };
    this.deps.render(this.current);
  }
}
