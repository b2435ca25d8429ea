// The desktop-only actions of the bridge (DesktopApi), built from small adapters so
// they run in Node tests; main.ts passes Electron's clipboard and login item.
import type { ControlApi } from '../contracts/control-api';
import type { DesktopApi } from '../contracts/desktop';
import type { ClaudeCodeSettingsFile } from './claude-code/settings-file';
import type { DemoLauncher } from './lifecycle/demo-launcher';
import type { LoginItem } from './system/login-item';

export interface DesktopApiDeps {
  control: ControlApi;
  claudeCode: ClaudeCodeSettingsFile;
  clipboard: { writeText(text: string): void };
  loginItem: LoginItem;
  demo: Pick<DemoLauncher, 'start' | 'stop'>;
}

export function createDesktopApi({ control, claudeCode, clipboard, loginItem, demo }: DesktopApiDeps): DesktopApi {
  const baseUrl = async () => (await control.getStatus()).baseUrl;
  return {
    getClaudeCodeState: async () => claudeCode.state(await baseUrl()),
    configureClaudeCode: async (options?) => claudeCode.configure(await baseUrl(), options),
    removeClaudeCode: async () => claudeCode.remove(await baseUrl()),
    async copyBaseUrl() {
      const url = await baseUrl();
      clipboard.writeText(url);
      return url;
    },
    async setStartAtLogin(enabled) {
      // The OS first: if it refuses, the setting stays as it was and the caller sees why.
      await loginItem.setEnabled(enabled);
      return control.updateSettings({ startAtLogin: enabled });
    },
    startDemo: () => demo.start(),
    stopDemo: () => demo.stop(),
  };
}
