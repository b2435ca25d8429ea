import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decisionRecord } from '../../test/fixtures/contracts';
import { openConfStore } from '../state/stores';
import { RunningAggregates, emptyStatsData } from '../stats/aggregates';
import { openFileDecisionStore } from './file-store';
import { LEGACY_KEYS, migrateLegacyStats } from './migrate-legacy';
import { useTempDirs } from '../../test/temp-dirs';

const MINUTE = 60_000;
const t0 = new Date(2026, 0, 5, 10, 0).getTime();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(t0 + 10 * MINUTE);
});

const tempDir = useTempDirs('cf-migrate-');
afterEach(() => {
  vi.useRealTimers();
});

/**
 * A config.json as version 1 wrote it: settings beside `stats` (counting 5 decisions, of which
 * the log kept 3) and `decisions`, one of them from before typed failures (`error` strings).
 */
function writeLegacyConfig(dir: string) {
  const { store } = openConfStore(dir);
  const decisions = [
    decisionRecord({ id: 'old-1', time: t0, decision: 'draft_error', error: 'draft: timeout', draft: { model: 'claude-haiku-4-5', status: 0, usage: null, cost: null, latencyMs: 30_000, error: 'timeout' } } as never),
    decisionRecord({ id: 'old-2', time: t0 + MINUTE }),
    decisionRecord({ id: 'old-3', time: t0 + 2 * MINUTE, decision: 'escalated' }),
  ];
  const aggregates = new RunningAggregates(emptyStatsData(t0));
  for (let i = 0; i < 2; i++) aggregates.add(decisionRecord({ time: t0 - MINUTE }));
  for (const record of decisions) aggregates.add(record);
  store.set('schemaVersion', 1);
  store.set('settings', { port: 8123 });
  store.set(LEGACY_KEYS.stats, aggregates.data);
  store.set(LEGACY_KEYS.decisions, [...decisions, { id: 'broken' }]);
  return { store, stats: aggregates.snapshot() };
}

describe('migrateLegacyStats', () => {
  it('moves stats and decisions out of a real config.json into the store files', async () => {
    const dir = tempDir();
    const { store: kv, stats } = writeLegacyConfig(dir);
    const store = await openFileDecisionStore({ dataDir: dir, onError: (m) => expect.fail(m) });
    expect(await migrateLegacyStats(kv, store)).toBe(3);
    expect(store.warnings).toEqual([expect.stringContaining('Dropped 1 invalid decision record(s)')]);

    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(Object.keys(config).sort()).toEqual(['schemaVersion', 'settings']);
    expect(config.settings).toEqual({ port: 8123 });

    const reopened = await openFileDecisionStore({ dataDir: dir, onError: (m) => expect.fail(m) });
    const decisions = await reopened.query();
    expect(decisions.map((r) => r.id)).toEqual(['old-3', 'old-2', 'old-1']);
    // Loadable: the record keeps its old `error`; the contract's (strict) call schema drops the call's.
    expect(decisions[2]).toMatchObject({ decision: 'draft_error', error: 'draft: timeout', draft: { status: 0, latencyMs: 30_000 } });
    // The legacy totals are taken as they were (5 requests), not recounted from the 3 kept.
    expect(await reopened.aggregate()).toEqual(stats);
    expect((await reopened.aggregate()).allTime.queries).toBe(5);

    // Keys written again (say, by an older version) are removed, never imported twice.
    kv.set(LEGACY_KEYS.stats, { nonsense: true });
    kv.set(LEGACY_KEYS.decisions, []);
    expect(await migrateLegacyStats(kv, reopened)).toBe(0);
    expect(kv.get(LEGACY_KEYS.stats)).toBeUndefined();
    expect((await reopened.aggregate()).allTime.queries).toBe(5);
  });

  it('rebuilds invalid legacy stats from the legacy decisions', async () => {
    const dir = tempDir();
    const { store: kv } = writeLegacyConfig(dir);
    kv.set(LEGACY_KEYS.stats, { allTime: 'lots' });
    const store = await openFileDecisionStore({ dataDir: dir, onError: (m) => expect.fail(m) });
    expect(await migrateLegacyStats(kv, store)).toBe(3);
    expect(store.warnings).toContainEqual(expect.stringMatching(/stats in .*config\.json were invalid .*rebuilt from the 3 decisions/));
    expect((await store.aggregate()).allTime).toMatchObject({ queries: 3, draftErrors: 1, accepted: 1, escalated: 1 });
  });

  it('leaves the legacy keys in place when the store cannot write', async () => {
    const dir = tempDir();
    const { store: kv } = writeLegacyConfig(dir);
    const blocked = path.join(dir, 'store');
    fs.writeFileSync(blocked, '');
    const errors: string[] = [];
    const store = await openFileDecisionStore({ dataDir: blocked, onError: (m) => errors.push(m) });
    expect(await migrateLegacyStats(kv, store)).toBe(0);
    expect(errors).toHaveLength(1);
    expect(kv.get(LEGACY_KEYS.decisions)).toHaveLength(4);
    expect(kv.get(LEGACY_KEYS.stats)).toMatchObject({ allTime: { queries: 5 } });
  });
});
