// Claude Code's status line as this app installs it: `statusLine` in settings.json running a
// command that prints this session's savings (proxy/statusline/): on macOS and Linux with curl,
// the sh script, which starts in a few milliseconds; elsewhere `cascadeflow statusline`, which
// needs Node (or Electron as Node) to start first. Both print the proxy's own line.
// A status line the user already had is kept (in the app's store) and put back when the app's
// is removed; one the user set after the app's is never touched. Pure: settings in, settings out.
import path from 'node:path';
import { z } from 'zod';
import type { BIN_FILE, STATUS_LINE_SCRIPT } from '../tools/build';

/** What the app changed, so that removing it restores the user's own status line. */
export const statusLineAdditionSchema = z.object({
  settingsPath: z.string(),
  /** The command the app wrote. */
  command: z.string(),
  /** settings.json's `statusLine` before the app changed it; absent: there was none. */
  previous: z.unknown().optional(),
});
export type StatusLineAddition = z.infer<typeof statusLineAdditionSchema>;

/** The commands' file names (the build's, checked by the compiler; build/electron-builder.json copies them to the resources). */
const BIN_NAME: typeof BIN_FILE = 'cascadeflow.cjs';
const SCRIPT_NAME: typeof STATUS_LINE_SCRIPT = 'cascadeflow-statusline.sh';

/** How to run the status line where the app is installed: dist/proxy/cascadeflow-statusline.sh or dist/proxy/cascadeflow.cjs. */
export interface StatusLineRunner {
  /** The script itself, absolute. */
  script: string;
  /** Its arguments before `--url`: `statusline` for the `cascadeflow` command, none for the sh script. */
  args: string[];
  /** A program that runs it as Node, when the script cannot run by itself (a packaged app has no `node`). */
  program?: string;
  /** The program is Electron's binary, which runs a script as Node only with ELECTRON_RUN_AS_NODE=1. */
  electronAsNode?: boolean;
}

/**
 * Which command, and where it is: beside the packaged app's resources, or built in the
 * repository (`npm run build`). The sh script where there is a POSIX shell and curl.
 */
export function statusLineRunner(app: {
  packaged: boolean;
  platform: NodeJS.Platform;
  /** The binary that starts the app: Electron's, or the AppImage file (its mount point changes each launch). */
  execPath: string;
  resourcesPath: string;
  appPath: string;
  /** Whether `curl` is on PATH. */
  curl: boolean;
}): StatusLineRunner {
  const dir = app.packaged ? app.resourcesPath : path.join(app.appPath, 'dist', 'proxy');
  // Run by sh, not by its mode bits: a copied resource may have lost them.
  if (app.platform !== 'win32' && app.curl) return { script: path.join(dir, SCRIPT_NAME), args: [], program: 'sh' };
  const script = path.join(dir, BIN_NAME);
  if (app.packaged) return { script, args: ['statusline'], program: app.execPath, electronAsNode: true };
  // Windows runs no script by its shebang.
  return app.platform === 'win32' ? { script, args: ['statusline'], program: 'node' } : { script, args: ['statusline'] };
}

/** A word for a POSIX shell (Claude Code runs the command through one): quoted unless plainly safe. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command line for a proxy at `baseUrl`; the URL is part of it, so a port change moves it along. */
export function statusLineCommand(runner: StatusLineRunner, baseUrl: string): string {
  const words = [runner.script, ...runner.args, '--url', baseUrl].map(shellWord);
  if (runner.program) words.unshift(shellWord(runner.program));
  if (runner.electronAsNode) words.unshift('ELECTRON_RUN_AS_NODE=1');
  return words.join(' ');
}

type JsonObject = Record<string, unknown>;

/** The command settings.json's status line runs, if it has one. */
export function currentStatusLine(data: JsonObject): string | null {
  const line = data.statusLine;
  const command = typeof line === 'object' && line !== null ? (line as JsonObject).command : undefined;
  return typeof command === 'string' ? command : null;
}

export interface StatusLineChange {
  data: JsonObject;
  /** What to remember (null: nothing). */
  addition: StatusLineAddition | null;
}

/** settings.json with the app's status line; null when it is already there. */
export function withStatusLine(data: JsonObject, command: string, addition: StatusLineAddition | null, settingsPath: string): StatusLineChange | null {
  const current = currentStatusLine(data);
  if (current === command) return null;
  // Re-installing over the app's own earlier command keeps the user's original.
  const ours = addition !== null && current === addition.command;
  const previous = ours ? addition.previous : data.statusLine;
  return {
    data: { ...data, statusLine: { type: 'command', command } },
    addition: { settingsPath, command, ...(previous !== undefined && { previous }) },
  };
}

/** settings.json with the user's own status line back; null when the one there is not the app's (left alone). */
export function withoutStatusLine(data: JsonObject, ours: (command: string) => boolean, addition: StatusLineAddition | null): StatusLineChange | null {
  const current = currentStatusLine(data);
  if (current === null || !ours(current)) return null;
  const { statusLine: _ours, ...rest } = data;
  const previous = addition?.previous;
  return { data: previous === undefined || previous === null ? rest : { ...rest, statusLine: previous }, addition: null };
}
