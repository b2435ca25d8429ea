import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import { decisionRecord, rule } from '../../test/fixtures/contracts';
import type { DecisionStore } from './decision-store';
import { DECISIONS_FILE, openFileDecisionStore, RESET_FILE, STATS_FILE } from './file-store';
import { createMemoryDecisionStore } from './memory-store';
import { useTempDirs } from '../../test/temp-dirs';

const MINUTE = 60_000;
const t0 = new Date(2026, 0, 5, 10, 0).getTime();

// The clock (only Date) a few minutes after the sample, so "today" and the minute buckets hold it.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(t0 + 10 * MINUTE);
});

const tempDir = useTempDirs('cf-store-');
afterEach(() => {
  vi.useRealTimers();
});

/** Four decisions a minute apart: two rules, one without a rule, one unpriced. */
function sample(): DecisionRecord[] {
  return [
    decisionRecord({ id: 'a', time: t0, decision: 'accepted', ruleId: 'sonnet-4', cost: 0.002, baselineCost: 0.006, savings: 0.004 }),
    decisionRecord({ id: 'b', time: t0 + MINUTE, decision: 'escalated', ruleId: 'sonnet-4', cost: 0.008, baselineCost: 0.006, savings: -0.002 }),
    decisionRecord({ id: 'c', time: t0 + 2 * MINUTE, decision: 'passthrough', ruleId: null, answeringModel: 'mystery', cost: null, baselineCost: null, savings: null }),
    decisionRecord({ id: 'd', time: t0 + 3 * MINUTE, decision: 'accepted', ruleId: 'opus-4', cost: 0.01, baselineCost: 0.03, savings: 0.02 }),
  ];
}

const ids = (records: DecisionRecord[]) => records.map((r) => r.id);
const fileLines = (dir: string) => fs.readFileSync(path.join(dir, DECISIONS_FILE), 'utf8').split('\n').filter(Boolean);

async function expectSampleState(store: DecisionStore): Promise<void> {
  expect(ids(await store.query())).toEqual(['d', 'c', 'b', 'a']);
  expect(ids(await store.query({ since: t0 + MINUTE, until: t0 + 3 * MINUTE }))).toEqual(['c', 'b']);
  expect(ids(await store.query({ ruleId: 'sonnet-4' }))).toEqual(['b', 'a']);
  expect(ids(await store.query({ decision: 'accepted' }))).toEqual(['d', 'a']);
  expect(ids(await store.query({ decision: 'accepted', limit: 1 }))).toEqual(['d']);
  expect(ids(await store.query({ since: t0 + 4 * MINUTE }))).toEqual([]);

  const { allTime, today, byRule, history } = await store.aggregate(t0 + 10 * MINUTE);
  expect(allTime).toMatchObject({ queries: 4, accepted: 2, escalated: 1, passthrough: 1, draftErrors: 0, unpricedQueries: 1 });
  // Money sums only over the three priced requests: 0.002 + 0.008 + 0.01, 0.006 + 0.006 + 0.03.
  expect(allTime.cost).toBeCloseTo(0.02, 12);
  expect(allTime.baselineCost).toBeCloseTo(0.042, 12);
  expect(allTime.savings).toBeCloseTo(0.022, 12);
  expect(allTime.tokens.input).toBe(4000);
  expect(allTime.modelsUsed).toEqual({ 'claude-haiku-4-5': 3, mystery: 1 });
  expect(today).toEqual(allTime);
  expect(Object.keys(byRule).sort()).toEqual(['opus-4', 'sonnet-4']);
  expect(byRule['sonnet-4']).toMatchObject({ queries: 2, accepted: 1, escalated: 1 });
  expect(byRule['sonnet-4'].savings).toBeCloseTo(0.002, 12);
  expect(history.minute.map((b) => [(b.start - t0) / MINUTE, b.queries])).toEqual([
    [0, 1],
    [1, 1],
    [2, 1],
    [3, 1],
  ]);
  expect(history.hour.map((b) => [b.start, b.queries])).toEqual([[t0, 4]]);
  expect(history.day.map((b) => [b.start, b.queries])).toEqual([[new Date(2026, 0, 5).getTime(), 4]]);
}

const implementations: Array<[string, () => Promise<DecisionStore>]> = [
  ['memory', async () => createMemoryDecisionStore()],
  ['file', async () => openFileDecisionStore({ dataDir: tempDir(), onError: (m) => expect.fail(m) })],
];

