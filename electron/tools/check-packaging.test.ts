import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkPackaging, CONFIG_PATH, ROOT } from './check-packaging';

const config = () => JSON.parse(readFileSync(CONFIG_PATH, 'utf8'));

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
    const problems = checkPackaging(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'schema: (root) must NOT have additional properties',
        'linux.target must include deb',
        'mac.extendInfo.LSUIElement must be true (no dock icon for a tray app)',
        'icon build/nope.png does not exist',
        'files must include dist/electron/main.js (package.json main and the dashboard bundle)',
      ]),
    );
  });
});
