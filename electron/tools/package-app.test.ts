// Packs the desktop app for real with electron-builder (Linux, unpacked), in place of
// Electron's runtime a stand-in folder (its download needs the internet), and reads what the
// app's archive holds: the app's own files, and exactly the packages main loads with what they
// depend on. check-packaging.ts checks the config; this checks what electron-builder makes of it.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_PATH, installedClosure, lockPackages, ROOT, runtimePackages } from './check-packaging';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cascadeflow-pack-'));
let resources: string;
let entries: string[];

beforeAll(async () => {
  expect(existsSync(path.join(ROOT, 'dist', 'electron', 'main.js')), 'run `npm run build` first (npm install does)').toBe(true);
  const electronDist = path.join(dir, 'electron-dist');
  mkdirSync(path.join(electronDist, 'resources'), { recursive: true });
  writeFileSync(path.join(electronDist, 'electron'), '');
  chmodSync(path.join(electronDist, 'electron'), 0o755);
  const config = JSON.parse(readFileSync(CONFIG_PATH, 'utf8'));
  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    // No native rebuild: it would fetch Electron's headers and rebuild node_modules in place.
    config: { ...config, electronDist, npmRebuild: false, directories: { ...config.directories, output: path.join(dir, 'out') } },
  });
  resources = path.join(dir, 'out', 'linux-unpacked', 'resources');
  entries = listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((entry) => entry.split(path.sep).join('/').replace(/^\//, ''));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed desktop app', () => {
  it('holds main, preload, the dashboard and package.json, and no sources or source maps', () => {
    const own = entries.filter((entry) => !entry.startsWith('node_modules'));
    expect(own).toEqual(expect.arrayContaining(['package.json', 'dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/renderer/index.html']));
    expect(own.filter((entry) => /\.(map|tsx?)$/.test(entry) || /^(proxy|electron|renderer|test|contracts)\//.test(entry))).toEqual([]);
    for (const file of ['cascadeflow.cjs', 'cascadeflow-statusline.sh', 'icon.png', 'tray/tray-runningTemplate.png']) {
      expect(existsSync(path.join(resources, file)), file).toBe(true);
    }
  });

  it('ships exactly the packages main loads, with what they depend on: none the headless proxy alone needs', async () => {
    const packed = entries.filter((entry) => existsSync(path.join(ROOT, entry, 'package.json')) && /node_modules\/(@[^/]+\/)?[^/@]+$/.test(entry));
    // An optional dependency for another platform is in the lock but not installed.
    const needed = new Set([...installedClosure(lockPackages(), (await runtimePackages()).app)].filter((entry) => existsSync(path.join(ROOT, entry))));
    expect(new Set(packed)).toEqual(needed);
    expect(packed).not.toContain('node_modules/pino');
    expect(packed).toContain('node_modules/electron-store');
  }, 60_000);
});
