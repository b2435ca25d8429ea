import { describe, expect, it } from 'vitest';
import type { ActionClass, DecisionRecord, ShadowResult } from '../../contracts/decision';
import { describeAgreement, describeLaterFailed, describeTarget, describeUnverified, qualityStatsSchema, type ClassQuality } from '../../contracts/quality';
import { decisionRecord, rule } from '../../test/fixtures/contracts';
import { dayStart } from './history';
import { MAX_RULES, MAX_SAMPLES, QualityAggregates, sampleCostPerDay, suggestThreshold, wilsonInterval } from './quality';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date(2026, 2, 18, 15, 30).getTime();

const accepted = (actionClass: ActionClass, over: Partial<DecisionRecord> = {}) => decisionRecord({ time: NOW, actionClass, ...over });
const shadow = (over: Partial<ShadowResult> = {}): ShadowResult => ({
  model: 'claude-opus-5-5',
  agreed: true,
  reason: 'same Read call',
  method: 'tool_calls',
  cost: 0.01,
  usage: { input_tokens: 1000, output_tokens: 200 },
  ...over,
});

/** An accepted record of the class, added, then amended with each shadow result in turn. */
function sampled(q: QualityAggregates, actionClass: ActionClass, confidence: number, result: ShadowResult): void {
  const record = accepted(actionClass, { confidence });
  q.add(record);
  q.amend(record, { id: record.id, shadow: result });
}

