// Points Claude Code at the proxy by editing its user settings file
// (~/.claude/settings.json, or $CLAUDE_CONFIG_DIR/settings.json). The file belongs to
// the user: every other key is kept, a file that is not valid JSON is never touched,
// a backup is written before each change, writes are atomic, and "remove" undoes only
// what this app added (recorded in the app's own store).
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ClaudeCodeState } from '../../contracts/desktop';

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

/** Where the addition record persists (a key of the app's store). */
export interface AdditionRecord {
  get(): unknown;
  set(value: ClaudeCodeAddition | null): void;
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
  ) {
    this.settingsPath = settingsPath;
  }

  state(baseUrl: string): Promise<ClaudeCodeState> {
    return this.serial(async () => this.describe(await this.read(), baseUrl));
  }

  /** Merges env.ANTHROPIC_BASE_URL = baseUrl; refuses (state.error) when the file is not valid JSON. */
  configure(baseUrl: string): Promise<ClaudeCodeState> {
    return this.serial(async () => {
      const file = await this.read();
      if (file.kind === 'invalid') return this.describe(file, baseUrl);
      const current = currentBaseUrl(file.data);
      if (sameUrl(current, baseUrl)) return this.describe(file, baseUrl);

      const previous = this.addition();
      const env = isPlainObject(file.data.env) ? file.data.env : undefined;
      const addition: ClaudeCodeAddition = {
        settingsPath: this.settingsPath,
        addedBaseUrl: baseUrl,
        // Re-configuring over our own earlier value keeps the user's original one.
        previousBaseUrl: previous && sameUrl(current, previous.addedBaseUrl) ? previous.previousBaseUrl : current,
        createdEnv: previous && sameUrl(current, previous.addedBaseUrl) ? previous.createdEnv : env === undefined,
      };
      const data = { ...file.data, env: { ...env, [BASE_URL_KEY]: baseUrl } };
      await this.write(data, file.exists);
      this.record.set(addition);
      return this.describe({ kind: 'ok', data, exists: true }, baseUrl);
    });
  }

  /** Removes ANTHROPIC_BASE_URL only while it points at this proxy, restoring the user's earlier value. */
  remove(baseUrl: string): Promise<ClaudeCodeState> {
    return this.serial(async () => {
      const file = await this.read();
      if (file.kind === 'invalid') return this.describe(file, baseUrl);
      const addition = this.addition();
      const current = currentBaseUrl(file.data);
      const ours = sameUrl(current, baseUrl) || (addition !== null && sameUrl(current, addition.addedBaseUrl));
      if (!ours || !isPlainObject(file.data.env)) {
        this.record.set(null);
        return this.describe(file, baseUrl);
      }
      const env: JsonObject = { ...file.data.env };
      if (addition?.previousBaseUrl) env[BASE_URL_KEY] = addition.previousBaseUrl;
      else delete env[BASE_URL_KEY];
      const data: JsonObject = { ...file.data, env };
      if (Object.keys(env).length === 0 && addition?.createdEnv) delete data.env;
      await this.write(data, true);
      this.record.set(null);
      return this.describe({ kind: 'ok', data, exists: true }, baseUrl);
    });
  }

  /** After a port or host change: moves the setting along, but only if the app put it there. */
  follow(newBaseUrl: string): Promise<ClaudeCodeState> {
    return this.serial(async () => {
      const file = await this.read();
      const addition = this.addition();
      if (file.kind === 'invalid' || !addition) return this.describe(file, newBaseUrl);
      const current = currentBaseUrl(file.data);
      if (!sameUrl(current, addition.addedBaseUrl) || sameUrl(current, newBaseUrl)) {
        return this.describe(file, newBaseUrl);
      }
      const env = file.data.env as JsonObject;
      const data = { ...file.data, env: { ...env, [BASE_URL_KEY]: newBaseUrl } };
      await this.write(data, true);
      this.record.set({ ...addition, addedBaseUrl: newBaseUrl });
      return this.describe({ kind: 'ok', data, exists: true }, newBaseUrl);
    });
  }

  private addition(): ClaudeCodeAddition | null {
    const parsed = additionSchema.safeParse(this.record.get());
    return parsed.success && parsed.data.settingsPath === this.settingsPath ? parsed.data : null;
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
    return { settingsPath: this.settingsPath, configured: sameUrl(current, baseUrl), baseUrl: current, error: null };
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
