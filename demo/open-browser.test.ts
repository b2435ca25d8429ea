import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useTempDirs } from '../test/temp-dirs';
import { browserCommand, openBrowser } from './open-browser';

const tempDir = useTempDirs('cascadeflow-open-');
const URL = 'http://127.0.0.1:8000/dashboard/';

describe('browserCommand', () => {
  it("uses each platform's opener; on Linux only with a display", () => {
    expect(browserCommand(URL, 'darwin', {})).toEqual(['open', [URL]]);
    expect(browserCommand(URL, 'win32', {})).toEqual(['explorer.exe', [URL]]);
    expect(browserCommand(URL, 'linux', { DISPLAY: ':0' })).toEqual(['xdg-open', [URL]]);
    expect(browserCommand(URL, 'linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual(['xdg-open', [URL]]);
    expect(browserCommand(URL, 'linux', {})).toBeNull();
    expect(browserCommand(URL, 'freebsd', { DISPLAY: '' })).toBeNull();
  });
});

describe('openBrowser', () => {
  it('says why when there is no desktop, and starts nothing', async () => {
    await expect(openBrowser(URL, 'linux', { PATH: tempDir() })).resolves.toBe('no desktop (DISPLAY and WAYLAND_DISPLAY are unset)');
  });

  it('never fails when the opener is missing', async () => {
    await expect(openBrowser(URL, 'linux', { DISPLAY: ':0', PATH: tempDir() })).resolves.toMatch(/^xdg-open could not start \(.*ENOENT/);
  });

  it('hands the URL to the opener found on PATH, with the display it needs', async () => {
    const bin = tempDir();
    const out = path.join(bin, 'opened');
    // An opener that records what it was asked to open (a real browser cannot run here).
    writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s %s' "$DISPLAY" "$1" > '${out}'\n`);
    chmodSync(path.join(bin, 'xdg-open'), 0o755);
    await expect(openBrowser(URL, 'linux', { DISPLAY: ':7', PATH: `${bin}:/usr/bin:/bin` })).resolves.toBeNull();
    await vi.waitFor(() => expect(existsSync(out) && readFileSync(out, 'utf8')).toBe(`:7 ${URL}`), { timeout: 5_000, interval: 20 });
  });
});
