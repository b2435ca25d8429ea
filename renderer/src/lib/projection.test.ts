import { describe, expect, it } from 'vitest';
import { decisionRecord } from '../../../test/fixtures/contracts';
import { clampThreshold, projectAcceptance, thresholdLabel } from './projection';

describe('projectAcceptance', () => {
  const decisions = [
    decisionRecord({ confidence: 0.95 }),
    decisionRecord({ confidence: 0.75, decision: 'accepted' }),
    decisionRecord({ confidence: 0.65, decision: 'escalated' }),
    decisionRecord({ confidence: null, decision: 'draft_error' }),
    decisionRecord({ confidence: 0.99, ruleId: 'opus' }),
    decisionRecord({ confidence: null, decision: 'passthrough', ruleId: null }),
  ];

  it('counts drafts of that rule whose confidence reaches the threshold', () => {
    expect(projectAcceptance(decisions, 'sonnet', 0.7)).toEqual({ accepted: 2, attempts: 4, rate: 0.5 });
    expect(projectAcceptance(decisions, 'sonnet', 0.6)).toEqual({ accepted: 3, attempts: 4, rate: 0.75 });
    expect(projectAcceptance(decisions, 'sonnet', 0.95)).toEqual({ accepted: 1, attempts: 4, rate: 0.25 });
  });

  it('treats the threshold as inclusive, like the cascade', () => {
    expect(projectAcceptance(decisions, 'sonnet', 0.75).accepted).toBe(2);
    expect(projectAcceptance(decisions, 'sonnet', 0.76).accepted).toBe(1);
  });

  it('has no rate without drafts', () => {
    expect(projectAcceptance(decisions, 'haiku', 0.7)).toEqual({ accepted: 0, attempts: 0, rate: null });
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
