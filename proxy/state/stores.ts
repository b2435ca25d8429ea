import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import type { ApiKeyStorage } from '../../contracts/settings';
import { backupStoreFile } from '../store/files';
import { setAsideNonObjectRoot } from './persistence';

/** What conf (Node) and electron-store (Electron) both offer. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  readonly path: string;
  /**
   * Where several processes share the store (a team's configuration in PostgreSQL): a
   * read-modify-write of `keys` none of them can interleave. `change` runs on the keys as stored
   * and what it changes is written at once. Absent elsewhere: the owner changes the store itself.
   */
  edit?<T>(keys: readonly string[], change: (store: KeyValueStore) => T): Promise<T>;
}

/** Where the optional fallback API key lives. Never plain text on disk. */
export interface SecretStore {
  readonly kind: ApiKeyStorage;
  get(): string | null;
  set(key: string | null): void;
}

export const STORE_FILE_NAME = 'config.json';

/**
 * Opens a conf/electron-store style store; a file that is not valid JSON, or whose root is
 * not an object, is moved aside and a fresh store opened, with a warning instead of a crash.
 * The Electron shell can pass its electron-store factory here too.
 */
export function openWithRecovery(
  filePath: string,
  open: () => KeyValueStore,
): { store: KeyValueStore; warnings: string[] } {
  const setAside = setAsideNonObjectRoot(filePath);
  try {
    return { store: open(), warnings: setAside ? [setAside] : [] };
  } catch (error) {
    if (!(error instanceof SyntaxError) || !fs.existsSync(filePath)) throw error;
    const backup = backupStoreFile(filePath);
    fs.rmSync(filePath);
    return {
      store: open(),
      warnings: [`Stored data in ${filePath} was not valid JSON (${error.message}); moved to ${backup} and started fresh.`],
    };
  }
}

/** Options shared by conf (headless) and electron-store (desktop, a conf subclass): one file format for both. */
export const STORE_OPTIONS = {
  // Key names contain no dots; the admin token is in there, so owner-only.
  accessPropertiesByDotNotation: false,
  configFileMode: 0o600,
} as const;

/** The KeyValueStore view of a conf (or electron-store) instance. */
export function keyValueStoreOf(conf: Conf<Record<string, unknown>>): KeyValueStore {
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
    path: conf.path,
  };
}

/** The headless proxy's store: conf, in the same file electron-store uses. */
export function openConfStore(dataDir: string): { store: KeyValueStore; warnings: string[] } {
  return openWithRecovery(path.join(dataDir, STORE_FILE_NAME), () =>
    keyValueStoreOf(
      new Conf<Record<string, unknown>>({
        cwd: dataDir,
        configName: path.basename(STORE_FILE_NAME, '.json'),
        ...STORE_OPTIONS,
      }),
    ),
  );
}

/** An in-memory store for tests and throwaway runs; values are copied like a JSON file would. */
export function createMemoryStore(initial: Record<string, unknown> = {}): KeyValueStore {
  const data = new Map<string, unknown>(Object.entries(structuredClone(initial)));
  return {
    get: (key) => structuredClone(data.get(key)),
    set: (key, value) => void data.set(key, JSON.parse(JSON.stringify(value))),
    delete: (key) => void data.delete(key),
    path: ':memory:',
  };
}

/** The headless default: the key lives in memory until the proxy stops, never on disk. */
export function createMemorySecretStore(): SecretStore {
  let key: string | null = null;
  return {
    kind: 'memory',
    get: () => key,
    set: (value) => {
      key = value;
    },
  };
}
