// `npm run check:packaging`: validates build/electron-builder.json against
// electron-builder's own JSON schema, plus what this app needs from it, and checks that
// package.json `dependencies` (what electron-builder packs into every installer unless `files`
// leaves them out) are exactly the packages main and preload load, or the headless proxy does,
// and that `files` leaves out those only the headless proxy needs (from package-lock.json).
// Without packaging; package-app.test.ts packs the app for real.
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { build, type BuildOptions } from 'esbuild';
import { BIN_FILE, buildOptions, proxyBuildOptions, STATUS_LINE_SCRIPT } from './build';
import { LINUX_ICON_SIZES, TRAY_STATES } from './icons';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONFIG_PATH = path.join(ROOT, 'build', 'electron-builder.json');
const SCHEMA_PATH = path.join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json');

type Json = Record<string, any>;

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

/** Returns the problems found; empty when the config is good. */
export function checkPackaging(config: Json, root = ROOT): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(readJson(SCHEMA_PATH));
  const problems: string[] = [];
  if (!validate(config)) {
    for (const error of validate.errors ?? []) {
      problems.push(`schema: ${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
    }
  }

  const targets = (platform: string): string[] => [config[platform]?.target ?? []].flat();
  const expectTargets: Array<[string, string[]]> = [
    ['linux', ['AppImage', 'deb']],
    ['mac', ['dmg']],
    ['win', ['nsis']],
  ];
  for (const [platform, wanted] of expectTargets) {
    for (const target of wanted) {
      if (!targets(platform).includes(target)) problems.push(`${platform}.target must include ${target}`);
    }
  }
  if (config.mac?.extendInfo?.LSUIElement !== true) {
    problems.push('mac.extendInfo.LSUIElement must be true (no dock icon for a tray app)');
  }

  const pkg = readJson(path.join(root, 'package.json'));
  const files: string[] = config.files ?? [];
  for (const needed of [pkg.main, 'dist/renderer/index.html']) {
    const dir = path.posix.dirname(needed);
    if (!files.some((pattern) => pattern === `${dir}/**` || pattern === needed)) {
      problems.push(`files must include ${needed} (package.json main and the dashboard bundle)`);
    }
  }

  const icons = [config.mac?.icon, config.win?.icon, config.linux?.icon].filter(Boolean) as string[];
  for (const icon of icons) {
    if (!existsSync(path.join(root, icon))) problems.push(`icon ${icon} does not exist`);
  }
  if (config.linux?.icon) {
    for (const size of LINUX_ICON_SIZES) {
      const file = path.join(root, config.linux.icon, `${size}x${size}.png`);
      if (!existsSync(file)) problems.push(`linux icon ${path.relative(root, file)} is missing`);
    }
  }
  // Claude Code runs the status line command from outside the app's archive.
  for (const file of [BIN_FILE, STATUS_LINE_SCRIPT]) {
    if (!(config.extraResources ?? []).some((r: Json) => r.from === `dist/proxy/${file}` && r.to === file)) {
      problems.push(`extraResources must copy dist/proxy/${file} to "${file}" (a status line command Claude Code runs)`);
    }
  }
  const tray = (config.extraResources ?? []).find((r: Json) => r.to === 'tray');
  if (!tray) problems.push('extraResources must copy build/tray to "tray" (the tray icons the app loads)');
  else {
    for (const state of TRAY_STATES) {
      for (const name of [`tray-${state}`, `tray-${state}Template`]) {
        for (const suffix of ['.png', '@2x.png']) {
          if (!existsSync(path.join(root, tray.from, name + suffix))) problems.push(`tray icon ${name}${suffix} is missing`);
        }
      }
    }
  }
  return problems;
}

/** `express/lib/x` → `express`, `@scope/pkg/x` → `@scope/pkg`. */
function packageOf(specifier: string): string {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/** The packages a build loads at run time: its external bare imports, from esbuild's metafile. */
async function packagesLoadedBy(options: BuildOptions[]): Promise<Set<string>> {
  const loaded = new Set<string>();
  for (const option of options) {
    const { metafile } = await build({ ...option, write: false, metafile: true, logLevel: 'silent' });
    for (const output of Object.values(metafile.outputs)) {
      for (const { path: specifier, external } of output.imports) {
        // `electron` is the runtime itself, not a package to ship.
        if (external && !isBuiltin(specifier) && specifier !== 'electron') loaded.add(packageOf(specifier));
      }
    }
  }
  return loaded;
}

export interface RuntimePackages {
  /** What dist/electron/main.js and preload.cjs load. */
  app: Set<string>;
  /** What dist/proxy/cli.js (`npm run serve`) loads. */
  proxy: Set<string>;
}

export async function runtimePackages(): Promise<RuntimePackages> {
  const [app, proxy] = await Promise.all([packagesLoadedBy(buildOptions()), packagesLoadedBy([proxyBuildOptions()])]);
  return { app, proxy };
}

/** Problems with `dependencies` given what the builds load; empty when they match. */
export function checkDependencies(dependencies: string[], loaded: RuntimePackages): string[] {
  const problems: string[] = [];
  for (const name of loaded.app) {
    if (!dependencies.includes(name)) problems.push(`main loads ${name}, which is not in dependencies (the installer would lack it)`);
  }
  // The installer packs every dependency, and the Docker image installs them without devDependencies:
  // each is there for main or for the headless proxy (pino: the proxy's JSON logs only).
  for (const name of dependencies) {
    if (!loaded.app.has(name) && !loaded.proxy.has(name)) problems.push(`${name} is in dependencies but neither main nor the headless proxy loads it (move it to devDependencies)`);
  }
  for (const name of loaded.proxy) {
    if (!dependencies.includes(name)) problems.push(`the headless proxy loads ${name}, which is not in dependencies`);
  }
  return problems;
}

/** package-lock.json's `packages`: install paths ("node_modules/a/node_modules/b") to what each depends on. */
export type LockPackages = Record<
  string,
  { dev?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
>;

export function lockPackages(root = ROOT): LockPackages {
  return readJson(path.join(root, 'package-lock.json')).packages as LockPackages;
}

/**
 * The install paths `names` load, with everything they depend on, found as Node finds a package;
 * a peer found only among dev dependencies is not packed, so not counted.
 */
export function installedClosure(lock: LockPackages, names: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const visit = (from: string, name: string) => {
    // Node looks in node_modules beside the dependent, then in each enclosing package's.
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (lock[candidate] && !lock[candidate].dev) {
        if (found.has(candidate)) return;
        found.add(candidate);
        const { dependencies = {}, optionalDependencies = {}, peerDependencies = {} } = lock[candidate];
        for (const dependency of Object.keys({ ...dependencies, ...optionalDependencies, ...peerDependencies })) visit(candidate, dependency);
        return;
      }
      // An optional or peer dependency that is not installed.
      if (!dir) return;
    }
  };
  for (const name of names) visit('', name);
  return found;
}

/**
 * What electron-builder would pack for the headless proxy alone (pino and what only it needs):
 * every dependency goes into the installer unless `files` leaves it out.
 */
export function headlessOnly(lock: LockPackages, dependencies: string[], app: Set<string>): string[] {
  const needed = installedClosure(lock, app);
  return [...installedClosure(lock, dependencies)].filter((entry) => !needed.has(entry)).sort();
}

/** `!node_modules/a/**`, `!node_modules/@s/a/node_modules/b/**`: a whole package left out. */
const PACKAGE_EXCLUSION = /^!(node_modules\/(?:@[^/*]+\/)?[^/*@]+(?:\/node_modules\/(?:@[^/*]+\/)?[^/*@]+)*)\/\*\*$/;

/** `files` must leave out exactly the install paths in `unneeded`, each as `!<path>/**` (other patterns are not looked at). */
export function checkExclusions(config: Json, unneeded: string[]): string[] {
  const excluded = ((config.files ?? []) as string[]).flatMap((pattern) => PACKAGE_EXCLUSION.exec(pattern)?.[1] ?? []);
  return [
    ...unneeded.filter((entry) => !excluded.includes(entry)).map((entry) => `files must leave out ${entry} ("!${entry}/**"): only the headless proxy loads it`),
    ...excluded.filter((entry) => !unneeded.includes(entry)).map((entry) => `files leaves out ${entry}, which main loads or which is not installed`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dependencies = Object.keys(readJson(path.join(ROOT, 'package.json')).dependencies ?? {});
  const loaded = await runtimePackages();
  const config = readJson(CONFIG_PATH);
  const problems = [...checkPackaging(config), ...checkDependencies(dependencies, loaded), ...checkExclusions(config, headlessOnly(lockPackages(), dependencies, loaded.app))];
  if (problems.length > 0) {
    console.error(`${path.relative(ROOT, CONFIG_PATH)} and package.json dependencies: ${problems.length} problem(s):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  console.log(`${path.relative(ROOT, CONFIG_PATH)} is valid for electron-builder ${readJson(path.join(ROOT, 'node_modules', 'electron-builder', 'package.json')).version}.`);
  console.log(`package.json dependencies are exactly the ${dependencies.length} packages main or the headless proxy load; the installer leaves out what only the proxy loads.`);
}
