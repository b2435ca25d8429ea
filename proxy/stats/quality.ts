// Running quality aggregates per rule and action class, over every decision recorded and the
// amends that came later (contracts/quality.ts says what they mean): accepted drafts and how many
// later failed; shadow samples with their agreement and cost, and the (confidence, agreed) pair of
// each, which a threshold suggestion reads; and the verifier-equivalent cost of recent accepted
// drafts, which says what sampling would cost. Persisted with the other stats as plain data,
// bounded: MAX_SAMPLES pairs per class, COST_DAYS day buckets and MAX_RULES rules.
import { z } from 'zod';
import { ACTION_CLASSES, actionClassSchema, amount, type ActionClass, type DecisionAmend, type DecisionRecord } from '../../contracts/decision';
import {
  MIN_SUGGESTION_SAMPLES,
  unverifiedOutcomesSchema,
  type ClassQuality,
  type QualityStats,
  type RuleQuality,
  type ThresholdSuggestion,
  type UnverifiedOutcomes,
} from '../../contracts/quality';
import type { CascadeRule } from '../../contracts/rules';
import { dayStart } from './history';

const count = z.number().int().nonnegative();

/** (confidence, agreed) pairs kept per rule and class, the latest ones. */
export const MAX_SAMPLES = 400;
/** Days of accepted-draft cost kept per rule for the sampling-cost estimate. */
export const COST_DAYS = 7;
/** Rules kept; beyond it the longest-idle one goes (deleted rules leave their entries behind). */
export const MAX_RULES = 200;
const DAY = 24 * 60 * 60 * 1000;

const classDataSchema = z.object({
  accepted: count,
  laterFailed: count,
  shadow: z.object({
    n: count,
    agreed: count,
    byWording: count,
    failed: count,
    cost: amount,
    unpriced: count,
    model: z.string().nullable(),
  }),
  /** [confidence, agreed] of the latest compared samples, oldest first. */
  samples: z.array(z.tuple([z.number(), z.boolean()])),
  /** Drafts no check found evidence for (absent in stats saved before it existed). */
  unverified: unverifiedOutcomesSchema.default(emptyUnverified),
});
type ClassData = z.infer<typeof classDataSchema>;

const ruleDataSchema = z.object({
  /** Epoch ms of the latest record counted (or amended). */
  updated: z.number(),
  classes: z.partialRecord(actionClassSchema, classDataSchema),
  /** Accepted drafts' baselineCost per local day, oldest first, the last COST_DAYS days. */
  days: z.array(z.object({ start: z.number().int(), baselineCost: amount })),
});
type RuleData = z.infer<typeof ruleDataSchema>;

/**
 * The persisted form, part of the stats data as `quality: qualityDataSchema.default(emptyQualityData)`:
 * stats saved before it existed load with empty quality stats.
 */
export const qualityDataSchema = z.object({ byRule: z.record(z.string(), ruleDataSchema) });
export type QualityData = z.infer<typeof qualityDataSchema>;

export function emptyQualityData(): QualityData {
  return { byRule: {} };
}

function emptyUnverified(): UnverifiedOutcomes {
  return { accepted: 0, savings: 0, laterFailed: 0, sampled: 0, agreed: 0, escalated: 0, forgone: 0 };
}

