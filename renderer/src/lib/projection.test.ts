import { describe, expect, it } from 'vitest';
import { decisionRecord, rule } from '../../../test/fixtures/contracts';
import { clampThreshold, projectReach, sameThresholds, thresholdLabel } from './projection';

describe('projectReach', () => {
  const decisions = [
    decisionRecord({ confidence: 0.95, actionClass: 'answer' }),
    decisionRecord({ confidence: 0.75, actionClass: 'answer' }),
    decisionRecord({ confidence: 0.65, actionClass: 'write', decision: 'escalated' }),
    decisionRecord({ confidence: null, decision: 'draft_error' }),
    decisionRecord({ confidence: 0.99, actionClass: 'answer', ruleId: 'opus' }),
    decisionRecord({ confidence: null, decision: 'passthrough', ruleId: null }),
    decisionRecord({ confidence: null, decision: 'not_worth_drafting', answeringModel: 'claude-sonnet-4-5' }),
  ];
  const at = (threshold: number, id = 'sonnet') => projectReach(decisions, rule({ id, threshold }));

  it('counts the rule’s judged drafts that reach the threshold, and the highest confidence among them', () => {
    // Not counted: a draft that failed (no confidence), another rule's, requests not drafted.
    expect(at(0.7)).toEqual({ ruleId: 'sonnet', drafts: 3, passing: 2, highest: 0.95 });
    expect(at(0.6)).toMatchObject({ drafts: 3, passing: 3 });
    expect(at(0.95)).toMatchObject({ drafts: 3, passing: 1 });
  });

  it('treats the threshold as inclusive, like the cascade', () => {
    expect(at(0.75).passing).toBe(2);
    expect(at(0.76).passing).toBe(1);
  });

  it('measures each class at its own threshold', () => {
    const classed = [decisionRecord({ confidence: 0.6, actionClass: 'read' }), decisionRecord({ confidence: 0.6, actionClass: 'write' })];
    // Read sits 0.15 below the slider (0.55), write at it.
    expect(projectReach(classed, rule({ threshold: 0.7 })).passing).toBe(1);
    expect(projectReach(classed, rule({ threshold: 0.7, classThresholds: { write: 0.6 } })).passing).toBe(2);
    expect(projectReach(classed, rule({ threshold: 0.8 })).passing).toBe(0);
  });

  it('has no highest without drafts', () => {
    expect(at(0.7, 'haiku')).toEqual({ ruleId: 'haiku', drafts: 0, passing: 0, highest: null });
  });

  it('knows when a measure taken under other thresholds no longer holds', () => {
    expect(sameThresholds(rule(), rule({ enabled: false }))).toBe(true);
    expect(sameThresholds(rule(), rule({ threshold: 0.8 }))).toBe(false);
    expect(sameThresholds(rule(), rule({ classThresholds: { read: 0.5 } }))).toBe(false);
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
