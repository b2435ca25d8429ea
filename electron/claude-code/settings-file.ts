// Points Claude Code at the proxy by editing its user settings file
// (~/.claude/settings.json, or $CLAUDE_CONFIG_DIR/settings.json), and on request installs
// its status line (status-line.ts). The file belongs to the user: every other key is kept,
// a file that is not valid JSON is never touched, a backup is written before each change,
// writes are atomic, and "remove" undoes only what this app added (recorded in the app's
// own store), putting back what the user had.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ClaudeCodeOptions, ClaudeCodeState } from '../../contracts/desktop';
import {
  currentStatusLine,
  statusLineAdditionSchema,
  withoutStatusLine,
  withStatusLine,
  type StatusLineAddition,
  type StatusLineChange,
} from './status-line';

const BASE_URL_KEY = 'ANTHROPIC_BASE_URL';
export const BACKUP_SUFFIX = '.cascadeflow-backup';

/** What the app changed, so that removing it restores the user's own value. */
const additionSchema = z.object({
  settingsPath: z.string(),
  addedBaseUrl: z.string(),
  /** The value ANTHROPIC_BASE_URL had before the app changed it. */
  previousBaseUrl: z.string().nullable(),
  /** The app created the `env` object, so it may delete it once empty. */
  createdEnv: z.boolean(),
});
export type ClaudeCodeAddition = z.infer<typeof additionSchema>;

/** Where an addition record persists (a key of the app's store). */
export interface AdditionRecord<T = ClaudeCodeAddition> {
  get(): unknown;
  set(value: T | null): void;
}

/** What installing the status line needs: its command for a proxy URL, and where to remember what it replaced. */
export interface StatusLineSetup {
  command(baseUrl: string): string;
  record: AdditionRecord<StatusLineAddition>;
}

/** One write's worth of changes: the new content, and what to record once it is written. */
interface Plan {
  data: JsonObject;
  commit: Array<() => void>;
}

export function claudeSettingsPath(homeDir: string, env: NodeJS.ProcessEnv = {}): string {
  const configDir = env.CLAUDE_CONFIG_DIR?.trim();
  return path.join(configDir ? configDir : path.join(homeDir, '.claude'), 'settings.json');
}

