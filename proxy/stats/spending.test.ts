import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import { decisionRecord } from '../../test/fixtures/contracts';
import { copyStats, statsFilePieces, statsFileSchema } from '../store/stats-file';
import { emptyStatsData, RunningAggregates } from './aggregates';
import { emptySpendingData, periodStart, SpendingTables, spendingDataSchema, weekStart } from './spending';

const DAY = 24 * 60 * 60_000;
/** Noon on a Saturday; the days below are local days. */
const noon = new Date(2026, 0, 10, 12).getTime();
const daysAgo = (n: number, hour = 12) => new Date(2026, 0, 10 - n, hour).getTime();

function record(conversationId: string | undefined, project: string | undefined, time: number, money: Partial<DecisionRecord> = {}): DecisionRecord {
  return decisionRecord({ time, ...(conversationId && { conversationId }), ...(project && { project }), ...money });
}

/**
 * s:a (/p1) today: accepted $0.002 of $0.006, escalated $0.008 of $0.006, and one unpriced;
 * s:b (/p1) three days ago: accepted $0.012 of $0.03; s:c (/p2) eight days ago: accepted $0.05 of $0.2.
 */
function sample(): SpendingTables {
  const tables = new SpendingTables(emptySpendingData());
  tables.add(record('s:c', '/p2', daysAgo(8), { cost: 0.05, baselineCost: 0.2, savings: 0.15 }));
  tables.add(record('s:b', '/p1', daysAgo(3), { cost: 0.012, baselineCost: 0.03, savings: 0.018 }));
  tables.add(record('s:a', '/p1', noon - 3 * 3_600_000));
  tables.add(record('s:a', '/p1', noon - 2 * 3_600_000, { decision: 'escalated', cost: 0.008, savings: -0.002 }));
  tables.add(record('s:a', '/p1', noon - 3_600_000, { decision: 'passthrough', cost: null, baselineCost: null, savings: null }));
  return tables;
}

const ids = (rows: Array<{ conversationId: string }>) => rows.map((r) => r.conversationId);
const projects = (rows: Array<{ project: string }>) => rows.map((r) => r.project);

