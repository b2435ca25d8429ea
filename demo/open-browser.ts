// Opens a URL in the default browser, where there is one: always on macOS and Windows, on
// Linux and the BSDs only with a display (DISPLAY or WAYLAND_DISPLAY). Never fails: without a
// browser the caller has printed the URL anyway. The platforms' own openers, no package.
import { spawn } from 'node:child_process';

/** The command that opens `url`, or null where there is no desktop to open it on. */
export function browserCommand(url: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): [string, string[]] | null {
  if (platform === 'darwin') return ['open', [url]];
  // explorer hands an http URL to the default browser without a shell to quote for.
  if (platform === 'win32') return ['explorer.exe', [url]];
  return env.DISPLAY || env.WAYLAND_DISPLAY ? ['xdg-open', [url]] : null;
}

/**
 * Starts the opener, detached. Resolves to null once it started, or to why it could not
 * (no desktop, opener missing); the opener's own exit code is not waited for.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const command = browserCommand(url, platform, env);
  if (!command) return Promise.resolve('no desktop (DISPLAY and WAYLAND_DISPLAY are unset)');
  return new Promise((resolve) => {
    const child = spawn(command[0], command[1], { detached: true, stdio: 'ignore', env });
    child.once('error', (error) => resolve(`${command[0]} could not start (${error.message})`));
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}
