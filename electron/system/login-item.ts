// "Start at login". macOS and Windows have Electron's login item API; on Linux
// Electron has none, so the app writes an XDG autostart entry instead.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ControlApi } from '../../contracts/control-api';
import type { Unsubscribe } from '../../contracts/events';

export interface LoginItem {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}

/** The slice of Electron's app used on macOS and Windows. */
export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean }): void;
}

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  app: LoginItemApp;
  homeDir: string;
  env: NodeJS.ProcessEnv;
  /** The command that starts the app: the AppImage, the installed binary, or electron + app path in development. */
  command: string[];
}

export const AUTOSTART_FILE = 'cascadeflow-tray.desktop';

export function autostartPath(homeDir: string, env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME?.trim() || path.join(homeDir, '.config');
  return path.join(configHome, 'autostart', AUTOSTART_FILE);
}

/** Quoting per the Desktop Entry spec's Exec key. */
function quoteExecArg(arg: string): string {
  if (!/[\s"'\\`$<>|&;*?#()~]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=CascadeFlow Tray',
    'Comment=Local Anthropic API proxy that drafts with cheaper models',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function createLoginItem({ platform, app, homeDir, env, command }: LoginItemOptions): LoginItem {
  if (platform !== 'linux') {
    return {
      isEnabled: async () => app.getLoginItemSettings().openAtLogin,
      setEnabled: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true }),
    };
  }
  const file = autostartPath(homeDir, env);
  return {
    async isEnabled() {
      try {
        return (await readFile(file, 'utf8')).includes('[Desktop Entry]');
      } catch {
        return false;
      }
    },
    async setEnabled(enabled) {
      if (!enabled) return rm(file, { force: true });
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, autostartEntry(command));
    },
  };
}

/**
 * Keeps the OS login item in line with the `startAtLogin` setting, whichever UI changed
 * it (tray, app window, or the web dashboard over HTTP); applies it once at start.
 */
export async function followStartAtLogin(
  control: Pick<ControlApi, 'getSettings' | 'subscribe'>,
  loginItem: LoginItem,
  onError: (message: string) => void,
): Promise<Unsubscribe> {
  let applied = await loginItem.isEnabled();
  const apply = async (wanted: boolean, refresh = false) => {
    if (wanted === applied && !refresh) return;
    try {
      await loginItem.setEnabled(wanted);
      applied = wanted;
    } catch (error) {
      onError(`Could not ${wanted ? 'enable' : 'disable'} start at login: ${(error as Error).message}`);
    }
  };
  const unsubscribe = control.subscribe((event) => {
    if (event.type === 'settings') void apply(event.settings.startAtLogin);
  });
  // At start an enabled entry is written again: the app may have moved since (an updated AppImage).
  const wanted = (await control.getSettings()).startAtLogin;
  await apply(wanted, wanted);
  return unsubscribe;
}
