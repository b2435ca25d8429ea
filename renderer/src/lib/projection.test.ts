import { describe, expect, it } from 'vitest';
import { decisionRecord, rule } from '../../../test/fixtures/contracts';
import { clampThreshold, projectAcceptance, thresholdLabel } from './projection';

describe('projectAcceptance', () => {
  const decisions = [
    decisionRecord({ confidence: 0.95 }),
    decisionRecord({ confidence: 0.75, decision: 'accepted' }),
    decisionRecord({ confidence: 0.65, decision: 'escalated' }),
    decisionRecord({ confidence: null, decision: 'draft_error' }),
    decisionRecord({ confidence: 0.99, ruleId: 'opus' }),
    decisionRecord({ confidence: null, decision: 'passthrough', ruleId: null }),
    decisionRecord({ confidence: null, decision: 'not_worth_drafting', answeringModel: 'claude-sonnet-4-5' }),
  ];
  const at = (threshold: number, id = 'sonnet') => projectAcceptance(decisions, rule({ id, threshold }));

  it('counts drafts of that rule whose confidence reaches the threshold, not requests it chose not to draft', () => {
    expect(at(0.7)).toEqual({ accepted: 2, attempts: 4, rate: 0.5 });
    expect(at(0.6)).toEqual({ accepted: 3, attempts: 4, rate: 0.75 });
    expect(at(0.95)).toEqual({ accepted: 1, attempts: 4, rate: 0.25 });
  });

  it('treats the threshold as inclusive, like the cascade', () => {
    expect(at(0.75).accepted).toBe(2);
    expect(at(0.76).accepted).toBe(1);
  });

  it('judges each class by its own threshold and unverified drafts by the rule’s choice, like the policy', () => {
    const classed = [
      decisionRecord({ confidence: 0.6, actionClass: 'read' }),
      decisionRecord({ confidence: 0.6, actionClass: 'write', decision: 'escalated' }),
      decisionRecord({ confidence: 0.9, actionClass: 'answer', unverified: true, decision: 'escalated' }),
      decisionRecord({ confidence: 0.9, actionClass: 'write', signals: [{ name: 'truncated', penalty: 0.5, reason: 'cut off', decisive: true }] }),
    ];
    // Read sits 0.15 below the slider (0.55), write and answer at it; answer waits for evidence by default.
    expect(projectAcceptance(classed, rule({ threshold: 0.7 })).accepted).toBe(1);
    expect(projectAcceptance(classed, rule({ threshold: 0.7, classThresholds: { write: 0.6 } })).accepted).toBe(2);
    expect(projectAcceptance(classed, rule({ threshold: 0.7, acceptUnverified: { answer: true } })).accepted).toBe(2);
    expect(projectAcceptance(classed, rule({ threshold: 0.8 })).accepted).toBe(0);
  });

  it('has no rate without drafts', () => {
    expect(at(0.7, 'haiku')).toEqual({ accepted: 0, attempts: 0, rate: null });
  });
});

describe('threshold slider values', () => {
  it('snaps to hundredths inside 0.50–0.95', () => {
    expect(clampThreshold(0.7000000001)).toBe(0.7);
    expect(clampThreshold(0.2)).toBe(0.5);
    expect(clampThreshold(1)).toBe(0.95);
  });

  it('names the presets', () => {
    expect(thresholdLabel(0.6)).toBe('Aggressive');
    expect(thresholdLabel(0.7)).toBe('Balanced');
    expect(thresholdLabel(0.8)).toBe('Conservative');
    expect(thresholdLabel(0.92)).toBe('near Conservative');
    expect(thresholdLabel(0.68)).toBe('near Balanced');
  });
});
