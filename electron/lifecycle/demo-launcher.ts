// The desktop app's "Try a demo": at most one demo at a time (demo/runner.ts: the simulator and
// a second proxy on a temporary folder and a free port, with the scripted traffic) in the main
// process, beside the real proxy and never touching its data. Its dashboard opens in the
// default browser: the app's own window stays on the real proxy, and its navigation rules keep
// that window on the bundle. main.ts stops the demo when the app quits.
import type { DemoSession } from '../../contracts/desktop';
import type { RunningDemo } from '../../demo/runner';

export interface DemoLauncherDeps {
  /** Starts a demo (startDemo with the app's options). */
  start(): Promise<RunningDemo>;
  /** Opens a URL in the default browser (Electron's shell.openExternal). */
  openExternal(url: string): Promise<void>;
  /** A problem that does not stop the demo (a browser that would not open). */
  warn(message: string): void;
}

export class DemoLauncher {
  private demo: Promise<RunningDemo> | null = null;

  constructor(private readonly deps: DemoLauncherDeps) {}

  /** Starts the demo, or finds it running, and opens its dashboard (again). */
  async start(): Promise<DemoSession> {
    const starting = (this.demo ??= this.deps.start());
    let demo: RunningDemo;
    try {
      demo = await starting;
    } catch (error) {
      // A failed start leaves nothing behind (the runner cleans up): the next click tries again.
      if (this.demo === starting) this.demo = null;
      throw error;
    }
    const opened = await this.deps.openExternal(demo.dashboardUrl).then(
      () => true,
      (error: Error) => {
        this.deps.warn(`could not open ${demo.dashboardUrl} in the browser: ${error.message}`);
        return false;
      },
    );
    return { baseUrl: demo.baseUrl, dashboardUrl: demo.dashboardUrl, opened };
  }

  /** Stops the demo (waiting for one still starting) and removes its folder; nothing to do when none runs. */
  async stop(): Promise<null> {
    const running = this.demo;
    this.demo = null;
    await running?.then(
      (demo) => demo.stop(),
      () => undefined,
    );
    return null;
  }
}
