// The real esbuild bundles of main, preload, the headless proxy and the `cascadeflow` command,
// checked for what packaging, `npm run serve` and Claude Code's status line rely on. (Which packages they load: check-packaging.test.ts.)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels } from '../../contracts/ipc';
import { BIN_FILE, buildElectron, buildProxy, ROOT, STATUS_LINE_SCRIPT } from './build';

let outDir: string;
let main: string;
let preload: string;
let proxy: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'cf-build-'));
  // Where the bundles find their dependencies at run time, as in the repo's dist/.
  await symlink(path.join(ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  await Promise.all([buildElectron(path.join(outDir, 'electron')), buildProxy(path.join(outDir, 'proxy'))]);
  main = await readFile(path.join(outDir, 'electron', 'main.js'), 'utf8');
  preload = await readFile(path.join(outDir, 'electron', 'preload.cjs'), 'utf8');
  proxy = await readFile(path.join(outDir, 'proxy', 'cli.js'), 'utf8');
}, 60_000);

afterAll(async () => rm(outDir, { recursive: true, force: true }));

const moduleUrls = (code: string) => [...code.matchAll(/new URL\("([^"]+)",\s*import\.meta\.url\)/g)].map((m) => m[1]);

describe('electron bundle', () => {
  it('builds a CommonJS preload that loads nothing but electron and knows every channel', () => {
    const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/^import /m);
    for (const channel of Object.values(invokeChannels)) expect(preload).toContain(channel);
  });

  it('builds an ESM main with its dependencies left to node_modules', () => {
    expect(main).toMatch(/^import .* from "express";$/m);
    // esbuild's __require shim would throw "Dynamic require … is not supported" in an ES module.
    expect(main).not.toContain('__require');
  });

  it('keeps module-relative URLs pointing where the sources meant, in the app root it is given', async () => {
    for (const [code, dir] of [
      [main, 'electron'],
      [proxy, 'proxy'],
    ]) {
      const urls = moduleUrls(code);
      expect(urls.length).toBeGreaterThan(0);
      for (const relative of urls) expect(existsSync(path.resolve(outDir, dir, relative)), relative).toBe(true);
    }
    expect(moduleUrls(main).some((u) => u.endsWith('electron/main.ts'))).toBe(true);
    expect(moduleUrls(proxy).some((u) => u.endsWith('proxy/dashboard.ts'))).toBe(true);

    // Built for another app root (a copy of the packaged layout): the URLs point inside it.
    const appRoot = path.join(outDir, 'app');
    await buildElectron(path.join(appRoot, 'dist', 'electron'), appRoot);
    const relocated = moduleUrls(await readFile(path.join(appRoot, 'dist', 'electron', 'main.js'), 'utf8'));
    expect(relocated).toContain('../../electron/main.ts');
    for (const relative of relocated) expect(relative.startsWith('../../'), relative).toBe(true);
  });
});

describe('headless proxy bundle', () => {
  // V8 keeps a script's source one byte a character only when every character is Latin-1; one
  // other character doubles the ~0.5 MB source, and start-up work with it (measured: ~3 MB of idle
  // RSS). esbuild escapes strings but leaves regex literals, String.raw and comments in objects as
  // they are: write such characters there as \u escapes (or in plain ASCII in a comment).
  it('holds no character beyond Latin-1', () => {
    const wide = [...new Set(proxy.match(/[^\u0000-\u00ff]/gu) ?? [])].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`);
    expect(wide).toEqual([]);
  });

  it('runs on plain Node (no tsx), serves /health with the package version and stops on SIGTERM', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cf-build-proxy-'));
    const child = spawn(process.execPath, [path.join(outDir, 'proxy', 'cli.js')], {
      cwd: outDir,
      env: { PATH: process.env.PATH, PORT: '0', CASCADEFLOW_DATA_DIR: dataDir, CASCADEFLOW_UPSTREAM_URL: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d;
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then((code) => reject(new Error(`the proxy exited (${code}):\n${output}`)));
      });
      // The version comes from package.json, found through the kept module URL.
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ version: pkg.version });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('cascadeflow command bundle', () => {
  it('is one executable CommonJS file that loads nothing but Node built-ins (it must start in milliseconds)', async () => {
    const file = path.join(outDir, 'proxy', BIN_FILE);
    const code = await readFile(file, 'utf8');
    expect(code.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect((await stat(file)).mode & 0o111).toBe(0o111);
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    for (const specifier of required) expect(specifier, specifier).toMatch(/^node:/);
    expect(code).not.toMatch(/^import /m);
    // Without a subcommand: usage on stderr, exit code 2.
    const child = spawn(file, [], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(stderr).toMatch(/^usage: cascadeflow statusline/);
  });

  it('has the sh status line beside it, executable and unchanged', async () => {
    const file = path.join(outDir, 'proxy', STATUS_LINE_SCRIPT);
    expect((await stat(file)).mode & 0o111).toBe(0o111);
    expect(await readFile(file, 'utf8')).toBe(await readFile(path.join(ROOT, 'proxy', 'statusline', STATUS_LINE_SCRIPT), 'utf8'));
  });
});
