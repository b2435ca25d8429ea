// Loading and writing the keys of config.json (layout.ts): validated on load, repaired
// rather than crashed on, written when they change.
import type { z } from 'zod';
import type { KeyValueStore } from './stores';
import { describeIssues } from '../http/errors';
import { defaultRules, outdatedDefaultsNotice } from '../rules/defaults';
import type { CascadeRule } from '../../contracts/rules';
import { DEFAULT_SETTINGS, type Settings } from '../../contracts/settings';
import { persistedSchemas, SCHEMA_VERSION, STORE_KEYS, type StoreKey } from './layout';
import { backupStoreFile } from '../store/files';

export interface PersistedState {
  settings: Settings;
  rules: CascadeRule[];
  adminToken: string | null;
  /** Keys that were missing or repaired and must be written back. */
  repaired: StoreKey[];
  /** Human-readable problems found while loading (shown in status and log). */
  warnings: string[];
}

/**
 * Reads and validates every key. A key that is missing gets its default; a key that fails
 * its schema, or a file written by another schema version, is backed up once and whatever
 * still validates is kept — never a crash.
 */
export function loadState(store: KeyValueStore): PersistedState {
  const warnings: string[] = [];
  const problems: string[] = [];
  const repaired = new Set<StoreKey>();
  const version = store.get(STORE_KEYS.schemaVersion);
  const present = (key: StoreKey) => store.get(key) !== undefined;
  const fresh = version === undefined && !Object.values(STORE_KEYS).some(present);
  if (!fresh && version !== SCHEMA_VERSION) {
    problems.push(`schema version ${JSON.stringify(version ?? null)} (this version reads ${SCHEMA_VERSION})`);
  }
  if (version !== SCHEMA_VERSION) repaired.add(STORE_KEYS.schemaVersion);

  function read<S extends z.ZodType>(key: StoreKey, schema: S, fallback: () => z.output<S>): z.output<S> {
    const raw = store.get(key);
    if (raw === undefined) {
      repaired.add(key);
      return fallback();
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push(`${key} reset (${describeIssues(parsed.error)})`);
    repaired.add(key);
    return fallback();
  }

  const settings = read(STORE_KEYS.settings, persistedSchemas.settings, () => ({ ...DEFAULT_SETTINGS }));
  const rules = read(STORE_KEYS.rules, persistedSchemas.rules, defaultRules);
  const outdated = outdatedDefaultsNotice(rules);
  if (outdated) warnings.push(outdated);
  const adminToken = read(STORE_KEYS.adminToken, persistedSchemas.adminToken.nullable(), () => null);

  if (problems.length > 0) {
    const backup = backupStoreFile(store.path);
    warnings.push(
      `Stored data in ${store.path} needed repair: ${problems.join('; ')}.` +
        (backup ? ` The original was backed up to ${backup}.` : ''),
    );
  }
  return { settings, rules, adminToken, repaired: [...repaired], warnings };
}

/**
 * Writes keys when they change. A failing write (disk full, read-only) is reported once and
 * the value kept: the next write or flush() tries again, so the latest value still lands.
 */
export class ConfigWriter {
  private readonly pending = new Map<StoreKey, unknown>();
  private failing = false;

  constructor(
    private readonly store: KeyValueStore,
    private readonly onError: (message: string) => void,
  ) {}

  /** null deletes the key. */
  write(key: StoreKey, value: unknown): void {
    this.pending.set(key, value);
    this.flush();
  }

  flush(): void {
    for (const [key, value] of this.pending) {
      try {
        if (value === null) this.store.delete(key);
        else this.store.set(key, value);
        this.pending.delete(key);
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.onError(`Could not save ${key} to ${this.store.path}: ${(error as Error).message}`);
        this.failing = true;
        return;
      }
    }
  }
}
