// Loading and writing the keys of config.json (layout.ts): validated on load, repaired
// rather than crashed on, written when they change. The repair (keepValid) is shared with
// stats.json (store/file-store.ts): a damaged file loses only its invalid parts.
import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
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
    const dropped: string[] = [];
    const kept = keepValid(schema, raw, fallback(), dropped);
    problems.push(`${key} ${describeDropped(dropped, key)} (${describeIssues(parsed.error)})`);
    repaired.add(key);
    return kept;
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

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Unwraps optional/nullable/default so a field's object, record or array shape is seen. */
function shapeOf(schema: z.ZodType): z.ZodType {
  const inner = (schema as { def?: { innerType?: z.ZodType } }).def?.innerType;
  return inner ? shapeOf(inner) : schema;
}

/**
 * `raw` with only its invalid parts replaced: an object keeps every field that validates
 * (an invalid one takes `fallback`'s value), a record or an array every entry that validates;
 * anything still invalid as a whole is `fallback`. The paths replaced or dropped are pushed
 * onto `dropped` ('' is the whole value).
 */
export function keepValid<S extends z.ZodType>(schema: S, raw: unknown, fallback: z.output<S>, dropped: string[], at = ''): z.output<S> {
  const whole = schema.safeParse(raw);
  if (whole.success) return whole.data;
  const inner = shapeOf(schema);
  const here = dropped.length;
  const child = (key: string) => (at ? `${at}.${key}` : key);
  let candidate: unknown;
  if (inner instanceof z.ZodObject && isPlainObject(raw)) {
    const defaults: Record<string, unknown> = isPlainObject(fallback) ? fallback : {};
    candidate = Object.fromEntries(
      Object.entries(inner.shape as Record<string, z.ZodType>).map(([key, field]) => [key, keepValid(field, raw[key], defaults[key], dropped, child(key))]),
    );
  } else if (inner instanceof z.ZodRecord && isPlainObject(raw)) {
    const entry = inner as z.ZodRecord<z.ZodType<PropertyKey>, z.ZodType>;
    candidate = Object.fromEntries(
      Object.entries(raw).filter(([key, value]) => {
        const valid = entry.keyType.safeParse(key).success && entry.valueType.safeParse(value).success;
        if (!valid) dropped.push(child(key));
        return valid;
      }),
    );
  } else if (inner instanceof z.ZodArray && Array.isArray(raw)) {
    const items = raw.filter((item, i) => {
      const valid = (inner.element as z.ZodType).safeParse(item).success;
      if (!valid) dropped.push(child(String(i)));
      return valid;
    });
    // None left of a non-empty list (a rule list of an old shape): the default list, not an empty one.
    if (items.length > 0 || raw.length === 0) candidate = items;
  }
  if (candidate !== undefined) {
    const again = schema.safeParse(candidate);
    if (again.success) return again.data;
  }
  // Nothing of it could be kept (or its parts only fail together): the parts noted above are moot.
  dropped.splice(here, dropped.length - here, at);
  return fallback;
}

/** What keepValid did, after the value's name: "reset", or "repaired (reset root.a.b, root.c; the rest kept)". */
export function describeDropped(dropped: string[], root: string): string {
  if (dropped.length === 0 || dropped.includes('')) return 'reset';
  const shown = dropped.slice(0, 5).map((p) => `${root}.${p}`);
  const more = dropped.length > shown.length ? ` and ${dropped.length - shown.length} more` : '';
  return `repaired (reset ${shown.join(', ')}${more}; the rest kept)`;
}

/**
 * conf reads a file holding null, an array or a string as an object key by key (and then
 * writes that back), losing the original. Such a file is moved aside before the store opens;
 * returns the warning, or null when the file is missing, an object, or not JSON at all (the
 * caller's SyntaxError path).
 */
export function setAsideNonObjectRoot(filePath: string): string | null {
  let root: unknown;
  try {
    root = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch {
    return null;
  }
  if (isPlainObject(root)) return null;
  const what = root === null ? 'null' : Array.isArray(root) ? 'an array' : `a ${typeof root}`;
  const backup = backupStoreFile(filePath);
  rmSync(filePath);
  return `Stored data in ${filePath} held ${what} instead of an object; moved to ${backup} and started fresh.`;
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
