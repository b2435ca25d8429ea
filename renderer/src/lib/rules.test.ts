import { describe, expect, it } from 'vitest';
import { rule } from '../../../test/fixtures/contracts';
import { updateRule, withAcceptUnverified, withClassThreshold, withOptional } from './rules';

describe('per-class rule settings', () => {
  const base = rule();

  it('sets a class’s own value beside the others, and drops the map when the last one is reset', () => {
    const one = withClassThreshold(base, 'write', 0.8);
    expect(one.classThresholds).toEqual({ write: 0.8 });
    const two = withClassThreshold(one, 'answer', 0.75);
    expect(two.classThresholds).toEqual({ write: 0.8, answer: 0.75 });
    expect(withClassThreshold(two, 'write', undefined).classThresholds).toEqual({ answer: 0.75 });
    expect(withClassThreshold(one, 'write', undefined)).toEqual(base);
    expect('classThresholds' in withClassThreshold(one, 'write', undefined)).toBe(false);
  });

  it('keeps an explicit “no” for unverified drafts, which differs from the default only for reads', () => {
    expect(withAcceptUnverified(base, 'read', false).acceptUnverified).toEqual({ read: false });
    expect(withAcceptUnverified(withAcceptUnverified(base, 'read', false), 'read', undefined)).toEqual(base);
  });

  it('leaves optional settings out at their default, and edits one rule of the list', () => {
    expect(withOptional(base, 'shadowRate', 0.1)).toEqual({ ...base, shadowRate: 0.1 });
    expect(withOptional({ ...base, targetAgreement: 0.9 }, 'targetAgreement', undefined)).toEqual(base);
    const other = rule({ id: 'other' });
    expect(updateRule([base, other], 'other', (r) => ({ ...r, enabled: false }))).toEqual([base, { ...other, enabled: false }]);
  });
});