describe('SpendingTables', () => {
  it('adds up today per conversation and project, unknown prices counted apart', () => {
    const top = sample().top('today', 10, noon);
    expect(top.since).toBe(new Date(2026, 0, 10).getTime());
    expect(ids(top.conversations.byCost)).toEqual(['s:a']);
    const [a] = top.conversations.byCost;
    expect(a).toMatchObject({ project: '/p1', firstSeen: noon - 3 * 3_600_000, lastSeen: noon - 3_600_000 });
    expect(a.counts).toEqual({
      queries: 3,
      cost: expect.closeTo(0.01, 12),
      baselineCost: expect.closeTo(0.012, 12),
      savings: expect.closeTo(0.002, 12),
      accepted: 1,
      escalated: 1,
      passthrough: 1,
      draftErrors: 0,
      notWorthDrafting: 0,
      failed: 0,
      unpricedQueries: 1,
    });
    expect(top.projects.byCost).toEqual([{ project: '/p1', firstSeen: daysAgo(3), lastSeen: noon - 3_600_000, counts: a.counts }]);
  });

  it('ranks by cost and by savings over 7 days and all time', () => {
    const tables = sample();
    const week = tables.top('7d', 10, noon);
    expect(week.since).toBe(new Date(2026, 0, 4).getTime());
    // s:b $0.012 before s:a $0.010; savings $0.018 before $0.002. s:c is eight days old.
    expect(ids(week.conversations.byCost)).toEqual(['s:b', 's:a']);
    expect(ids(week.conversations.bySavings)).toEqual(['s:b', 's:a']);
    expect(projects(week.projects.byCost)).toEqual(['/p1']);
    expect(week.projects.byCost[0].counts).toMatchObject({ queries: 4, cost: expect.closeTo(0.022, 12), savings: expect.closeTo(0.02, 12) });

    const all = tables.top('all', 10, noon);
    expect(all.since).toBeNull();
    expect(ids(all.conversations.byCost)).toEqual(['s:c', 's:b', 's:a']);
    expect(ids(all.conversations.bySavings)).toEqual(['s:c', 's:b', 's:a']);
    expect(projects(all.projects.byCost)).toEqual(['/p2', '/p1']);
    expect(all.kept).toEqual({ conversations: 3, projects: 2, conversationCap: 200, projectCap: 50 });
    expect(ids(tables.top('all', 1, noon).conversations.bySavings)).toEqual(['s:c']);
  });

  it('puts negative savings last', () => {
    const tables = new SpendingTables(emptySpendingData());
    tables.add(record('s:loss', undefined, noon, { decision: 'escalated', cost: 0.009, baselineCost: 0.006, savings: -0.003 }));
    tables.add(record('s:gain', undefined, noon - 1, { cost: 0.001, baselineCost: 0.006, savings: 0.005 }));
    const top = tables.top('today', 10, noon);
    expect(ids(top.conversations.byCost)).toEqual(['s:loss', 's:gain']);
    expect(ids(top.conversations.bySavings)).toEqual(['s:gain', 's:loss']);
    expect(top.conversations.bySavings[1].counts.savings).toBeCloseTo(-0.003, 12);
    expect(top.projects.byCost).toEqual([]);
  });

  it('summarises one conversation: all time and today', () => {
    const tables = sample();
    tables.add(record('s:b', '/p1', noon, { cost: 0.001, baselineCost: 0.004, savings: 0.003 }));
    const b = tables.conversation('s:b', noon);
    expect(b).toMatchObject({ conversationId: 's:b', project: '/p1', firstSeen: daysAgo(3), lastSeen: noon });
    expect(b?.allTime).toMatchObject({ queries: 2, cost: expect.closeTo(0.013, 12), savings: expect.closeTo(0.021, 12) });
    expect(b?.today).toMatchObject({ queries: 1, cost: expect.closeTo(0.001, 12), savings: expect.closeTo(0.003, 12) });
    // Tomorrow: nothing today, the same all-time.
    expect(tables.conversation('s:b', noon + DAY)?.today.queries).toBe(0);
    expect(tables.conversation('s:unknown', noon)).toBeNull();
  });

  it('keeps the project of the latest request', () => {
    const tables = new SpendingTables(emptySpendingData());
    tables.add(record('s:a', '/new', noon));
    tables.add(record('s:a', '/old', noon - 1000));
    tables.add(record('s:a', undefined, noon + 1000));
    expect(tables.conversation('s:a', noon)?.project).toBe('/new');
  });

  it('forgets the least recently active conversation or project past the cap', () => {
    const tables = new SpendingTables(emptySpendingData(), { conversations: 2, projects: 1 });
    tables.add(record('s:1', '/p1', noon));
    tables.add(record('s:2', '/p2', noon + 1));
    // s:1 is active again: s:2 is now the least recent.
    tables.add(record('s:1', '/p1', noon + 2));
    tables.add(record('s:3', '/p1', noon + 3));
    const top = tables.top('all', 10, noon);
    expect(ids(top.conversations.byCost).sort()).toEqual(['s:1', 's:3']);
    expect(projects(top.projects.byCost)).toEqual(['/p1']);
    // /p1 was forgotten when /p2 came, then came back: its two latest requests.
    expect(top.projects.byCost[0].counts.queries).toBe(2);
    expect(top.kept).toEqual({ conversations: 2, projects: 1, conversationCap: 2, projectCap: 1 });
    // Seen again after being forgotten: counted from then on.
    tables.add(record('s:2', '/p2', noon + 4));
    expect(tables.conversation('s:2', noon)?.allTime.queries).toBe(1);
  });

  it('keeps one bucket per local day of the latest week; all time keeps counting', () => {
    const data = emptySpendingData();
    const tables = new SpendingTables(data);
    for (let n = 9; n >= 0; n--) tables.add(record('s:a', '/p', daysAgo(n)));
    // A late record older than that week: all time only.
    tables.add(record('s:a', '/p', daysAgo(12)));
    for (const owner of [data.conversations[0], data.projects[0]]) {
      expect(owner.days.map((d) => d.start)).toEqual([6, 5, 4, 3, 2, 1, 0].map((n) => daysAgo(n, 0)));
    }

    expect(tables.conversation('s:a', noon)?.allTime.queries).toBe(11);
    expect(tables.top('7d', 10, noon).conversations.byCost[0].counts.queries).toBe(7);
    expect(tables.top('today', 10, noon).projects.byCost[0].counts.queries).toBe(1);
    // Three days later the week holds four of those days.
    expect(tables.top('7d', 10, noon + 3 * DAY).conversations.byCost[0].counts.queries).toBe(4);
  });

  it('adds a later cost (a shadow call) where the record was counted, on priced records only', () => {
    const tables = sample();
    tables.addLaterCost(record('s:a', '/p1', noon - 3 * 3_600_000), 0.0005);
    tables.addLaterCost(record('s:a', '/p1', noon, { cost: null, baselineCost: null, savings: null }), 0.5);
    tables.addLaterCost(record('s:forgotten', '/p9', noon), 0.5);
    const today = tables.top('today', 10, noon);
    expect(today.conversations.byCost[0].counts).toMatchObject({ queries: 3, cost: expect.closeTo(0.0105, 12), savings: expect.closeTo(0.0015, 12) });
    expect(today.projects.byCost[0].counts.cost).toBeCloseTo(0.0105, 12);
    expect(tables.conversation('s:a', noon)?.allTime.savings).toBeCloseTo(0.0015, 12);
    expect(tables.top('all', 10, noon).kept.conversations).toBe(3);
  });

  it('survives a round trip through its persisted form', () => {
    const data = emptySpendingData();
    const tables = new SpendingTables(data);
    for (const r of [record('s:a', '/p1', noon), record('s:b', '/p2', daysAgo(2), { cost: 0.004, savings: 0.002 })]) tables.add(r);
    const reloaded = new SpendingTables(spendingDataSchema.parse(JSON.parse(JSON.stringify(data))));
    expect(reloaded.top('7d', 10, noon)).toEqual(tables.top('7d', 10, noon));
    reloaded.add(record('s:a', '/p1', noon + 1));
    expect(reloaded.conversation('s:a', noon)?.allTime.queries).toBe(2);
  });
});

