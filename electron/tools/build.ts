// Compiles what runs as plain JavaScript, so nothing needs tsx at run time:
// - the Electron main process (ESM) and preload (CommonJS: a sandboxed preload cannot load
//   ES modules) into dist/electron/;
// - the headless proxy's CLI into dist/proxy/cli.js (`npm run serve`);
// - the `cascadeflow` command (package.json `bin`: the Claude Code status line) into
//   dist/proxy/cascadeflow.cjs, self-contained and executable. CommonJS: Node starts it about
//   10 % faster than an ES module, and .cjs says so wherever the file is copied;
// - beside it, the status line as a POSIX sh script (curl, no Node start), copied as it is.
// Run with `npm run build:electron`, `npm run build:proxy` or `npm run build` (everything).
import { chmod, copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT_DIR = path.join(ROOT, 'dist', 'electron');
export const PROXY_OUT_DIR = path.join(ROOT, 'dist', 'proxy');

/**
 * Bundling moves every module into one file, which would change what
 * `new URL('../x', import.meta.url)` points at (the package.json, the dashboard bundle).
 * Each project module keeps its own location instead, inside `appRoot`: the repository,
 * or a copy of the packaged layout (package.json, dist/) that a test builds elsewhere.
 */
export function keepModuleUrls(outDir: string, appRoot = ROOT): Plugin {
  return {
    name: 'keep-module-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const location = path.join(appRoot, path.relative(ROOT, args.path));
        const relative = path.relative(outDir, location).split(path.sep).join('/');
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

const common: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  sourcemap: 'linked',
  logLevel: 'warning',
};

/** Main and preload, written to `outDir`; module URLs resolve inside `appRoot`. */
export function buildOptions(outDir = OUT_DIR, appRoot = ROOT): BuildOptions[] {
  const electron: BuildOptions = { ...common, target: 'node22' /* Electron 45 ships Node 22 */, external: ['electron'] };
  return [
    {
      ...electron,
      entryPoints: ['electron/main.ts'],
      format: 'esm',
      // Dependencies load from node_modules at run time (electron-builder packs them).
      packages: 'external',
      plugins: [keepModuleUrls(outDir, appRoot)],
      outfile: path.join(outDir, 'main.js'),
    },
    {
      ...electron,
      entryPoints: ['electron/preload.ts'],
      format: 'cjs',
      outfile: path.join(outDir, 'preload.cjs'),
    },
  ];
}

/** The headless proxy: dependencies load from node_modules, like main's. */
export function proxyBuildOptions(outDir = PROXY_OUT_DIR): BuildOptions {
  return {
    ...common,
    // cli.js: `npm run serve`; token.js: `cascadeflow token` (proxy/tokens/main.ts); migrate.js: `cascadeflow migrate`.
    entryPoints: { cli: 'proxy/cli.ts', token: 'proxy/tokens/main.ts', migrate: 'proxy/team/postgres/migrate-main.ts' },
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // The launchers (npm run serve, Dockerfile, deploy/) run without --enable-source-maps, which
    // parses the map at start (~5 MB more idle memory); NODE_OPTIONS=--enable-source-maps turns it
    // on for .ts positions in stack traces. Without the sources inside, the map is a third of the size.
    sourcesContent: false,
    // Whitespace out (names stay, the map still gives .ts positions): cli.js 528 → 399 KB, and
    // the proxy idled ~1.5 MB smaller in bench/idle-rss.ts.
    minifyWhitespace: true,
    plugins: [keepModuleUrls(outDir)],
    outdir: outDir,
  };
}

export const BIN_FILE = 'cascadeflow.cjs';

/** The `cascadeflow` command: bundled whole (it must start in milliseconds), with a shebang. */
export function binBuildOptions(outDir = PROXY_OUT_DIR): BuildOptions {
  return {
    ...common,
    entryPoints: ['proxy/bin.ts'],
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    sourcemap: false,
    outfile: path.join(outDir, BIN_FILE),
  };
}

/** The status line without Node (macOS, Linux): proxy/statusline/, copied beside the command. */
export const STATUS_LINE_SCRIPT = 'cascadeflow-statusline.sh';

export async function copyStatusLineScript(outDir = PROXY_OUT_DIR): Promise<void> {
  const file = path.join(outDir, STATUS_LINE_SCRIPT);
  await copyFile(path.join(ROOT, 'proxy', 'statusline', STATUS_LINE_SCRIPT), file);
  await chmod(file, 0o755);
}

export async function buildElectron(outDir = OUT_DIR, appRoot = ROOT): Promise<void> {
  await Promise.all(buildOptions(outDir, appRoot).map((options) => build(options)));
}

export async function buildProxy(outDir = PROXY_OUT_DIR): Promise<void> {
  await Promise.all([build(proxyBuildOptions(outDir)), build(binBuildOptions(outDir))]);
  await Promise.all([chmod(path.join(outDir, BIN_FILE), 0o755), copyStatusLineScript(outDir)]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const targets = process.argv.slice(2);
  const wants = (target: string) => targets.length === 0 || targets.includes(target);
  const unknown = targets.filter((t) => t !== 'electron' && t !== 'proxy');
  if (unknown.length > 0) {
    console.error(`Unknown build target(s): ${unknown.join(', ')} (known: electron, proxy)`);
    process.exit(1);
  }
  await Promise.all([wants('electron') && buildElectron(), wants('proxy') && buildProxy()]);
  if (wants('electron')) console.log(`Built ${path.relative(ROOT, OUT_DIR)}/main.js and preload.cjs`);
  if (wants('proxy')) console.log(`Built ${path.relative(ROOT, PROXY_OUT_DIR)}/cli.js, token.js, migrate.js, ${BIN_FILE} and ${STATUS_LINE_SCRIPT}`);
}
