import { lstat, mkdtemp, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKUP_SUFFIX,
  ClaudeCodeSettingsFile,
  claudeSettingsPath,
  type ClaudeCodeAddition,
} from './settings-file';
import { statusLineCommand, type StatusLineAddition } from './status-line';

const URL_8000 = 'http://127.0.0.1:8000';
const URL_9000 = 'http://127.0.0.1:9000';

let home: string;
let file: string;
let saved: ClaudeCodeAddition | null;
let settings: ClaudeCodeSettingsFile;

function memoryRecord() {
  return { get: () => saved, set: (value: ClaudeCodeAddition | null) => void (saved = value) };
}

async function readJson(p = file): Promise<Record<string, any>> {
  return JSON.parse(await readFile(p, 'utf8'));
}

async function writeSettings(content: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'cf-home-'));
  file = claudeSettingsPath(home);
  saved = null;
  settings = new ClaudeCodeSettingsFile(file, memoryRecord());
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('claudeSettingsPath', () => {
  it('uses ~/.claude/settings.json, or CLAUDE_CONFIG_DIR when set', () => {
    expect(claudeSettingsPath('/home/u')).toBe(path.join('/home/u', '.claude', 'settings.json'));
    expect(claudeSettingsPath('/home/u', { CLAUDE_CONFIG_DIR: '/cfg' })).toBe(path.join('/cfg', 'settings.json'));
  });
});