function emptyClass(): ClassData {
  return {
    accepted: 0,
    laterFailed: 0,
    shadow: { n: 0, agreed: 0, byWording: 0, failed: 0, cost: 0, unpriced: 0, model: null },
    samples: [],
    unverified: emptyUnverified(),
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export class QualityAggregates {
  /** Keeps `data` and changes it in place: pass the object that is persisted. */
  constructor(private readonly data: QualityData = emptyQualityData()) {}

  /** Stats saved by any version: what does not parse starts empty. */
  static fromJSON(value: unknown): QualityAggregates {
    const parsed = qualityDataSchema.safeParse(value);
    return new QualityAggregates(parsed.success ? parsed.data : emptyQualityData());
  }

  /** The live data, for serialising and nothing else. */
  toJSON(): QualityData {
    return this.data;
  }

  /** Once per recorded decision: accepted drafts count, and their verifier-equivalent cost; unverified drafts either way. */
  add(record: DecisionRecord): void {
    if (record.ruleId === null) return;
    if (record.decision === 'escalated' && record.unverified && record.actionClass) {
      const unverified = classOf(this.rule(record.ruleId, record.time), record.actionClass).unverified;
      unverified.escalated += 1;
      if (record.baselineCost !== null && record.draft?.cost != null) unverified.forgone += record.baselineCost - record.draft.cost;
    }
    if (record.decision !== 'accepted') return;
    const rule = this.rule(record.ruleId, record.time);
    if (record.baselineCost !== null) addDayCost(rule.days, record.time, record.baselineCost);
    if (!record.actionClass) return;
    const counted = classOf(rule, record.actionClass);
    counted.accepted += 1;
    if (record.unverified) {
      counted.unverified.accepted += 1;
      counted.unverified.savings += record.savings ?? 0;
    }
  }

  /**
   * A later change to a recorded decision, called with the record as it was before the change:
   * a change it already carries (a repeated amend) is not counted twice.
   */
  amend(record: DecisionRecord, change: DecisionAmend): void {
    if (record.decision !== 'accepted' || record.ruleId === null || !record.actionClass) return;
    const counted = classOf(this.rule(record.ruleId, record.time), record.actionClass);
    if (change.laterFailed && !record.laterFailed) {
      counted.laterFailed += 1;
      if (record.unverified) counted.unverified.laterFailed += 1;
    }
    const result = change.shadow;
    if (!result || record.shadow) return;
    const shadow = counted.shadow;
    if (result.cost === null) shadow.unpriced += 1;
    else shadow.cost += result.cost;
    if (result.failure) {
      shadow.failed += 1;
      return;
    }
    shadow.n += 1;
    if (result.agreed) shadow.agreed += 1;
    if (record.unverified) {
      counted.unverified.sampled += 1;
      if (result.agreed) counted.unverified.agreed += 1;
    }
    if (result.method === 'wording') shadow.byWording += 1;
    shadow.model = result.model;
    if (record.confidence !== null) {
      counted.samples.push([round3(record.confidence), result.agreed]);
      if (counted.samples.length > MAX_SAMPLES) counted.samples.splice(0, counted.samples.length - MAX_SAMPLES);
    }
  }

  /** The current rules' quality, as the control API answers it. */
  snapshot(rules: readonly CascadeRule[], now = Date.now()): QualityStats {
    return { byRule: Object.fromEntries(rules.map((rule) => [rule.id, ruleQuality(this.data.byRule[rule.id], rule, now)])) };
  }

  private rule(id: string, time: number): RuleData {
    let rule = this.data.byRule[id];
    if (!rule) {
      rule = { updated: time, classes: {}, days: [] };
      this.data.byRule[id] = rule;
      evictIdle(this.data);
    }
    rule.updated = Math.max(rule.updated, time);
    return rule;
  }
}

function classOf(rule: RuleData, actionClass: ActionClass): ClassData {
  return (rule.classes[actionClass] ??= emptyClass());
}

function evictIdle(data: QualityData): void {
  const ids = Object.keys(data.byRule);
  if (ids.length <= MAX_RULES) return;
  const idlest = ids.reduce((a, b) => (data.byRule[b].updated < data.byRule[a].updated ? b : a));
  delete data.byRule[idlest];
}

/** A day bucket started at `start` is among the COST_DAYS days up to `today` (DST days are 23 or 25 h). */
const withinCostDays = (start: number, today: number) => start <= today && today - start < COST_DAYS * DAY - DAY / 2;

/** Day buckets stay sorted; those before the COST_DAYS days up to the newest go. */
function addDayCost(days: RuleData['days'], time: number, cost: number): void {
  const start = dayStart(time);
  let i = days.length - 1;
  while (i >= 0 && days[i].start > start) i--;
  if (i >= 0 && days[i].start === start) days[i].baselineCost += cost;
  else days.splice(i + 1, 0, { start, baselineCost: cost });
  const newest = days[days.length - 1].start;
  while (!withinCostDays(days[0].start, newest)) days.shift();
}

/**
 * Accepted drafts' verifier-equivalent cost per day over the last COST_DAYS days (today
 * included), averaged over the calendar days since the first of them: a rule in use since this
 * morning divides by one day, not seven.
 */
export function sampleCostPerDay(days: RuleData['days'], now: number): number {
  const today = dayStart(now);
  const recent = days.filter((d) => withinCostDays(d.start, today));
  if (recent.length === 0) return 0;
  const spanned = Math.round((today - recent[0].start) / DAY) + 1;
  return recent.reduce((sum, d) => sum + d.baselineCost, 0) / spanned;
}

/** z for a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/** Wilson score interval of k successes in n trials at 95 %; null for n = 0. */
export function wilsonInterval(k: number, n: number): { low: number; high: number } | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The lowest threshold, on the slider's 0.01 steps, whose sampled drafts at or above it agreed
 * at least `target` of the time, counting only thresholds with `minSamples` samples at or above
 * them; else the threshold that came closest; or too few samples to say.
 */
export function suggestThreshold(
  samples: ReadonlyArray<readonly [number, boolean]>,
  target: number,
  minSamples = MIN_SUGGESTION_SAMPLES,
): ThresholdSuggestion {
  if (samples.length < minSamples) return { kind: 'not_enough_samples', n: samples.length, needed: minSamples };
  const sorted = [...samples].sort((a, b) => b[0] - a[0]);
  let n = 0;
  let agreed = 0;
  let met: ThresholdSuggestion | null = null;
  let closest: { threshold: number; agreement: number; n: number } | null = null;
  // From 1.00 down, judged only at steps that take in samples: below the least confident
  // sample there is no evidence (drafts under the threshold of the day were never sampled).
  for (let step = 100; step >= 0; step--) {
    const threshold = step / 100;
    const before = n;
    while (n < sorted.length && sorted[n][0] >= threshold) {
      if (sorted[n][1]) agreed += 1;
      n += 1;
    }
    if (n === before || n < minSamples) continue;
    const agreement = agreed / n;
    if (agreement >= target) met = { kind: 'threshold', threshold, agreement, n };
    if (!closest || agreement >= closest.agreement) closest = { threshold, agreement, n };
  }
  return met ?? { kind: 'unreachable', ...(closest as { threshold: number; agreement: number; n: number }) };
}

function ruleQuality(data: RuleData | undefined, rule: CascadeRule, now: number): RuleQuality {
  const target = rule.targetAgreement ?? null;
  const classes = Object.fromEntries(ACTION_CLASSES.map((c) => [c, classQuality(data?.classes[c] ?? emptyClass(), target)]));
  return { sampleCostPerDay: data ? sampleCostPerDay(data.days, now) : 0, classes: classes as RuleQuality['classes'] };
}

function classQuality(data: ClassData, target: number | null): ClassQuality {
  const { accepted, laterFailed, shadow, samples, unverified } = data;
  const interval = wilsonInterval(shadow.agreed, shadow.n);
  return {
    accepted,
    laterFailed,
    // Records counted before classes were recorded can fail later without having been counted here.
    laterFailedShare: accepted === 0 ? null : Math.min(1, laterFailed / accepted),
    shadow: { ...shadow, rate: shadow.n === 0 ? null : shadow.agreed / shadow.n, low: interval?.low ?? null, high: interval?.high ?? null },
    target,
    suggestion: target === null ? null : suggestThreshold(samples, target),
    unverified: { ...unverified },
  };
}
