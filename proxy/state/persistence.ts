import type { z } from 'zod';
import type { KeyValueStore } from '../context';
import { describeIssues } from '../http/errors';
import { defaultRules, outdatedDefaultsNotice } from '../rules/defaults';
import { emptyStatsData, type StatsData } from '../stats/recorder';
import type { CascadeRule } from '../../contracts/rules';
import type { DecisionRecord } from '../../contracts/decision';
import type { Settings } from '../../contracts/settings';
import { DEFAULT_SETTINGS } from '../../contracts/settings';
import { decisionRecordSchema } from '../../contracts/decision';
import { persistedSchemas, SCHEMA_VERSION, STORE_KEYS, type StoreKey } from './layout';
import { backupStoreFile } from './stores';

export interface PersistedState {
  settings: Settings;
  rules: CascadeRule[];
  stats: StatsData;
  decisions: DecisionRecord[];
  adminToken: string | null;
  /** Keys that were missing or repaired and must be written back. */
  repaired: StoreKey[];
  /** Human-readable problems found while loading (shown in status and log). */
  warnings: string[];
}

/**
 * Reads and validates every key. A key that is missing gets its default; a key that fails
 * its schema, or a file written by another schema version, is backed up once and whatever
 * still validates is kept (invalid decision records are dropped one by one) — never a crash.
 */
export function loadState(store: KeyValueStore, now = Date.now()): PersistedState {
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
  const stats = read(STORE_KEYS.stats, persistedSchemas.stats, () => emptyStatsData(now));
  const adminToken = read(STORE_KEYS.adminToken, persistedSchemas.adminToken.nullable(), () => null);

  const rawDecisions = store.get(STORE_KEYS.decisions);
  let decisions: DecisionRecord[] = [];
  if (rawDecisions === undefined) {
    repaired.add(STORE_KEYS.decisions);
  } else if (!Array.isArray(rawDecisions)) {
    problems.push('decisions reset (not a list)');
    repaired.add(STORE_KEYS.decisions);
  } else {
    decisions = rawDecisions.filter((r) => decisionRecordSchema.safeParse(r).success) as DecisionRecord[];
    if (decisions.length < rawDecisions.length) {
      problems.push(`${rawDecisions.length - decisions.length} invalid decision record(s) dropped`);
      repaired.add(STORE_KEYS.decisions);
    }
  }

  if (problems.length > 0) {
    const backup = backupStoreFile(store.path);
    warnings.push(
      `Stored data in ${store.path} needed repair: ${problems.join('; ')}.` +
        (backup ? ` The original was backed up to ${backup}.` : ''),
    );
  }
  return { settings, rules, stats, decisions, adminToken, repaired: [...repaired], warnings };
}

/**
 * Batches writes: callers mark keys dirty on the hot path; at most one write per key per
 * interval, and everything on flush(). A failing write (disk full, read-only) is reported
 * once and retried on the next flush.
 */
export class BatchedWriter {
  private readonly dirty = new Set<StoreKey>();
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly store: KeyValueStore,
    private readonly valueOf: (key: StoreKey) => unknown,
    private readonly onError: (message: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  mark(...keys: StoreKey[]): void {
    for (const key of keys) this.dirty.add(key);
    if (!this.timer && !this.stopped) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const key of [...this.dirty]) {
      try {
        const value = this.valueOf(key);
        if (value === null || value === undefined) this.store.delete(key);
        else this.store.set(key, value);
        this.dirty.delete(key);
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.onError(`Could not save ${key} to ${this.store.path}: ${(error as Error).message}`);
        this.failing = true;
        if (!this.timer) this.mark();
        return;
      }
    }
  }

  /** No more timed writes (after close); flush() still writes what is dirty. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
