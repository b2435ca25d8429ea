// Money per conversation and per project: what the top lists and Claude Code's status line
// show. Bounded, because conversation ids and project paths come from clients: the
// CONVERSATION_CAP most recently active conversations and up to PROJECT_CAP projects are kept
// (the least recently active one is forgotten when a new one would pass the cap; the totals
// still count its requests). Each keeps its all-time counts and one bucket per local day of
// its latest week, which is what "today" and "7d" need. Persisted with the rest of stats.json.
import { z } from 'zod';
import type { DecisionRecord } from '../../contracts/decision';
import {
  spendCountsSchema,
  type ConversationSpend,
  type ProjectSpend,
  type SpendCounts,
  type SpendPeriod,
} from '../../contracts/stats';
import { dayStart } from './history';
import { addCounts, addLaterCost } from './totals';

export const CONVERSATION_CAP = 200;
export const PROJECT_CAP = 50;
/** Local days kept per conversation and project: today and the six before it. */
const DAYS_KEPT = 7;

const spendDaySchema = spendCountsSchema.extend({ start: z.number().int() });
type SpendDay = z.infer<typeof spendDaySchema>;

/** One conversation (key: its id) or project (key: its path). */
const spendOwnerSchema = z.object({
  key: z.string(),
  /** Conversations: the project their latest request declared. */
  project: z.string().optional(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  total: spendCountsSchema,
  /** The local days of its latest week, oldest first. */
  days: z.array(spendDaySchema),
});
type SpendOwner = z.infer<typeof spendOwnerSchema>;

export const spendingDataSchema = z.object({
  conversations: z.array(spendOwnerSchema),
  projects: z.array(spendOwnerSchema),
});
export type SpendingData = z.infer<typeof spendingDataSchema>;

export function emptySpendingData(): SpendingData {
  return { conversations: [], projects: [] };
}

/** A copy that later additions do not change, for a flush to serialise (owners and buckets are flat). */
export function copySpendingData({ conversations, projects }: SpendingData): SpendingData {
  const copy = (owner: SpendOwner): SpendOwner => ({ ...owner, total: { ...owner.total }, days: owner.days.map((day) => ({ ...day })) });
  return { conversations: conversations.map(copy), projects: projects.map(copy) };
}

/** The JSON text, one owner per piece: full tables are ~100 KB, too much to serialise in one step of the event loop. */
export function* spendingJsonPieces({ conversations, projects }: SpendingData): Generator<string> {
  yield '{"conversations":[';
  for (let i = 0; i < conversations.length; i++) yield `${i ? ',' : ''}${JSON.stringify(conversations[i])}`;
  yield '],"projects":[';
  for (let i = 0; i < projects.length; i++) yield `${i ? ',' : ''}${JSON.stringify(projects[i])}`;
  yield ']}';
}

/** Literals, not spreads: objects of one shape keep the per-request additions fast. */
function emptySpendCounts(): SpendCounts {
  return { queries: 0, cost: 0, baselineCost: 0, savings: 0, accepted: 0, escalated: 0, passthrough: 0, draftErrors: 0, notWorthDrafting: 0, failed: 0, unpricedQueries: 0 };
}

function emptyDay(start: number): SpendDay {
  return { queries: 0, cost: 0, baselineCost: 0, savings: 0, accepted: 0, escalated: 0, passthrough: 0, draftErrors: 0, notWorthDrafting: 0, failed: 0, unpricedQueries: 0, start };
}

function addSpend(counts: SpendCounts, record: DecisionRecord): void {
  addCounts(counts, record);
  if (record.cost === null || record.baselineCost === null) counts.unpricedQueries += 1;
}

function sumInto(sum: SpendCounts, add: SpendCounts): void {
  for (const key of Object.keys(sum) as Array<keyof SpendCounts>) sum[key] += add[key];
}

/** Local midnight six days before the day of `time`: where "7d" starts. */
export function weekStart(time: number): number {
  const d = new Date(dayStart(time));
  d.setDate(d.getDate() - (DAYS_KEPT - 1));
  return d.getTime();
}

/** Epoch ms the period starts at; null: all time. */
export function periodStart(period: SpendPeriod, now: number): number | null {
  if (period === 'today') return dayStart(now);
  if (period === '7d') return weekStart(now);
  return null;
}

/** An owner's counts since `since` (null: all time): a copy. */
function countsSince(owner: SpendOwner, since: number | null): SpendCounts {
  if (since === null) return { ...owner.total };
  const sum = emptySpendCounts();
  for (const day of owner.days) if (day.start >= since) sumInto(sum, day);
  return sum;
}

/** A table of owners with a lookup by key, bounded by evicting the least recently active. */
class OwnerTable {
  private readonly index = new Map<string, SpendOwner>();

  constructor(
    /** The persisted array itself: changes here are what stats.json saves. */
    private readonly owners: SpendOwner[],
    readonly cap: number,
  ) {
    while (owners.length > cap) this.evict();
    for (const owner of owners) this.index.set(owner.key, owner);
  }

  get size(): number {
    return this.owners.length;
  }

  get(key: string): SpendOwner | undefined {
    return this.index.get(key);
  }

  all(): readonly SpendOwner[] {
    return this.owners;
  }

  /** The owner of `key`, made (evicting another if the table is full) and marked active at `time`. */
  touch(key: string, time: number): SpendOwner {
    let owner = this.index.get(key);
    if (!owner) {
      if (this.owners.length >= this.cap) this.evict();
      owner = { key, firstSeen: time, lastSeen: time, total: emptySpendCounts(), days: [] };
      this.owners.push(owner);
      this.index.set(key, owner);
    }
    owner.firstSeen = Math.min(owner.firstSeen, time);
    owner.lastSeen = Math.max(owner.lastSeen, time);
    return owner;
  }

  private evict(): void {
    let oldest = 0;
    for (let i = 1; i < this.owners.length; i++) if (this.owners[i].lastSeen < this.owners[oldest].lastSeen) oldest = i;
    const [gone] = this.owners.splice(oldest, 1);
    this.index.delete(gone.key);
  }
}

/** The record's day bucket, made in order; days before the owner's latest week are dropped. */
function addToDays(owner: SpendOwner, record: DecisionRecord): void {
  const start = dayStart(record.time);
  let i = owner.days.length - 1;
  while (i >= 0 && owner.days[i].start > start) i--;
  let day: SpendDay;
  if (i >= 0 && owner.days[i].start === start) day = owner.days[i];
  else {
    day = emptyDay(start);
    owner.days.splice(i + 1, 0, day);
  }
  addSpend(day, record);
  const keepFrom = weekStart(owner.days[owner.days.length - 1].start);
  const drop = owner.days.findIndex((d) => d.start >= keepFrom);
  owner.days.splice(0, drop);
}

function addLater(owner: SpendOwner | undefined, record: DecisionRecord, cost: number): void {
  if (!owner) return;
  addLaterCost(owner.total, record, cost);
  const day = owner.days.find((d) => d.start === dayStart(record.time));
  if (day) addLaterCost(day, record, cost);
}

export interface TopSpending {
  since: number | null;
  conversations: { byCost: ConversationSpend[]; bySavings: ConversationSpend[] };
  projects: { byCost: ProjectSpend[]; bySavings: ProjectSpend[] };
  kept: { conversations: number; projects: number; conversationCap: number; projectCap: number };
}

/** The `limit` largest by cost and by savings over the period; ties: the most recently active first. */
function top<T extends { lastSeen: number; counts: SpendCounts }>(rows: T[], limit: number) {
  const by = (key: 'cost' | 'savings') =>
    [...rows].sort((a, b) => b.counts[key] - a.counts[key] || b.lastSeen - a.lastSeen).slice(0, limit);
  return { byCost: by('cost'), bySavings: by('savings') };
}

export class SpendingTables {
  private readonly conversations: OwnerTable;
  private readonly projects: OwnerTable;

  constructor(data: SpendingData, caps = { conversations: CONVERSATION_CAP, projects: PROJECT_CAP }) {
    this.conversations = new OwnerTable(data.conversations, caps.conversations);
    this.projects = new OwnerTable(data.projects, caps.projects);
  }

  add(record: DecisionRecord): void {
    if (record.conversationId !== undefined) {
      const conversation = this.conversations.touch(record.conversationId, record.time);
      if (record.project !== undefined && record.time >= conversation.lastSeen) conversation.project = record.project;
      addSpend(conversation.total, record);
      addToDays(conversation, record);
    }
    if (record.project !== undefined) {
      const project = this.projects.touch(record.project, record.time);
      addSpend(project.total, record);
      addToDays(project, record);
    }
  }

  /** A later call's cost on a counted record (a shadow verification), where the record was counted. */
  addLaterCost(record: DecisionRecord, cost: number): void {
    if (record.conversationId !== undefined) addLater(this.conversations.get(record.conversationId), record, cost);
    if (record.project !== undefined) addLater(this.projects.get(record.project), record, cost);
  }

  top(period: SpendPeriod, limit: number, now: number): TopSpending {
    const since = periodStart(period, now);
    const inPeriod = (row: { counts: SpendCounts }) => row.counts.queries > 0;
    const conversations = this.conversations.all().map((owner) => conversationSpend(owner, countsSince(owner, since)));
    const projects = this.projects.all().map((owner) => projectSpend(owner, countsSince(owner, since)));
    return {
      since,
      conversations: top(conversations.filter(inPeriod), limit),
      projects: top(projects.filter(inPeriod), limit),
      kept: {
        conversations: this.conversations.size,
        projects: this.projects.size,
        conversationCap: this.conversations.cap,
        projectCap: this.projects.cap,
      },
    };
  }

  /** One conversation's all-time and today's counts; null when it is not kept. */
  conversation(id: string, now: number): (Omit<ConversationSpend, 'counts'> & { allTime: SpendCounts; today: SpendCounts }) | null {
    const owner = this.conversations.get(id);
    if (!owner) return null;
    const { counts: allTime, ...entry } = conversationSpend(owner, countsSince(owner, null));
    return { ...entry, allTime, today: countsSince(owner, dayStart(now)) };
  }
}

function conversationSpend({ key, project, firstSeen, lastSeen }: SpendOwner, counts: SpendCounts): ConversationSpend {
  return { conversationId: key, ...(project !== undefined && { project }), firstSeen, lastSeen, counts };
}

function projectSpend({ key, firstSeen, lastSeen }: SpendOwner, counts: SpendCounts): ProjectSpend {
  return { project: key, firstSeen, lastSeen, counts };
}