describe('in stats.json', () => {
  it('is written a conversation or project at a time, and read back whole', () => {
    const aggregates = new RunningAggregates(emptyStatsData(noon));
    for (let n = 6; n >= 0; n--) for (let c = 0; c < 30; c++) aggregates.add(record(`s:${c}`, `/p/${c % 5}`, daysAgo(n)));
    const pieces = [...statsFilePieces({ version: 1, lastRecordId: 'x', stats: copyStats(aggregates.data) })];
    // One owner with seven days is about 1.3 KB; no piece carries a table.
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2_000);
    const reloaded = new RunningAggregates(statsFileSchema.parse(JSON.parse(pieces.join(''))).stats);
    expect(reloaded.topSpending({ period: '7d' }, noon)).toEqual(aggregates.topSpending({ period: '7d' }, noon));
    expect(reloaded.conversationSummary('s:3', noon)).toEqual(aggregates.conversationSummary('s:3', noon));
  });
});

describe('periods', () => {
  it('start at local midnight: today, and six days before it for 7d', () => {
    expect(periodStart('today', noon)).toBe(new Date(2026, 0, 10).getTime());
    expect(periodStart('7d', noon)).toBe(new Date(2026, 0, 4).getTime());
    expect(periodStart('all', noon)).toBeNull();
    // Across a month boundary.
    expect(weekStart(new Date(2026, 2, 3, 1).getTime())).toBe(new Date(2026, 1, 25).getTime());
  });
});