describe.each(implementations)('%s store', (_name, open) => {
  it('filters by time range, rule and decision, newest first, and aggregates by bucket', async () => {
    const store = await open();
    for (const record of sample()) store.append(record);
    await expectSampleState(store);
    expect(store.warnings).toEqual([]);
    await store.close();
  });

  it('hands out copies, never its live state', async () => {
    const store = await open();
    store.append(sample()[0]);
    (await store.query())[0].decision = 'escalated';
    (await store.aggregate(t0)).allTime.queries = 99;
    expect((await store.query())[0].decision).toBe('accepted');
    expect((await store.aggregate(t0)).allTime.queries).toBe(1);
    await store.close();
  });

  it('amends a kept record: a later failure is kept on it, a shadow call’s cost counts wherever the record did', async () => {
    const store = await open();
    for (const record of sample()) store.append(record);
    const shadow = { model: 'claude-sonnet-4-6', agreed: true, reason: 'same text', cost: 0.003, usage: null };
    expect(store.amend({ id: 'a', laterFailed: { time: t0 + 5 * MINUTE, reason: 'Edit came back is_error' } })).toBe(true);
    expect(store.amend({ id: 'a', shadow })).toBe(true);
    expect(store.amend({ id: 'gone', shadow })).toBe(false);
    const [a] = await store.query({ decision: 'accepted', ruleId: 'sonnet-4' });
    expect(a).toMatchObject({ laterFailed: { reason: 'Edit came back is_error' }, shadow });
    const { allTime, today, byRule, history } = await store.aggregate(t0 + 10 * MINUTE);
    // 0.02 + 0.003 spent, 0.022 - 0.003 saved; the record's own cost stays the request's.
    expect(allTime.cost).toBeCloseTo(0.023, 12);
    expect(allTime.savings).toBeCloseTo(0.019, 12);
    expect(today.cost).toBeCloseTo(0.023, 12);
    expect(byRule['sonnet-4'].cost).toBeCloseTo(0.013, 12);
    expect(history.minute[0].cost).toBeCloseTo(0.005, 12);
    expect(a.cost).toBe(0.002);
    await store.close();
  });

  it('retains the newest records for queries while the aggregates count them all', async () => {
    const store = await openWithRetain(open, 3);
    for (let i = 0; i < 10; i++) store.append(decisionRecord({ id: `r${i}`, time: t0 + i }));
    expect(ids(await store.query())).toEqual(['r9', 'r8', 'r7']);
    expect((await store.aggregate(t0)).allTime.queries).toBe(10);
    await store.close();
  });

  it('forgets every decision on reset (totals, history, rules, spending, quality, the log) and counts anew after', async () => {
    const store = await open();
    for (const record of sample()) store.append(record);
    store.amend({ id: 'a', laterFailed: { time: t0 + 5 * MINUTE, reason: 'Edit came back is_error' } });
    expect(await store.reset()).toBe(4);
    const empty = await store.aggregate(t0 + 10 * MINUTE);
    expect(empty.allTime).toMatchObject({ queries: 0, cost: 0, savings: 0, modelsUsed: {} });
    expect(empty.today.queries).toBe(0);
    expect(empty.byRule).toEqual({});
    expect(empty.history).toEqual({ minute: [], hour: [], day: [] });
    expect(await store.query()).toEqual([]);
    expect(store.spending().topSpending({ period: 'all' }).conversations.byCost).toEqual([]);
    expect(store.quality().qualityStats([rule({ id: 'sonnet-4' })]).byRule['sonnet-4'].classes.answer.laterFailed).toBe(0);
    // An amendment to a forgotten record changes nothing.
    expect(store.amend({ id: 'b', laterFailed: { time: t0, reason: 'x' } })).toBe(false);

    store.append(decisionRecord({ id: 'e', time: t0 + 6 * MINUTE }));
    expect(ids(await store.query())).toEqual(['e']);
    expect((await store.aggregate(t0 + 10 * MINUTE)).allTime.queries).toBe(1);
    expect(await store.reset()).toBe(1);
    await store.close();
  });
});

async function openWithRetain(open: () => Promise<DecisionStore>, retain: number): Promise<DecisionStore> {
  return open === implementations[0][1]
    ? createMemoryDecisionStore({ retain })
    : openFileDecisionStore({ dataDir: tempDir(), retain, onError: (m) => expect.fail(m) });
}

