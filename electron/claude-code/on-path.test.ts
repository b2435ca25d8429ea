import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dirs';
import { onPath } from './on-path';

const tempDir = useTempDirs('cf-on-path-');

describe.skipIf(process.platform === 'win32')('onPath', () => {
  it('finds an executable file in a PATH folder, and nothing else', () => {
    const [bin, other] = [tempDir(), tempDir()];
    writeFileSync(path.join(bin, 'curl'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'curl'), 0o755);
    writeFileSync(path.join(other, 'curl'), 'not executable');
    mkdirSync(path.join(other, 'wget'), { mode: 0o755 });
    expect(onPath('curl', { PATH: [other, bin].join(path.delimiter) })).toBe(true);
    expect(onPath('curl', { PATH: other })).toBe(false);
    expect(onPath('wget', { PATH: other })).toBe(false);
    // Relative folders depend on where Claude Code happens to run the command.
    expect(onPath('curl', { PATH: path.relative(process.cwd(), bin) })).toBe(false);
    expect(onPath('curl', {})).toBe(false);
  });
});
