import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkDependencies, checkExclusions, checkPackaging, CONFIG_PATH, headlessOnly, installedClosure, type LockPackages, ROOT, runtimePackages } from './check-packaging';

const config = () => JSON.parse(readFileSync(CONFIG_PATH, 'utf8'));
const dependencies = () =>
  Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: object }).dependencies);

describe('packaging config', () => {
  it('passes `npm run check:packaging`', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'electron/tools/check-packaging.ts')], {
      cwd: ROOT,
    });
    expect(stdout).toMatch(/build\/electron-builder.json is valid for electron-builder \d+\.\d+\.\d+/);
  });

  it('is valid against electron-builder’s schema and has every target, icon and LSUIElement', () => {
    expect(checkPackaging(config())).toEqual([]);
  });

  it('catches schema errors, missing targets, the dock icon and missing icons', () => {
    const bad = config();
    bad.mac.extendInfo = {};
    bad.linux.target = ['AppImage'];
    bad.win.icon = 'build/nope.png';
    bad.unknownOption = true;
    bad.files = ['package.json'];
    bad.extraResources = bad.extraResources.filter((r: { to: string }) => r.to !== 'cascadeflow-statusline.sh');
    const problems = checkPackaging(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'schema: (root) must NOT have additional properties',
        'linux.target must include deb',
        'mac.extendInfo.LSUIElement must be true (no dock icon for a tray app)',
        'icon build/nope.png does not exist',
        'files must include dist/electron/main.js (package.json main and the dashboard bundle)',
        'extraResources must copy dist/proxy/cascadeflow-statusline.sh to "cascadeflow-statusline.sh" (a status line command Claude Code runs)',
      ]),
    );
  });
});

describe('packaged dependencies', () => {
  it('are exactly the packages the real main and preload bundles load', async () => {
    const loaded = await runtimePackages();
    // The analysis sees through the proxy into its own dependencies, and leaves out Node's and Electron's modules.
    expect(loaded.app).toContain('electron-store');
    expect(loaded.app).toContain('express');
    expect(loaded.proxy).toContain('express');
    for (const set of [loaded.app, loaded.proxy]) {
      expect([...set].filter((name) => name.startsWith('node:') || name === 'fs' || name === 'electron')).toEqual([]);
    }
    expect(loaded.proxy).not.toContain('electron-store');
    expect(checkDependencies(dependencies(), loaded)).toEqual([]);
  }, 60_000);

  it('names a dependency neither main nor the proxy loads and a package they load that would not be packed', () => {
    const loaded = { app: new Set(['express', 'zod', 'electron-store']), proxy: new Set(['express', 'zod', 'undici', 'pino']) };
    expect(checkDependencies(['express', 'zod', 'react', 'pino'], loaded)).toEqual([
      'main loads electron-store, which is not in dependencies (the installer would lack it)',
      'react is in dependencies but neither main nor the headless proxy loads it (move it to devDependencies)',
      'the headless proxy loads undici, which is not in dependencies',
    ]);
  });
});

describe('what the installer leaves out', () => {
  // a → b (nested copy under a) and @s/c; b → c (found beside a); d → b, e (optional, not installed)
  // and f (a peer installed only as a dev dependency, which electron-builder does not pack).
  const lock: LockPackages = {
    '': { dependencies: { a: '1', d: '1' } },
    'node_modules/a': { dependencies: { b: '2', '@s/c': '1' } },
    'node_modules/a/node_modules/b': { dependencies: { c: '1' } },
    'node_modules/b': {},
    'node_modules/c': {},
    'node_modules/@s/c': {},
    'node_modules/d': { dependencies: { b: '1' }, optionalDependencies: { e: '1' }, peerDependencies: { f: '1' } },
    'node_modules/f': { dev: true },
  };

  it('follows dependencies as Node finds them: nested copies first, then the enclosing folders', () => {
    expect([...installedClosure(lock, ['a'])].sort()).toEqual(['node_modules/@s/c', 'node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/c']);
    expect([...installedClosure(lock, ['d'])].sort()).toEqual(['node_modules/b', 'node_modules/d']);
  });

  it('is what only the headless proxy needs, and files must leave out exactly that', () => {
    const unneeded = headlessOnly(lock, ['a', 'd'], new Set(['a']));
    expect(unneeded).toEqual(['node_modules/b', 'node_modules/d']);
    expect(checkExclusions({ files: ['dist/**', '!node_modules/b/**', '!node_modules/d/**', '!node_modules/**/*.md'] }, unneeded)).toEqual([]);
    expect(checkExclusions({ files: ['!node_modules/b/**', '!node_modules/c/**'] }, unneeded)).toEqual([
      'files must leave out node_modules/d ("!node_modules/d/**"): only the headless proxy loads it',
      'files leaves out node_modules/c, which main loads or which is not installed',
    ]);
  });

  it('on the real lock: pino and what only it needs, not what pg needs too', async () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages as LockPackages;
    const unneeded = headlessOnly(lock, dependencies(), (await runtimePackages()).app);
    expect(unneeded).toContain('node_modules/pino');
    expect(unneeded).toContain('node_modules/sonic-boom');
    // pino-abstract-transport needs split2, and so does pg's pgpass.
    expect(unneeded).not.toContain('node_modules/split2');
    expect(checkExclusions(config(), unneeded)).toEqual([]);
  }, 60_000);
});
