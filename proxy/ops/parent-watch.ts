// `npm run serve` runs the proxy under `sh -c`: npm passes a SIGTERM to that shell, which dies
// without passing it on, and the proxy would keep listening as an orphan. Started by an npm
// script, the proxy checks once a second whether its parent is gone (it was re-parented) and
// then stops as on SIGTERM. Elsewhere (systemd, Docker, `node dist/proxy/cli.js`) a signal
// reaches the proxy itself and nothing is watched. Never on Windows, which has no such signal.

export const PARENT_CHECK_MS = 1_000;

/** Calls `onGone` once when the parent process changes; returns the stop function. Null when not started by npm. */
export function watchNpmParent(onGone: () => void, env: NodeJS.ProcessEnv = process.env, intervalMs = PARENT_CHECK_MS): (() => void) | null {
  if (!env.npm_lifecycle_event || process.platform === 'win32') return null;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
