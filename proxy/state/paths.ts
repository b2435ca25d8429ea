import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'CascadeFlow Tray';

/**
 * Electron's `userData` folder for productName "CascadeFlow Tray", where the desktop app's
 * electron-store keeps config.json; the headless proxy defaults to the same folder so
 * both see one state.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  }
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), PRODUCT_NAME);
}