describe('file store', () => {
  const noErrors = (m: string) => expect.fail(m);

  it('gives the same queries and aggregates after a flush and a reopen; files are owner-only', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(store.isNew).toBe(true);
    for (const record of sample()) store.append(record);
    await store.close();
    for (const file of [DECISIONS_FILE, STATS_FILE]) expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    expect(fileLines(dir)).toHaveLength(4);

    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(reopened.isNew).toBe(false);
    expect(reopened.warnings).toEqual([]);
    await expectSampleState(reopened);
    await reopened.close();
  });

  it('writes after the flush interval, in one batch, not per append', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, flushIntervalMs: 20, onError: noErrors });
    for (const record of sample()) store.append(record);
    expect(fs.existsSync(path.join(dir, DECISIONS_FILE))).toBe(false);
    await vi.waitFor(() => expect(fs.existsSync(path.join(dir, STATS_FILE))).toBe(true));
    expect(fileLines(dir)).toHaveLength(4);
    await store.close();
  });

  it('skips a torn last line and invalid lines with a warning, and appends cleanly after them', async () => {
    const dir = tempDir();
    const [a, b, c, d] = sample();
    const text = [a, { ...b, decision: 'maybe' }, c].map((r) => JSON.stringify(r)).join('\n') + '\n' + JSON.stringify(d).slice(0, 50);
    fs.writeFileSync(path.join(dir, DECISIONS_FILE), text);
    const store = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(store.warnings).toEqual([expect.stringContaining('incomplete last line'), expect.stringContaining('dropped 1 invalid decision record')]);
    expect(ids(await store.query())).toEqual(['c', 'a']);
    // No stats.json yet: rebuilt from the records.
    expect((await store.aggregate(t0)).allTime.queries).toBe(2);
    store.append(d);
    await store.close();

    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(reopened.warnings).toEqual([expect.stringContaining('dropped 1 invalid')]);
    expect(ids(await reopened.query())).toEqual(['d', 'c', 'a']);
    expect((await reopened.aggregate(t0)).allTime.queries).toBe(3);
  });

  it('keeps amendments across a reopen and counts a shadow cost once, also when stats.json missed it', async () => {
    const dir = tempDir();
    const shadow = { model: 'm', agreed: false, reason: 'different numbers', cost: 0.004, usage: null };
    const store = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    for (const record of sample()) store.append(record);
    store.amend({ id: 'b', shadow });
    await store.close();
    expect(fileLines(dir)).toHaveLength(5);
    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect((await reopened.query({ ruleId: 'sonnet-4', decision: 'escalated' }))[0].shadow).toEqual(shadow);
    expect((await reopened.aggregate(t0)).allTime.cost).toBeCloseTo(0.024, 12);
    await reopened.close();

    // A later amendment line reached the disk, its stats.json did not: counted on the next start, once.
    fs.appendFileSync(path.join(dir, DECISIONS_FILE), `${JSON.stringify({ amend: { id: 'd', shadow }, seq: 2 })}\n`);
    for (let i = 0; i < 2; i++) {
      const again = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
      expect((await again.query({ ruleId: 'opus-4' }))[0].shadow).toEqual(shadow);
      expect((await again.aggregate(t0)).allTime.cost).toBeCloseTo(0.028, 12);
      await again.close();
    }
  });

  it('counts records appended by a flush that stopped before writing stats.json, once', async () => {
    const dir = tempDir();
    const [a, b, c] = sample();
    const store = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    store.append(a);
    store.append(b);
    await store.close();
    // The next flush's append reached the disk, its stats.json did not.
    fs.appendFileSync(path.join(dir, DECISIONS_FILE), `${JSON.stringify(c)}\n`);

    for (let i = 0; i < 2; i++) {
      const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
      expect(ids(await reopened.query())).toEqual(['c', 'b', 'a']);
      expect((await reopened.aggregate(t0)).allTime).toMatchObject({ queries: 3, accepted: 1, escalated: 1, passthrough: 1 });
      await reopened.close();
    }
  });

  it('backs up a corrupt stats.json and rebuilds the totals from the retained decisions', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    for (const record of sample()) store.append(record);
    await store.close();
    fs.writeFileSync(path.join(dir, STATS_FILE), '{"version":1,"lastRecordId":"d","stats":{"allTime":');

    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(reopened.warnings).toEqual([expect.stringMatching(/stats\.json was unreadable .*backed up to .*stats\.backup-.*\.json/)]);
    const backups = fs.readdirSync(dir).filter((f) => f.startsWith('stats.backup-'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, backups[0]), 'utf8')).toContain('"allTime":');
    await expectSampleState(reopened);
    await reopened.close();
    // The rebuilt totals were written back: the next start is clean.
    const again = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(again.warnings).toEqual([]);
    await expectSampleState(again);
  });

  it('compacts the file to the newest `retain` records once it passes twice that', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, retain: 5, onError: noErrors });
    const lineCounts: number[] = [];
    for (let i = 0; i < 12; i++) {
      store.append(decisionRecord({ id: `r${i}`, time: t0 + i * MINUTE }));
      if (i % 4 === 3) {
        await store.flush();
        lineCounts.push(fileLines(dir).length);
      }
    }
    await store.close();
    expect(lineCounts).toEqual([4, 8, 5]);
    expect(fileLines(dir).map((line) => JSON.parse(line).id)).toEqual(['r7', 'r8', 'r9', 'r10', 'r11']);
    expect(fs.readdirSync(dir).sort()).toEqual([DECISIONS_FILE, STATS_FILE]);

    const reopened = await openFileDecisionStore({ dataDir: dir, retain: 5, onError: noErrors });
    expect(ids(await reopened.query())).toEqual(['r11', 'r10', 'r9', 'r8', 'r7']);
    expect((await reopened.aggregate(t0)).allTime.queries).toBe(12);
    expect(reopened.warnings).toEqual([]);
  });

  it('writes a reset to disk: a reopen brings no old total or record back, only what came after it', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    const [a, b, c, d] = sample();
    for (const record of [a, b, c]) store.append(record);
    await store.flush();
    // Not on disk yet when the reset comes: forgotten too, never written.
    store.append(d);
    expect(await store.reset()).toBe(4);
    expect(fileLines(dir)).toEqual([]);
    expect(fs.existsSync(path.join(dir, RESET_FILE))).toBe(false);
    store.append(decisionRecord({ id: 'e', time: t0 + 6 * MINUTE }));
    await store.close();

    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(reopened.warnings).toEqual([]);
    expect(reopened.isNew).toBe(false);
    expect(ids(await reopened.query())).toEqual(['e']);
    const { allTime, byRule } = await reopened.aggregate(t0 + 10 * MINUTE);
    expect(allTime.queries).toBe(1);
    expect(Object.keys(byRule)).toEqual(['sonnet']);
    await reopened.close();
  });

  it('completes a reset a crash interrupted: with reset.json still there, the next start drops both files', async () => {
    const dir = tempDir();
    const store = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    for (const record of sample()) store.append(record);
    await store.close();
    // The state after a crash between writing the marker and replacing the files.
    fs.writeFileSync(path.join(dir, RESET_FILE), '{"version":1}\n');

    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(reopened.warnings).toEqual(['A statistics reset was interrupted; it was completed at this start.']);
    expect(await reopened.query()).toEqual([]);
    expect((await reopened.aggregate(t0 + 10 * MINUTE)).allTime.queries).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
    await reopened.close();
  });

  it('retries a reset whose write failed, so old records never come back once the disk is back', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'data');
    const away = path.join(parent, 'away');
    const errors: string[] = [];
    const store = await openFileDecisionStore({ dataDir: dir, onError: (m) => errors.push(m) });
    for (const record of sample()) store.append(record);
    await store.flush();
    // The data folder disappears (a file in its place) just as the reset is written.
    fs.renameSync(dir, away);
    fs.writeFileSync(dir, 'not a folder');
    expect(await store.reset()).toBe(4);
    expect(errors).toEqual([expect.stringMatching(/Could not save decisions and stats/)]);
    expect(await store.query()).toEqual([]);

    fs.rmSync(dir);
    fs.renameSync(away, dir);
    await store.close();
    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect(await reopened.query()).toEqual([]);
    expect((await reopened.aggregate(t0 + 10 * MINUTE)).allTime.queries).toBe(0);
    await reopened.close();
  });

  it('reports a failing write once, keeps what failed and writes it when the disk is back', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'data');
    fs.writeFileSync(dir, 'a file where the data folder should be');
    const errors: string[] = [];
    const store = await openFileDecisionStore({ dataDir: dir, onError: (m) => errors.push(m) });
    const [a, b] = sample();
    store.append(a);
    await store.flush();
    store.append(b);
    await store.flush();
    expect(errors).toEqual([expect.stringMatching(new RegExp(`Could not save decisions and stats to ${dir}.*(ENOTDIR|EEXIST)`))]);
    // Both records stay visible while unsaved.
    expect(ids(await store.query())).toEqual(['b', 'a']);

    fs.rmSync(dir);
    fs.mkdirSync(dir);
    await store.close();
    expect(errors).toHaveLength(1);
    expect(fileLines(dir).map((line) => JSON.parse(line).id)).toEqual(['a', 'b']);
    const reopened = await openFileDecisionStore({ dataDir: dir, onError: noErrors });
    expect((await reopened.aggregate(t0)).allTime.queries).toBe(2);
  });
});
