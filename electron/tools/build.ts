// Bundles the main process (ESM) and the preload (CommonJS: a sandboxed preload cannot
// load ES modules) into dist/electron/. Run with `npm run build:electron`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT_DIR = path.join(ROOT, 'dist', 'electron');

/**
 * Bundling moves every module into dist/electron/main.js, which would change what
 * `new URL('../x', import.meta.url)` points at (the package.json, the dashboard
 * bundle). Each project module keeps its own location instead.
 */
export function keepModuleUrls(outDir: string): Plugin {
  return {
    name: 'keep-module-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const relative = path.relative(outDir, args.path).split(path.sep).join('/');
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

export function buildOptions(outDir = OUT_DIR): BuildOptions[] {
  const common: BuildOptions = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    // Electron 45 ships Node 22.
    target: 'node22',
    sourcemap: 'linked',
    logLevel: 'warning',
    external: ['electron'],
  };
  return [
    {
      ...common,
      entryPoints: ['electron/main.ts'],
      format: 'esm',
      // Dependencies load from node_modules at run time (electron-builder packs them).
      packages: 'external',
      plugins: [keepModuleUrls(outDir)],
      outfile: path.join(outDir, 'main.js'),
    },
    {
      ...common,
      entryPoints: ['electron/preload.ts'],
      format: 'cjs',
      outfile: path.join(outDir, 'preload.cjs'),
    },
  ];
}

export async function buildElectron(outDir = OUT_DIR): Promise<void> {
  await Promise.all(buildOptions(outDir).map((options) => build(options)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildElectron();
  console.log(`Built ${path.relative(ROOT, OUT_DIR)}/main.js and preload.cjs`);
}