type JsonObject = Record<string, unknown>;
type ReadResult = { kind: 'ok'; data: JsonObject; exists: boolean } | { kind: 'invalid'; error: string };

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameUrl(a: string | null, b: string): boolean {
  return a !== null && a.trim().replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

export class ClaudeCodeSettingsFile {
  readonly settingsPath: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    settingsPath: string,
    private readonly record: AdditionRecord,
    /** Absent: the app offers no status line (the command is not there). */
    private readonly statusLine?: StatusLineSetup,
  ) {
    this.settingsPath = settingsPath;
  }

  state(baseUrl: string): Promise<ClaudeCodeState> {
    return this.serial(async () => this.describe(await this.read(), baseUrl));
  }

  /**
   * Merges env.ANTHROPIC_BASE_URL = baseUrl, and installs (statusLine: true) or removes (false)
   * the status line; refuses (state.error) when the file is not valid JSON.
   */
  configure(baseUrl: string, options: ClaudeCodeOptions = {}): Promise<ClaudeCodeState> {
    return this.serial(async () => {
      const file = await this.read();
      if (file.kind === 'invalid') return this.describe(file, baseUrl);
      const plan: Plan = { data: file.data, commit: [] };
      const current = currentBaseUrl(file.data);
      if (!sameUrl(current, baseUrl)) {
        const previous = this.addition();
        const env = isPlainObject(file.data.env) ? file.data.env : undefined;
        const addition: ClaudeCodeAddition = {
          settingsPath: this.settingsPath,
          addedBaseUrl: baseUrl,
          // Re-configuring over our own earlier value keeps the user's original one.
          previousBaseUrl: previous && sameUrl(current, previous.addedBaseUrl) ? previous.previousBaseUrl : current,
          createdEnv: previous && sameUrl(current, previous.addedBaseUrl) ? previous.createdEnv : env === undefined,
        };
        plan.data = { ...plan.data, env: { ...env, [BASE_URL_KEY]: baseUrl } };
        plan.commit.push(() => this.record.set(addition));
      }
      if (options.statusLine === true && this.statusLine) {
        const command = this.statusLine.command(baseUrl);
        this.apply(plan, withStatusLine(plan.data, command, this.statusLineAddition(), this.settingsPath));
      }
      if (options.statusLine === false) this.apply(plan, this.withoutOurStatusLine(plan.data, baseUrl));
      return this.commit(file, plan, baseUrl);
    });
  }

  /**
   * Removes ANTHROPIC_BASE_URL only while it points at this proxy, restoring the user's earlier
   * value, and the app's status line, restoring the user's own.
   */
  remove(baseUrl: string): Promise<ClaudeCodeState> {
    return this.serial(async () => {
      const file = await this.read();
      if (file.kind === 'invalid') return this.describe(file, baseUrl);
      const plan: Plan = { data: file.data, commit: [] };
      const addition = this.addition();
      const current = currentBaseUrl(file.data);
      const ours = sameUrl(current, baseUrl) || (addition !== null && sameUrl(current, addition.addedBaseUrl));
      if (ours && isPlainObject(file.data.env)) {
        const env: JsonObject = { ...file.data.env };
        if (addition?.previousBaseUrl) env[BASE_URL_KEY] = addition.previousBaseUrl;
        else delete env[BASE_URL_KEY];
        plan.data = { ...plan.data, env };
        if (Object.keys(env).length === 0 && addition?.createdEnv) delete plan.data.env;
      }
      this.apply(plan, this.withoutOurStatusLine(plan.data, baseUrl));
      // Forgotten either way: what is there now is the user's.
      plan.commit.push(() => this.record.set(null), () => this.statusLine?.record.set(null));
      return this.commit(file, plan, baseUrl);
    });
  }

  /**
   * After a port or host change (and at every start: an AppImage's path changes each launch):
   * moves the base URL and the status line's command along, each only if the app put it there.
   */
  follow(newBaseUrl: string): Promise<ClaudeCodeState> {
    return this.serial(async () => {
      const file = await this.read();
      if (file.kind === 'invalid') return this.describe(file, newBaseUrl);
      const plan: Plan = { data: file.data, commit: [] };
      const addition = this.addition();
      const current = currentBaseUrl(file.data);
      if (addition && sameUrl(current, addition.addedBaseUrl) && !sameUrl(current, newBaseUrl)) {
        plan.data = { ...plan.data, env: { ...(file.data.env as JsonObject), [BASE_URL_KEY]: newBaseUrl } };
        plan.commit.push(() => this.record.set({ ...addition, addedBaseUrl: newBaseUrl }));
      }
      const line = this.statusLineAddition();
      if (this.statusLine && line && currentStatusLine(plan.data) === line.command) {
        this.apply(plan, withStatusLine(plan.data, this.statusLine.command(newBaseUrl), line, this.settingsPath));
      }
      return this.commit(file, plan, newBaseUrl);
    });
  }

  private addition(): ClaudeCodeAddition | null {
    const parsed = additionSchema.safeParse(this.record.get());
    return parsed.success && parsed.data.settingsPath === this.settingsPath ? parsed.data : null;
  }

  private statusLineAddition(): StatusLineAddition | null {
    const parsed = statusLineAdditionSchema.safeParse(this.statusLine?.record.get());
    return parsed.success && parsed.data.settingsPath === this.settingsPath ? parsed.data : null;
  }

  /** The app's status line is the one it recorded writing, or the one it would write now. */
  private isOurStatusLine(command: string, baseUrl: string): boolean {
    return command === this.statusLineAddition()?.command || command === this.statusLine?.command(baseUrl);
  }

  private withoutOurStatusLine(data: JsonObject, baseUrl: string): StatusLineChange | null {
    if (!this.statusLine) return null;
    return withoutStatusLine(data, (command) => this.isOurStatusLine(command, baseUrl), this.statusLineAddition());
  }

  private apply(plan: Plan, change: StatusLineChange | null): void {
    if (!change) return;
    plan.data = change.data;
    plan.commit.push(() => this.statusLine?.record.set(change.addition));
  }

  /** Writes the plan's content if it changed anything, then (once written) records what changed. */
  private async commit(file: Extract<ReadResult, { kind: 'ok' }>, plan: Plan, baseUrl: string): Promise<ClaudeCodeState> {
    const changed = plan.data !== file.data;
    if (changed) await this.write(plan.data, file.exists);
    for (const remember of plan.commit) remember();
    return this.describe(changed ? { kind: 'ok', data: plan.data, exists: true } : file, baseUrl);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private describe(file: ReadResult, baseUrl: string): ClaudeCodeState {
    if (file.kind === 'invalid') {
      return { settingsPath: this.settingsPath, configured: false, baseUrl: null, error: file.error };
    }
    const current = currentBaseUrl(file.data);
    const state: ClaudeCodeState = { settingsPath: this.settingsPath, configured: sameUrl(current, baseUrl), baseUrl: current, error: null };
    if (!this.statusLine) return state;
    const command = currentStatusLine(file.data);
    return { ...state, statusLine: { installed: command !== null && this.isOurStatusLine(command, baseUrl), command } };
  }

  private async read(): Promise<ReadResult> {
    let text: string;
    try {
      text = await readFile(this.settingsPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'ok', data: {}, exists: false };
      return { kind: 'invalid', error: `${this.settingsPath} cannot be read: ${(error as Error).message}` };
    }
    if (text.trim() === '') return { kind: 'ok', data: {}, exists: true };
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return {
        kind: 'invalid',
        error: `${this.settingsPath} is not valid JSON (${(error as Error).message}); fix it by hand, CascadeFlow will not change it.`,
      };
    }
    if (!isPlainObject(data)) {
      return { kind: 'invalid', error: `${this.settingsPath} does not contain a JSON object; CascadeFlow will not change it.` };
    }
    if (data.env !== undefined && !isPlainObject(data.env)) {
      return { kind: 'invalid', error: `"env" in ${this.settingsPath} is not an object; CascadeFlow will not change it.` };
    }
    return { kind: 'ok', data, exists: true };
  }

  /** Backup of the current file first, then write-to-temp + rename so a crash never leaves half a file. */
  private async write(data: JsonObject, exists: boolean): Promise<void> {
    let mode = 0o600;
    // A symlinked settings.json (dotfile managers) stays a link: the file it points to is replaced.
    let target = this.settingsPath;
    if (exists) {
      await copyFile(this.settingsPath, this.settingsPath + BACKUP_SUFFIX);
      mode = (await stat(this.settingsPath)).mode & 0o777;
      target = await realpath(this.settingsPath);
    }
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.settings.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(temp, JSON.stringify(data, null, 2) + '\n', { mode });
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}

function currentBaseUrl(data: JsonObject): string | null {
  const env = data.env;
  if (!isPlainObject(env)) return null;
  const value = env[BASE_URL_KEY];
  return typeof value === 'string' ? value : null;
}
