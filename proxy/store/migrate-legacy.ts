// Up to schema version 1, stats and the last 500 decisions lived in config.json (keys `stats`
// and `decisions`), rewritten whole on every flush. On the first start with the file store,
// they move there and leave config.json.
import type { KeyValueStore } from '../state/stores';
import { decisionRecordSchema } from '../../contracts/decision';
import { describeIssues } from '../http/errors';
import { statsDataSchema } from '../stats/aggregates';
import type { FileDecisionStore } from './file-store';

export const LEGACY_KEYS = { stats: 'stats', decisions: 'decisions' } as const;

/**
 * Call right after opening the store, before the first append. Imports the legacy keys into a
 * new store and removes them from `kv` once the store has them on disk; a store that already
 * has its files imported them before (a stop between the two steps), so they are only removed.
 * Returns the number of decisions imported. Problems go to `store.warnings`.
 */
export async function migrateLegacyStats(kv: KeyValueStore, store: FileDecisionStore): Promise<number> {
  const rawStats = kv.get(LEGACY_KEYS.stats);
  const rawDecisions = kv.get(LEGACY_KEYS.decisions);
  if (rawStats === undefined && rawDecisions === undefined) return 0;
  let imported = 0;
  if (store.isNew) {
    const list: unknown[] = Array.isArray(rawDecisions) ? rawDecisions : [];
    if (rawDecisions !== undefined && !Array.isArray(rawDecisions)) store.warnings.push(`The decisions in ${kv.path} were not a list; dropped.`);
    const decisions = list.flatMap((raw) => {
      const parsed = decisionRecordSchema.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
    const dropped = list.length - decisions.length;
    if (dropped > 0) store.warnings.push(`Dropped ${dropped} invalid decision record(s) while moving them out of ${kv.path}.`);
    const stats = statsDataSchema.safeParse(rawStats);
    if (!stats.success && rawStats !== undefined) {
      store.warnings.push(`The stats in ${kv.path} were invalid (${describeIssues(stats.error)}); rebuilt from the ${decisions.length} decisions kept.`);
    }
    // Not on disk (reported through onError): the keys stay for the next start.
    if (!(await store.importLegacy(stats.success ? stats.data : null, decisions))) return 0;
    imported = decisions.length;
  }
  kv.delete(LEGACY_KEYS.stats);
  kv.delete(LEGACY_KEYS.decisions);
  return imported;
}
