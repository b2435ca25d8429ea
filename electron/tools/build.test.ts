// The real esbuild bundle of main and preload, checked for what packaging relies on.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels } from '../../contracts/ipc';
import { buildElectron, ROOT } from './build';

let outDir: string;
let main: string;
let preload: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'cf-build-'));
  await buildElectron(outDir);
  main = await readFile(path.join(outDir, 'main.js'), 'utf8');
  preload = await readFile(path.join(outDir, 'preload.cjs'), 'utf8');
}, 60_000);

afterAll(async () => rm(outDir, { recursive: true, force: true }));

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

describe('electron bundle', () => {
  it('builds a CommonJS preload that loads nothing but electron and knows every channel', () => {
    const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/^import /m);
    for (const channel of Object.values(invokeChannels)) expect(preload).toContain(channel);
  });

  it('builds an ESM main whose run-time imports are all production dependencies', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const specifiers = [...main.matchAll(/^import\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(5);
    const external = specifiers.filter((s) => !s.startsWith('node:') && !builtinModules.includes(s)).map(packageOf);
    for (const name of new Set(external)) {
      expect(name === 'electron' || name in pkg.dependencies, `${name} must be a dependency to be packaged`).toBe(true);
    }
    // esbuild's __require shim would throw "Dynamic require … is not supported" in an ES module.
    expect(main).not.toContain('__require');
  });

  it('keeps module-relative URLs pointing where the sources meant', () => {
    const urls = [...main.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    for (const relative of urls) {
      expect(existsSync(path.resolve(outDir, relative)), relative).toBe(true);
    }
    expect(urls.some((u) => u.endsWith('electron/main.ts'))).toBe(true);
  });
});