describe('Claude Code settings file', () => {
  it('creates the file and its folder when missing', async () => {
    expect(await settings.state(URL_8000)).toEqual({ settingsPath: file, configured: false, baseUrl: null, error: null });
    const state = await settings.configure(URL_8000);
    expect(state).toMatchObject({ configured: true, baseUrl: URL_8000, error: null });
    expect(await readJson()).toEqual({ env: { ANTHROPIC_BASE_URL: URL_8000 } });
    // Nothing existed, so there is nothing to back up.
    await expect(stat(file + BACKUP_SUFFIX)).rejects.toThrow();
  });

  it('keeps every other key and writes a backup of the previous content first', async () => {
    const original = {
      model: 'opus',
      permissions: { allow: ['Bash(npm test)'] },
      env: { DISABLE_TELEMETRY: '1' },
      hooks: { PreToolUse: [] },
    };
    await writeSettings(original);
    await settings.configure(URL_8000);
    expect(await readJson()).toEqual({ ...original, env: { DISABLE_TELEMETRY: '1', ANTHROPIC_BASE_URL: URL_8000 } });
    expect(await readJson(file + BACKUP_SUFFIX)).toEqual(original);
    // The atomic write leaves no temporary files behind.
    expect((await readdir(path.dirname(file))).sort()).toEqual(['settings.json', 'settings.json' + BACKUP_SUFFIX]);
  });

  it('refuses a file that is not valid JSON and leaves it byte for byte', async () => {
    const broken = '{ "model": "opus", // a comment\n }';
    await writeSettings(broken);
    const state = await settings.configure(URL_8000);
    expect(state.configured).toBe(false);
    expect(state.error).toMatch(/not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe(broken);
    expect(saved).toBeNull();
    expect((await settings.remove(URL_8000)).error).toMatch(/not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe(broken);
  });

  it('refuses JSON that is not an object, or whose env is not an object', async () => {
    await writeSettings('[1, 2]');
    expect((await settings.configure(URL_8000)).error).toMatch(/not contain a JSON object/);
    await writeSettings({ env: 'oops' });
    expect((await settings.configure(URL_8000)).error).toMatch(/"env" .* is not an object/);
    expect(await readJson()).toEqual({ env: 'oops' });
  });

  it('remove takes out only what the app added', async () => {
    await writeSettings({ model: 'sonnet', env: { DISABLE_TELEMETRY: '1' } });
    await settings.configure(URL_8000);
    const state = await settings.remove(URL_8000);
    expect(state).toMatchObject({ configured: false, baseUrl: null });
    expect(await readJson()).toEqual({ model: 'sonnet', env: { DISABLE_TELEMETRY: '1' } });
    expect(saved).toBeNull();
  });

  it('remove deletes an env object the app created and restores a value it replaced', async () => {
    await writeSettings({ model: 'sonnet' });
    await settings.configure(URL_8000);
    await settings.remove(URL_8000);
    expect(await readJson()).toEqual({ model: 'sonnet' });

    await writeSettings({ env: { ANTHROPIC_BASE_URL: 'https://gateway.example.com' } });
    await settings.configure(URL_8000);
    expect((await readJson()).env.ANTHROPIC_BASE_URL).toBe(URL_8000);
    await settings.remove(URL_8000);
    expect(await readJson()).toEqual({ env: { ANTHROPIC_BASE_URL: 'https://gateway.example.com' } });
  });

  it('remove leaves a base URL alone that the user pointed elsewhere by hand', async () => {
    await settings.configure(URL_8000);
    await writeSettings({ env: { ANTHROPIC_BASE_URL: 'https://gateway.example.com' }, theme: 'dark' });
    expect((await settings.state(URL_8000)).configured).toBe(false);
    const state = await settings.remove(URL_8000);
    expect(state).toMatchObject({ configured: false, baseUrl: 'https://gateway.example.com' });
    expect(await readJson()).toEqual({ env: { ANTHROPIC_BASE_URL: 'https://gateway.example.com' }, theme: 'dark' });
  });

  it('detects the state from the file, including hand edits', async () => {
    await writeSettings({ env: { ANTHROPIC_BASE_URL: URL_8000 + '/' } });
    expect(await settings.state(URL_8000)).toMatchObject({ configured: true, error: null });
    await writeSettings({ env: {} });
    expect(await settings.state(URL_8000)).toMatchObject({ configured: false, baseUrl: null });
  });

  it('a port change moves the setting along only when the app configured it', async () => {
    await writeSettings({ model: 'opus' });
    await settings.configure(URL_8000);
    const moved = await settings.follow(URL_9000);
    expect(moved).toMatchObject({ configured: true, baseUrl: URL_9000 });
    expect(await readJson()).toEqual({ model: 'opus', env: { ANTHROPIC_BASE_URL: URL_9000 } });
    expect(saved?.addedBaseUrl).toBe(URL_9000);
    // Removing after the move still removes exactly what was added.
    await settings.remove(URL_9000);
    expect(await readJson()).toEqual({ model: 'opus' });

    // Set by hand (no record): a port change does not touch it.
    await writeSettings({ env: { ANTHROPIC_BASE_URL: URL_8000 } });
    const untouched = await settings.follow(URL_9000);
    expect(untouched).toMatchObject({ configured: false, baseUrl: URL_8000 });
    expect(await readJson()).toEqual({ env: { ANTHROPIC_BASE_URL: URL_8000 } });
  });

  it.skipIf(process.platform === 'win32')('keeps the file mode of an existing file (POSIX only)', async () => {
    await writeSettings({ a: 1 });
    const { chmod } = await import('node:fs/promises');
    await chmod(file, 0o640);
    await settings.configure(URL_8000);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it.skipIf(process.platform === 'win32')('edits the file a symlinked settings.json points to, and keeps the link (dotfile managers)', async () => {
    const dotfile = path.join(home, 'dotfiles', 'claude-settings.json');
    await mkdir(path.dirname(dotfile), { recursive: true });
    await writeFile(dotfile, JSON.stringify({ model: 'opus' }));
    await mkdir(path.dirname(file), { recursive: true });
    await symlink(dotfile, file);
    await settings.configure(URL_8000);
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
    expect(await readJson(dotfile)).toEqual({ model: 'opus', env: { ANTHROPIC_BASE_URL: URL_8000 } });
    await settings.remove(URL_8000);
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
    expect(await readJson(dotfile)).toEqual({ model: 'opus' });
  });
});

describe('Claude Code status line', () => {
  const ownLine = { type: 'command', command: '~/.claude/statusline.sh', padding: 2 };
  const command = (url: string) => statusLineCommand({ script: '/app/dist/proxy/cascadeflow-statusline.sh', args: [], program: 'sh' }, url);
  const ours = (url: string) => ({ type: 'command', command: command(url) });
  let line: StatusLineAddition | null;
  let withLine: ClaudeCodeSettingsFile;

  beforeEach(() => {
    line = null;
    withLine = new ClaudeCodeSettingsFile(file, memoryRecord(), {
      command,
      record: { get: () => line, set: (value) => void (line = value) },
    });
  });

  it('installs with Configure, keeping the status line the user had, and Remove puts it back', async () => {
    await writeSettings({ model: 'opus', statusLine: ownLine });
    expect((await withLine.state(URL_8000)).statusLine).toEqual({ installed: false, command: ownLine.command });
    const state = await withLine.configure(URL_8000, { statusLine: true });
    expect(state).toMatchObject({ configured: true, statusLine: { installed: true, command: command(URL_8000) } });
    expect(await readJson()).toEqual({ model: 'opus', env: { ANTHROPIC_BASE_URL: URL_8000 }, statusLine: ours(URL_8000) });
    expect(line).toEqual({ settingsPath: file, command: command(URL_8000), previous: ownLine });

    const removed = await withLine.remove(URL_8000);
    expect(removed).toMatchObject({ configured: false, statusLine: { installed: false, command: ownLine.command } });
    expect(await readJson()).toEqual({ model: 'opus', statusLine: ownLine });
    expect([saved, line]).toEqual([null, null]);
  });

  it('takes out its own status line only, leaving none where there was none', async () => {
    await writeSettings({ model: 'opus' });
    await withLine.configure(URL_8000, { statusLine: true });
    // Configure without options leaves it as it is; the box's "off" takes it out, the base URL stays.
    await withLine.configure(URL_8000);
    expect((await readJson()).statusLine).toEqual(ours(URL_8000));
    const state = await withLine.configure(URL_8000, { statusLine: false });
    expect(state).toMatchObject({ configured: true, statusLine: { installed: false, command: null } });
    expect(await readJson()).toEqual({ model: 'opus', env: { ANTHROPIC_BASE_URL: URL_8000 } });
    expect(line).toBeNull();
  });

  it('moves its command along with a port change, still restoring the original', async () => {
    await writeSettings({ statusLine: ownLine });
    await withLine.configure(URL_8000, { statusLine: true });
    await withLine.follow(URL_9000);
    expect(await readJson()).toEqual({ env: { ANTHROPIC_BASE_URL: URL_9000 }, statusLine: ours(URL_9000) });
    expect(line).toEqual({ settingsPath: file, command: command(URL_9000), previous: ownLine });
    // Installing again over its own earlier command keeps the user's original too.
    await withLine.configure(URL_8000, { statusLine: true });
    expect(line?.previous).toEqual(ownLine);
    await withLine.remove(URL_8000);
    expect(await readJson()).toEqual({ statusLine: ownLine });
  });

  it('leaves alone a status line the user set after the app’s', async () => {
    await withLine.configure(URL_8000, { statusLine: true });
    const theirs = { type: 'command', command: 'ccusage statusline' };
    await writeSettings({ ...(await readJson()), statusLine: theirs });
    expect((await withLine.state(URL_8000)).statusLine).toEqual({ installed: false, command: theirs.command });
    await withLine.follow(URL_9000);
    expect((await readJson()).statusLine).toEqual(theirs);
    await withLine.remove(URL_9000);
    expect(await readJson()).toEqual({ statusLine: theirs });
    expect(line).toBeNull();
  });

  it('is not offered, and never written, without a command to run', async () => {
    await writeSettings({ statusLine: ownLine });
    const state = await settings.configure(URL_8000, { statusLine: true });
    expect(state.statusLine).toBeUndefined();
    expect((await readJson()).statusLine).toEqual(ownLine);
  });
});
