import { describe, expect, it } from 'vitest';
import { judgeAcceptance } from './policy';

const verdict = (confidence: number, actionClass: 'read' | 'write' | 'answer', unverified = false) => ({ confidence, actionClass, unverified });

describe('judgeAcceptance', () => {
  const rule = { threshold: 0.7 };

  it('accepts at or above the class threshold: reads 0.15 below the slider', () => {
    expect(judgeAcceptance(rule, verdict(0.7, 'answer'), false)).toEqual({ accept: true, reason: 'confidence 0.70 ≥ threshold 0.70 (answer)', threshold: 0.7 });
    expect(judgeAcceptance(rule, verdict(0.69, 'write'), false)).toMatchObject({ accept: false, reason: 'confidence 0.69 < threshold 0.70 (write)' });
    // The same confidence passes for a read: 0.7 - 0.15 = 0.55.
    const read = judgeAcceptance(rule, verdict(0.6, 'read'), false);
    expect(read).toMatchObject({ accept: true, reason: 'confidence 0.60 ≥ threshold 0.55 (read)' });
    expect(read.threshold).toBeCloseTo(0.55, 12);
    expect(judgeAcceptance(rule, verdict(0.6, 'write'), false).accept).toBe(false);
  });

  it('takes a class threshold the rule sets over the slider', () => {
    const own = { threshold: 0.7, classThresholds: { answer: 0.9 } };
    expect(judgeAcceptance(own, verdict(0.85, 'answer'), false)).toMatchObject({ accept: false, threshold: 0.9 });
  });

  it('accepts an unverified draft only where the rule says so: reads by default', () => {
    expect(judgeAcceptance(rule, verdict(0.9, 'read', true), false).accept).toBe(true);
    const answer = judgeAcceptance(rule, verdict(0.9, 'answer', true), false);
    expect(answer.accept).toBe(false);
    expect(answer.reason).toMatch(/^unverified answer: no check found evidence either way/);
    expect(judgeAcceptance(rule, verdict(0.9, 'write', true), false).accept).toBe(false);
    const trusting = { threshold: 0.7, acceptUnverified: { answer: true, read: false } };
    expect(judgeAcceptance(trusting, verdict(0.9, 'answer', true), false).accept).toBe(true);
    expect(judgeAcceptance(trusting, verdict(0.9, 'read', true), false).accept).toBe(false);
  });

  it('never accepts a draft stopped early, whatever its confidence', () => {
    expect(judgeAcceptance(rule, verdict(1, 'read'), true)).toMatchObject({ accept: false, reason: 'stopped early: a decisive signal ruled the draft out' });
  });
});