describe('wilsonInterval', () => {
  it('matches hand-computed 95 % intervals', () => {
    // 9 of 10: centre (0.9 + z²/20) / (1 + z²/10), half-width z·√(0.009 + z²/400) / (1 + z²/10).
    const nine = wilsonInterval(9, 10);
    expect(nine?.low).toBeCloseTo(0.59585, 5);
    expect(nine?.high).toBeCloseTo(0.98212, 5);
    // 0 of 5: from 0 to (z²/5) / (1 + z²/5).
    expect(wilsonInterval(0, 5)).toEqual({ low: 0, high: expect.closeTo(0.43448, 5) as number });
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('suggestThreshold', () => {
  // 10 samples at 0.95 (all agreed), 10 at 0.85 (8 agreed), 10 at 0.75 (5 agreed):
  // at 0.85 and above 18 of 20 agreed (90 %), at 0.75 and above 23 of 30 (76.7 %).
  const samples: Array<[number, boolean]> = [
    ...Array.from({ length: 10 }, (): [number, boolean] => [0.95, true]),
    ...Array.from({ length: 10 }, (_, i): [number, boolean] => [0.85, i < 8]),
    ...Array.from({ length: 10 }, (_, i): [number, boolean] => [0.75, i < 5]),
  ];

  it('suggests the lowest threshold whose samples at or above it meet the target', () => {
    expect(suggestThreshold(samples, 0.9)).toEqual({ kind: 'threshold', threshold: 0.85, agreement: 0.9, n: 20 });
    expect(suggestThreshold(samples, 0.75)).toEqual({ kind: 'threshold', threshold: 0.75, agreement: 23 / 30, n: 30 });
  });

  it('never goes below the least confident sample: drafts under it were never sampled', () => {
    expect(suggestThreshold(samples, 0.5)).toMatchObject({ threshold: 0.75 });
  });

  it('needs 20 samples at or above a threshold: the ten at 0.95 alone do not count', () => {
    expect(suggestThreshold(samples, 0.95)).toEqual({ kind: 'unreachable', threshold: 0.85, agreement: 0.9, n: 20 });
    expect(suggestThreshold(samples.slice(0, 19), 0.9)).toEqual({ kind: 'not_enough_samples', n: 19, needed: 20 });
  });
});

describe('sampleCostPerDay', () => {
  const today = dayStart(NOW);
  it('averages over the calendar days since the first accepted draft of the last seven', () => {
    expect(sampleCostPerDay([{ start: today, baselineCost: 0.3 }], NOW)).toBeCloseTo(0.3, 12);
    const days = [
      { start: dayStart(NOW - 2 * DAY), baselineCost: 0.3 },
      { start: today, baselineCost: 0.3 },
    ];
    expect(sampleCostPerDay(days, NOW)).toBeCloseTo(0.2, 12); // $0.60 over three days
    expect(sampleCostPerDay(days, NOW + 7 * DAY)).toBe(0);
  });
});

describe('QualityAggregates', () => {
  it('counts accepted drafts per rule and class, and the verifier-equivalent cost per day', () => {
    const q = new QualityAggregates();
    q.add(accepted('read', { baselineCost: 0.006 }));
    q.add(accepted('write', { baselineCost: 0.004, time: NOW - 2 * DAY }));
    q.add(decisionRecord({ time: NOW, decision: 'escalated', actionClass: 'read' }));
    q.add(accepted('read', { ruleId: null }));
    const stats = q.snapshot([rule()], NOW);
    expect(qualityStatsSchema.parse(stats)).toEqual(stats);
    const sonnet = stats.byRule[rule().id];
    expect(sonnet.classes.read.accepted).toBe(1);
    expect(sonnet.classes.write.accepted).toBe(1);
    expect(sonnet.classes.answer.accepted).toBe(0);
    expect(sonnet.sampleCostPerDay).toBeCloseTo(0.01 / 3, 12);
  });

  it('says what the unverified choice did: accepted ones with their savings and fate, escalated ones with what accepting them would have saved', () => {
    const q = new QualityAggregates();
    const kept = accepted('answer', { unverified: true, savings: 0.004 });
    q.add(kept);
    q.add(accepted('answer', { unverified: true, savings: 0.002 }));
    q.add(accepted('answer', { savings: 0.5 })); // verified: not counted as unverified
    const draft = { model: 'claude-haiku-4-5', status: 200, usage: null, cost: 0.001, latencyMs: 5 };
    q.add(decisionRecord({ time: NOW, decision: 'escalated', actionClass: 'answer', unverified: true, baselineCost: 0.006, draft }));
    q.amend(kept, { id: kept.id, laterFailed: { time: NOW, reason: 'x' } });
    q.amend(kept, { id: kept.id, shadow: shadow({ agreed: false }) });
    const { unverified } = q.snapshot([rule()], NOW).byRule[rule().id].classes.answer;
    // savings 0.004 + 0.002; forgone 0.006 - 0.001.
    expect(unverified).toEqual({ accepted: 2, savings: expect.closeTo(0.006, 12), laterFailed: 1, sampled: 1, agreed: 0, escalated: 1, forgone: expect.closeTo(0.005, 12) });
    expect(describeUnverified(unverified, 'answer')).toBe(
      'Unverified answer drafts: 2 accepted (saved $0.006; 1 later failed; 0 of 1 sampled matched) · 1 escalated (accepting them would have saved $0.005 more)',
    );
  });

  it('counts a later failure once, however often it is amended', () => {
    const q = new QualityAggregates();
    const record = accepted('write');
    q.add(record);
    q.add(accepted('write'));
    const laterFailed = { time: NOW, reason: 'Edit came back is_error' };
    q.amend(record, { id: record.id, laterFailed });
    q.amend({ ...record, laterFailed }, { id: record.id, laterFailed });
    const write = q.snapshot([rule()], NOW).byRule[rule().id].classes.write;
    expect(write).toMatchObject({ accepted: 2, laterFailed: 1, laterFailedShare: 0.5 });
    expect(describeLaterFailed(write, 'write')).toBe('1 of 2 accepted write drafts later failed (50 %)');
  });

  it('keeps shadow agreement with its Wilson interval and every call in its cost, failed ones included', () => {
    const q = new QualityAggregates();
    for (let i = 0; i < 10; i++) sampled(q, 'read', 0.8, shadow({ agreed: i < 9 }));
    sampled(q, 'read', 0.8, shadow({ agreed: false, cost: 0.002, failure: { kind: 'timeout', message: 'no answer' } }));
    sampled(q, 'read', 0.8, shadow({ cost: null }));
    const read = q.snapshot([rule()], NOW).byRule[rule().id].classes.read;
    expect(read.shadow).toEqual({
      n: 11,
      agreed: 10,
      rate: 10 / 11,
      low: expect.closeTo(wilsonInterval(10, 11)?.low ?? NaN, 12) as number,
      high: expect.closeTo(wilsonInterval(10, 11)?.high ?? NaN, 12) as number,
      cost: expect.closeTo(10 * 0.01 + 0.002, 12) as number,
      unpriced: 1,
      failed: 1,
      byWording: 0,
      model: 'claude-opus-5-5',
    });
  });

  it('does not count a shadow result the record already carries', () => {
    const q = new QualityAggregates();
    const record = accepted('answer');
    q.add(record);
    q.amend({ ...record, shadow: shadow() }, { id: record.id, shadow: shadow() });
    expect(q.snapshot([rule()], NOW).byRule[rule().id].classes.answer.shadow.n).toBe(0);
  });

  it('suggests a threshold from the sampled confidences against the rule target', () => {
    const q = new QualityAggregates();
    for (let i = 0; i < 20; i++) sampled(q, 'answer', 0.9, shadow({ agreed: i < 19, method: 'wording' }));
    for (let i = 0; i < 20; i++) sampled(q, 'answer', 0.7, shadow({ agreed: i < 14, method: 'wording' }));
    const answer = q.snapshot([rule({ targetAgreement: 0.9 })], NOW).byRule[rule().id].classes.answer;
    // At 0.90 and above 19 of 20 agreed (95 %); at 0.70 and above 33 of 40 (82.5 %).
    expect(answer.suggestion).toEqual({ kind: 'threshold', threshold: 0.9, agreement: 0.95, n: 20 });
    expect(answer.target).toBe(0.9);
    expect(describeTarget(answer, 0.7)).toBe('Below your 90 % target. A threshold of 0.90 would have met it: 95 % of the 20 sampled drafts at 0.90 or above matched.');
    expect(q.snapshot([rule()], NOW).byRule[rule().id].classes.answer.suggestion).toBeNull();
  });

  it('keeps the latest samples only, and evicts the longest-idle rule beyond the limit', () => {
    const q = new QualityAggregates();
    for (let i = 0; i < MAX_SAMPLES + 5; i++) sampled(q, 'read', 0.8, shadow());
    expect(q.toJSON().byRule[rule().id].classes.read?.samples).toHaveLength(MAX_SAMPLES);
    for (let i = 0; i < MAX_RULES; i++) q.add(accepted('read', { ruleId: `rule-${i}`, time: NOW + i + 1 }));
    expect(Object.keys(q.toJSON().byRule)).toHaveLength(MAX_RULES);
    expect(q.toJSON().byRule[rule().id]).toBeUndefined();
  });

  it('survives a JSON round trip; stats saved without it, or damaged, load empty', () => {
    const q = new QualityAggregates();
    sampled(q, 'write', 0.75, shadow({ agreed: false }));
    const copy = QualityAggregates.fromJSON(JSON.parse(JSON.stringify(q)));
    expect(copy.snapshot([rule()], NOW)).toEqual(q.snapshot([rule()], NOW));
    for (const saved of [undefined, { byRule: { sonnet: { classes: 'nonsense' } } }]) {
      expect(QualityAggregates.fromJSON(saved).snapshot([rule()], NOW).byRule[rule().id].classes.write.accepted).toBe(0);
    }
  });
});

describe('the sentences', () => {
  const quality = (over: Partial<ClassQuality['shadow']>, target: number | null = null): ClassQuality => {
    const q = new QualityAggregates();
    const base = q.snapshot([rule({ targetAgreement: target ?? undefined })], NOW).byRule[rule().id].classes.read;
    return { ...base, shadow: { ...base.shadow, ...over } };
  };

  it('say what was measured, how precisely, and what it cost', () => {
    const interval = wilsonInterval(109, 120);
    const shadowed = quality({ n: 120, agreed: 109, rate: 109 / 120, low: interval?.low, high: interval?.high, cost: 0.83, model: 'claude-opus-5-5' }).shadow;
    // 90.8 %, Wilson 84.3–94.8 %: ±5 %.
    expect(describeAgreement(shadowed)).toBe('Measured: 91 % of sampled drafts matched claude-opus-5-5 (±5 %, n = 120, cost $0.83)');
    expect(describeAgreement({ ...shadowed, byWording: 30, unpriced: 2, cost: 0.0042 })).toBe(
      'Measured: 91 % of sampled drafts matched claude-opus-5-5 (±5 %, n = 120, cost $0.0042 + 2 unpriced; 30 compared by wording only)',
    );
    expect(describeAgreement(quality({}).shadow)).toBe('Not measured yet: no sampled draft compared.');
    expect(describeAgreement(quality({ failed: 2, cost: 0.05 }).shadow)).toBe('Not measured yet: no sampled draft compared (2 shadow calls failed, cost $0.05).');
  });

  it('say how the class stands against the target', () => {
    expect(describeTarget(quality({}), 0.7)).toBeNull();
    expect(describeTarget(quality({}, 0.9), 0.7)).toBe('Target 90 %: not measured yet.');
    const measured = {
      ...quality({ n: 12, agreed: 10, rate: 10 / 12, low: 0.55, high: 0.95 }, 0.9),
      suggestion: { kind: 'not_enough_samples' as const, n: 12, needed: 20 },
    };
    expect(describeTarget(measured, 0.7)).toBe('Below your 90 % target. 12 of the 20 samples needed to suggest a threshold so far.');
    const unreachable = { ...measured, suggestion: { kind: 'unreachable' as const, threshold: 0.92, agreement: 0.86, n: 21 } };
    expect(describeTarget(unreachable, 0.7)).toBe('Below your 90 % target. No threshold would have met it: at best, 86 % of the 21 sampled drafts at 0.92 or above matched.');
    const meets = { ...measured, shadow: { ...measured.shadow, rate: 0.95 }, suggestion: { kind: 'threshold' as const, threshold: 0.65, agreement: 0.93, n: 40 } };
    expect(describeTarget(meets, 0.7)).toBe('Meets your 90 % target. A threshold as low as 0.65 would still have met it: 93 % of the 40 sampled drafts at 0.65 or above matched.');
    expect(describeTarget(meets, 0.6)).toBe('Meets your 90 % target.');
  });
});
