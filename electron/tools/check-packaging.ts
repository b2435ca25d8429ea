// `npm run check:packaging`: validates build/electron-builder.json against
// electron-builder's own JSON schema, plus what this app needs from it, without
// packaging (that needs Electron's runtime from the internet).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
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

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const problems = checkPackaging(readJson(CONFIG_PATH));
  if (problems.length > 0) {
    console.error(`${path.relative(ROOT, CONFIG_PATH)} has ${problems.length} problem(s):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  console.log(`${path.relative(ROOT, CONFIG_PATH)} is valid for electron-builder ${readJson(path.join(ROOT, 'node_modules', 'electron-builder', 'package.json')).version}.`);
}
