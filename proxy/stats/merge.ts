// Several StatsData merged into one: what a team store shows when every replica keeps the
// statistics of its own records (proxy/team/postgres/). Pure: the parts are not changed. Counters
// are summed (totals, per rule, history buckets by their start, conversations and projects by key,
// quality per rule and class); "today" counts only the parts whose day is the newest; the bounds
// one replica keeps (kept conversations and projects, days, samples, rules) hold for the merge too.
import type { HistoryBucket } from '../../contracts/stats';
import { emptyStatsData, type StatsData } from './aggregates';
import { COST_DAYS, MAX_RULES, MAX_SAMPLES, type QualityData } from './quality';
import { CONVERSATION_CAP, PROJECT_CAP, weekStart, type SpendingData } from './spending';

type Numbers = { [key: string]: number | Numbers };

/**
 * Adds every number of `add` into `into`, key by key, recursing into objects (same shapes, maps
 * keyed by model or rule ids). Keys are defined, never assigned: "__proto__" is an id like any other.
 */
function sumInto(into: Numbers, add: Numbers): void {
  for (const [key, value] of Object.entries(add)) {
    const current = Object.hasOwn(into, key) ? into[key] : undefined;
    const sum = typeof value === 'number' ? ((current as number | undefined) ?? 0) + value : sumOf(current as Numbers | undefined, value);
    Object.defineProperty(into, key, { value: sum, enumerable: true, writable: true, configurable: true });
  }
}

function sumOf(into: Numbers | undefined, add: Numbers): Numbers {
  const result = into ?? {};
  sumInto(result, add);
  return result;
}

/** The sum of same-shaped numeric objects (Totals, counts): a new object. */
function summed<T extends object>(parts: readonly T[], empty: T): T {
  const result = structuredClone(empty) as unknown as Numbers;
  for (const part of parts) sumInto(result, part as unknown as Numbers);
  return result as unknown as T;
}

/** Buckets with the same start summed; sorted by start. */
function mergeBuckets<T extends { start: number }>(lists: ReadonlyArray<readonly T[]>, add: (into: T, bucket: T) => void): T[] {
  const byStart = new Map<number, T>();
  for (const list of lists) {
    for (const bucket of list) {
      const kept = byStart.get(bucket.start);
      if (kept) add(kept, bucket);
      else byStart.set(bucket.start, structuredClone(bucket));
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

const addCounts = <T extends { start: number }>(into: T, bucket: T) => {
  const { start, ...counts } = bucket;
  sumInto(into as unknown as Numbers, counts as unknown as Numbers);
  into.start = start;
};

type Owner = SpendingData['conversations'][number];

/** Owners with the same key merged (counts and days summed, first and last seen widened); the most recently active `cap` kept. */
function mergeOwners(lists: ReadonlyArray<readonly Owner[]>, cap: number): Owner[] {
  const byKey = new Map<string, Owner>();
  for (const list of lists) {
    for (const owner of list) {
      const kept = byKey.get(owner.key);
      if (!kept) {
        byKey.set(owner.key, structuredClone(owner));
        continue;
      }
      // The project its latest request declared.
      if (owner.project !== undefined && owner.lastSeen >= kept.lastSeen) kept.project = owner.project;
      kept.firstSeen = Math.min(kept.firstSeen, owner.firstSeen);
      kept.lastSeen = Math.max(kept.lastSeen, owner.lastSeen);
      sumInto(kept.total as unknown as Numbers, owner.total as unknown as Numbers);
      kept.days = mergeBuckets([kept.days, owner.days], addCounts);
    }
  }
  const owners = [...byKey.values()].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, cap);
  for (const owner of owners) {
    if (owner.days.length === 0) continue;
    const from = weekStart(owner.days[owner.days.length - 1].start);
    owner.days = owner.days.filter((day) => day.start >= from);
  }
  return owners;
}

type RuleQualityData = QualityData['byRule'][string];
type ClassData = NonNullable<RuleQualityData['classes'][keyof RuleQualityData['classes']]>;

function mergeClass(into: ClassData, add: ClassData, addIsNewer: boolean): void {
  const { samples, shadow, ...counts } = add;
  sumInto(into as unknown as Numbers, counts as unknown as Numbers);
  const { model, ...shadowCounts } = shadow;
  sumInto(into.shadow as unknown as Numbers, shadowCounts as unknown as Numbers);
  if (model !== null && (addIsNewer || into.shadow.model === null)) into.shadow.model = model;
  into.samples = [...into.samples, ...samples].slice(-MAX_SAMPLES);
}

function mergeQuality(parts: readonly QualityData[]): QualityData {
  const byRule: Record<string, RuleQualityData> = {};
  for (const part of parts) {
    for (const [id, rule] of Object.entries(part.byRule)) {
      const kept = Object.hasOwn(byRule, id) ? byRule[id] : undefined;
      if (!kept) {
        Object.defineProperty(byRule, id, { value: structuredClone(rule), enumerable: true, writable: true, configurable: true });
        continue;
      }
      const newer = rule.updated > kept.updated;
      for (const [actionClass, data] of Object.entries(rule.classes) as Array<[keyof RuleQualityData['classes'], ClassData]>) {
        const into = kept.classes[actionClass];
        if (into) mergeClass(into, data, newer);
        else kept.classes[actionClass] = structuredClone(data);
      }
      kept.updated = Math.max(kept.updated, rule.updated);
      kept.days = mergeBuckets([kept.days, rule.days], (a, b) => (a.baselineCost += b.baselineCost)).slice(-COST_DAYS);
    }
  }
  const ids = Object.keys(byRule).sort((a, b) => byRule[b].updated - byRule[a].updated);
  for (const id of ids.slice(MAX_RULES)) delete byRule[id];
  return { byRule };
}

/** The team's statistics from every replica's own (each counting a disjoint set of records). */
export function mergeStatsData(parts: readonly StatsData[], now = Date.now()): StatsData {
  const empty = emptyStatsData(now);
  // A part that saw no request since midnight still holds yesterday's "today": it adds nothing.
  const todayStart = Math.max(empty.todayStart, ...parts.map((part) => part.todayStart));
  const byRule: StatsData['byRule'] = {};
  for (const part of parts) sumInto(byRule as unknown as Numbers, part.byRule as unknown as Numbers);
  const history = (key: 'minute' | 'hour' | 'day'): HistoryBucket[] =>
    mergeBuckets(
      parts.map((part) => part.history[key]),
      addCounts,
    );
  return {
    allTime: summed(
      parts.map((part) => part.allTime),
      empty.allTime,
    ),
    todayStart,
    today: summed(
      parts.filter((part) => part.todayStart === todayStart).map((part) => part.today),
      empty.today,
    ),
    byRule,
    history: { minute: history('minute'), hour: history('hour'), day: history('day') },
    spending: {
      conversations: mergeOwners(
        parts.map((part) => part.spending.conversations),
        CONVERSATION_CAP,
      ),
      projects: mergeOwners(
        parts.map((part) => part.spending.projects),
        PROJECT_CAP,
      ),
    },
    quality: mergeQuality(parts.map((part) => part.quality)),
  };
}
