import { describe, expect, it } from 'vitest';
import { rulesSchema, type CascadeRule } from '../../contracts/rules';
import { DEFAULT_RULES, defaultRules } from './defaults';
import { findRule } from './match';
import { matchesPattern, mostSpecificMatch } from './pattern';

describe('patterns', () => {
  it('matches exact ids and * wildcards, anchored', () => {
    expect(matchesPattern('claude-sonnet-4*', 'claude-sonnet-4-5-20250929')).toBe(true);
    expect(matchesPattern('claude-sonnet-4*', 'claude-sonnet-4')).toBe(true);
    expect(matchesPattern('claude-sonnet-4*', 'xclaude-sonnet-4')).toBe(false);
    expect(matchesPattern('claude-*-haiku*', 'claude-3-5-haiku-20241022')).toBe(true);
    expect(matchesPattern('claude-3.5', 'claude-3x5')).toBe(false); // regex characters are literal
    expect(matchesPattern('claude-3-opus-20240229', 'claude-3-opus-20240229-v2')).toBe(false);
  });

  it('matches several wildcards exactly, and without backtracking blow-ups', () => {
    expect(matchesPattern('a*b*c', 'abc')).toBe(true);
    expect(matchesPattern('*-5*', 'claude-opus-5-5')).toBe(true);
    expect(matchesPattern('claude-*-5-5', 'claude-opus-5-5')).toBe(true);
    expect(matchesPattern('ab*ba', 'aba')).toBe(false); // prefix and suffix may not overlap
    expect(matchesPattern('*a*b', 'ba')).toBe(false);
    expect(matchesPattern('**', '')).toBe(true);
    // Exponential for a `.*` regex; the match must still answer (false: no trailing b).
    expect(matchesPattern(`${'*a'.repeat(30)}*b`, 'a'.repeat(5000))).toBe(false);
  });

  it('prefers exact ids, then the longest literal', () => {
    const patterns = ['claude-opus-4*', 'claude-opus-4-5*', 'claude-opus-4-5-20251101', '*'];
    expect(mostSpecificMatch(patterns, 'claude-opus-4-5-20251101')).toBe('claude-opus-4-5-20251101');
    expect(mostSpecificMatch(patterns, 'claude-opus-4-5')).toBe('claude-opus-4-5*');
    expect(mostSpecificMatch(patterns, 'claude-opus-4-1')).toBe('claude-opus-4*');
    expect(mostSpecificMatch(patterns, 'gpt-4')).toBe('*');
    expect(mostSpecificMatch(['claude-*'], 'gpt-4')).toBeNull();
  });
});

describe('default rules', () => {
  const rules = defaultRules();
  it.each([
    ['claude-3-5-sonnet-20241022', 'sonnet-3-5', 'claude-3-5-haiku-20241022', 0.7],
    ['claude-3-opus-20240229', 'opus-3', 'claude-3-5-sonnet-20241022', 0.75],
    ['claude-sonnet-4-5-20250929', 'sonnet-4', 'claude-haiku-4-5', 0.7],
    ['claude-sonnet-4-6', 'sonnet-4', 'claude-haiku-4-5', 0.7],
    ['claude-opus-4-1-20250805', 'opus-4', 'claude-sonnet-5-5', 0.75],
    ['claude-opus-4-7', 'opus-4', 'claude-sonnet-5-5', 0.75],
    ['claude-opus-4-8', 'opus-4', 'claude-sonnet-5-5', 0.75],
    // Claude Code's default model, and the rest of the current families.
    ['claude-opus-5-5', 'opus-5', 'claude-sonnet-5-5', 0.75],
    ['claude-opus-5', 'opus-5', 'claude-sonnet-5-5', 0.75],
    ['claude-sonnet-5-5', 'sonnet-5', 'claude-haiku-5-5', 0.7],
    ['claude-sonnet-5', 'sonnet-5', 'claude-haiku-5-5', 0.7],
    ['claude-fable-5-1', 'fable-5', 'claude-opus-5-5', 0.8],
    ['claude-fable-5', 'fable-5', 'claude-opus-5-5', 0.8],
  ])('%s → rule %s drafting with %s at %s', (model, id, draft, threshold) => {
    const rule = findRule(rules, model, false);
    expect(rule).toMatchObject({ id, draftModel: draft, threshold, verifierModel: null });
  });

  it.each(['claude-haiku-5-5', 'claude-haiku-4-5', 'claude-3-5-haiku-20241022', 'claude-3-haiku-20240307', 'claude-3-7-sonnet-20250219', 'claude-mythos-5-1', 'some-other-model'])(
    '%s passes through',
    (model) => {
      expect(findRule(rules, model, false)).toBeNull();
    },
  );

  it('are valid and cannot be mutated through the exported constant', () => {
    expect(rulesSchema.safeParse(rules).success).toBe(true);
    rules[0].threshold = 0.1;
    expect(DEFAULT_RULES[0].threshold).toBe(0.7);
  });
});

describe('findRule', () => {
  const rule = (id: string, match: string, enabled = true): CascadeRule => ({
    id,
    match,
    draftModel: 'claude-haiku-4-5',
    verifierModel: null,
    threshold: 0.7,
    enabled,
  });

  it('first enabled match wins, in list order', () => {
    const rules = [rule('off', 'claude-*', false), rule('broad', 'claude-*'), rule('narrow', 'claude-sonnet-4-5')];
    expect(findRule(rules, 'claude-sonnet-4-5', false)?.id).toBe('broad');
    expect(findRule(rules.slice(2), 'claude-sonnet-4-5', false)?.id).toBe('narrow');
  });

  it('returns null when paused', () => {
    expect(findRule([rule('a', '*')], 'claude-sonnet-4-5', true)).toBeNull();
  });
});

describe('rulesSchema', () => {
  const valid = { id: 'a', match: 'claude-*', draftModel: 'claude-haiku-4-5', verifierModel: null, threshold: 0.7, enabled: true };
  it.each([
    [{ ...valid, threshold: 1.2 }, '0.threshold'],
    [{ ...valid, threshold: -0.1 }, '0.threshold'],
    [{ ...valid, id: '' }, '0.id'],
    [{ ...valid, match: '  ' }, '0.match'],
    [{ ...valid, draftModel: 'claude haiku' }, '0.draftModel'],
    [{ ...valid, verifierModel: '' }, '0.verifierModel'],
    [{ ...valid, enabled: 'yes' }, '0.enabled'],
    [{ ...valid, extra: 1 }, '0'],
  ])('rejects %o', (bad, pathPrefix) => {
    const result = rulesSchema.safeParse([bad]);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path.join('.')).toContain(pathPrefix);
  });

  it('rejects duplicate ids and accepts the bounds of [0, 1]', () => {
    expect(rulesSchema.safeParse([valid, { ...valid }]).success).toBe(false);
    expect(rulesSchema.safeParse([{ ...valid, threshold: 0 }, { ...valid, id: 'b', threshold: 1, verifierModel: 'claude-opus-4-5' }]).success).toBe(
      true,
    );
  });
});
