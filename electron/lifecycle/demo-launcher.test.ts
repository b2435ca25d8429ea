// The desktop demo's launcher over the real demo runner (simulator, proxy, scripted traffic on
// loopback and a temporary folder); only the browser is a recorder.
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemo } from '../../demo/runner';
import { useTempDirs } from '../../test/temp-dirs';
import { DemoLauncher } from './demo-launcher';

const tempDir = useTempDirs('cf-demo-launcher-');
const quiet = { info: () => undefined, warn: () => undefined };
const launchers: DemoLauncher[] = [];

afterEach(async () => {
  await Promise.all(launchers.splice(0).map((launcher) => launcher.stop()));
});

function launcher(openExternal: (url: string) => Promise<void>) {
  const tmpDir = tempDir();
  const opened: string[] = [];
  const warnings: string[] = [];
  let starts = 0;
  const demo = new DemoLauncher({
    start: () => {
      starts += 1;
      return startDemo({ port: 0, tmpDir, logger: quiet, trickle: false });
    },
    openExternal: async (url) => {
      opened.push(url);
      await openExternal(url);
    },
    warn: (message) => warnings.push(message),
  });
  launchers.push(demo);
  return { demo, tmpDir, opened, warnings, starts: () => starts };
}

const folders = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('cascadeflow-demo-'));

describe('DemoLauncher', () => {
  it('starts one demo, opens its dashboard, reopens it on the next click, and removes it on stop', async () => {
    const { demo, tmpDir, opened, starts } = launcher(async () => undefined);
    const [first, second] = await Promise.all([demo.start(), demo.start()]);
    expect(first).toEqual(second);
    expect(starts()).toBe(1);
    expect(first.opened).toBe(true);
    expect(first.dashboardUrl).toBe(`${first.baseUrl}/dashboard/`);
    expect(opened).toEqual([first.dashboardUrl, first.dashboardUrl]);
    expect(folders(tmpDir)).toHaveLength(1);

    // The demo's own proxy takes requests and shows the scripted traffic.
    await expect.poll(async () => ((await (await fetch(`${first.baseUrl}/stats`)).json()) as { total_queries: number }).total_queries).toBeGreaterThan(0);

    expect(await demo.stop()).toBeNull();
    expect(folders(tmpDir)).toEqual([]);
    await expect(fetch(`${first.baseUrl}/health`)).rejects.toThrow();
    // Nothing runs: stopping again is a no-op, and the next click starts a fresh demo.
    expect(await demo.stop()).toBeNull();
    const again = await demo.start();
    expect(starts()).toBe(2);
    expect(folders(tmpDir)).toHaveLength(1);
    expect((await fetch(`${again.baseUrl}/health`)).ok).toBe(true);
  });

  it('keeps the demo running when no browser opens, and says so', async () => {
    const { demo, warnings } = launcher(async () => {
      throw new Error('no handler for http');
    });
    const session = await demo.start();
    expect(session.opened).toBe(false);
    expect(warnings).toEqual([`could not open ${session.dashboardUrl} in the browser: no handler for http`]);
    expect((await fetch(`${session.baseUrl}/health`)).ok).toBe(true);
  });

  it('a start that fails leaves nothing behind, and the next click tries again', async () => {
    let fail = true;
    const tmpDir = tempDir();
    const demo = new DemoLauncher({
      start: () => (fail ? Promise.reject(new Error('no free port')) : startDemo({ port: 0, tmpDir, logger: quiet, trickle: false })),
      openExternal: async () => undefined,
      warn: () => undefined,
    });
    launchers.push(demo);
    await expect(demo.start()).rejects.toThrow('no free port');
    fail = false;
    const session = await demo.start();
    expect((await fetch(`${session.baseUrl}/health`)).ok).toBe(true);
    expect(existsSync(tmpDir)).toBe(true);
  });
});
