import { describe, expect, it } from 'vitest';
import { rule } from '../../test/fixtures/contracts';
import {
  closestModelId,
  draftReach,
  editDistance,
  modelWarnings,
  normaliseModelId,
  notFoundWarning,
  reachWarning,
  type JudgedDraft,
  type ModelKnowledge,
} from './checks';

const KNOWN = ['claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5', 'claude-sonnet-4-5', 'claude-sonnet-5'];

/** Lists KNOWN (nothing when `listError`), prices the Sonnet 4 family and Haiku 4.5. */
function knowledge(listError: string | null = null): ModelKnowledge {
  return {
    lookup: (id) => ({ listed: listError === null && KNOWN.includes(id), priced: id.startsWith('claude-sonnet-4') || id === 'claude-haiku-4-5' }),
    ids: () => KNOWN,
    listError: () => listError,
  };
}

const drafts = (...pairs: Array<[number, JudgedDraft['actionClass']]>): JudgedDraft[] => pairs.map(([confidence, actionClass]) => ({ confidence, actionClass }));

describe('closest model id', () => {
  it('measures Levenshtein distance', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('claude-haiku-4.5', 'claude-haiku-4-5')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('normalises case, dots, underscores and spaces', () => {
    expect(normaliseModelId(' Claude_Haiku 4.5 ')).toBe('claude-haiku-4-5');
  });

  it('suggests the alias for a dotted version, before its dated snapshot', () => {
    // Both are 0 away once normalised ("claude-haiku-4-5" and "…-20251001" is 9 away): the alias wins.
    expect(closestModelId('claude-haiku-4.5', KNOWN)).toBe('claude-haiku-4-5');
    expect(closestModelId('Claude-Opus-4.5', KNOWN)).toBe('claude-opus-4-5');
    // One letter off: "claude-sonet-4-5" is 1 from claude-sonnet-4-5.
    expect(closestModelId('claude-sonet-4-5', KNOWN)).toBe('claude-sonnet-4-5');
  });

  it('suggests nothing that is more than a fifth of the id away', () => {
    // "gpt-4o" (6 characters, so at most 1 edit) is 13+ edits from every known id.
    expect(closestModelId('gpt-4o', KNOWN)).toBeNull();
    // "claude-opus-9" (13 characters, at most 2 edits) is 3 from claude-opus-4-5: a guess, not a correction.
    expect(closestModelId('claude-opus-9', KNOWN)).toBeNull();
    // "claude-hiaku-4-5" (16, at most 3): a swapped pair is 2 edits.
    expect(closestModelId('claude-hiaku-4-5', KNOWN)).toBe('claude-haiku-4-5');
    expect(closestModelId('claude-haiku-4.5', [])).toBeNull();
  });
});

describe('model warnings', () => {
  it('warns about a model neither listed nor priced, with the closest known id', () => {
    const warnings = modelWarnings(rule({ draftModel: 'claude-haiku-4.5', verifierModel: 'claude-sonnet-4-5' }), knowledge());
    expect(warnings).toEqual([
      {
        ruleId: 'sonnet',
        kind: 'unknown_model',
        field: 'draftModel',
        message: 'Unknown draft model: claude-haiku-4.5 is not a model the upstream lists or the price table knows.',
        suggestion: 'claude-haiku-4-5',
      },
    ]);
  });

  it('trusts a listed or a priced model, and says why when the list is not available', () => {
    expect(modelWarnings(rule({ draftModel: 'claude-haiku-4-5' }), knowledge())).toEqual([]);
    // Priced but unlisted (a model the list does not show yet): no warning.
    expect(modelWarnings(rule({ draftModel: 'claude-sonnet-4-9' }), knowledge())).toEqual([]);
    const [warning] = modelWarnings(rule({ verifierModel: 'claude-opus-9' }), knowledge('no key to ask with yet'));
    expect(warning).toMatchObject({ ruleId: 'sonnet', kind: 'unknown_model', field: 'verifierModel' });
    expect(warning.message).toBe(
      "Unknown verifier model: claude-opus-9 is not a model the price table knows, and the upstream's model list is not available (no key to ask with yet).",
    );
    expect(warning).not.toHaveProperty('suggestion');
  });
});

describe('draft reach', () => {
  // The rule's slider is 0.7: answers and writes need 0.70, reads 0.55 (0.70 - 0.15).
  const sonnet = rule({ threshold: 0.7 });

  it('counts drafts that reach their own class threshold under the rule as it is now', () => {
    const recent = drafts([0.9, 'answer'], [0.69, 'answer'], [0.6, 'read'], [0.54, 'read'], [0.7, 'write']);
    // Passing: 0.9 (≥ 0.70), 0.6 (read ≥ 0.55), 0.7 (≥ 0.70) = 3; highest 0.9.
    expect(draftReach(sonnet, recent)).toEqual({ ruleId: 'sonnet', drafts: 5, passing: 3, highest: 0.9 });
    // Raised to 0.95 (reads 0.80): none passes any more.
    expect(draftReach(rule({ threshold: 0.95 }), recent)).toMatchObject({ passing: 0, highest: 0.9 });
    // A class threshold of its own wins: reads at 0.5 let 0.6 and 0.54 through.
    expect(draftReach(rule({ threshold: 0.95, classThresholds: { read: 0.5 } }), recent)).toMatchObject({ passing: 2 });
    expect(draftReach(sonnet, [])).toEqual({ ruleId: 'sonnet', drafts: 0, passing: 0, highest: null });
  });

  it('warns once at least 10 drafts were judged and none reached its threshold', () => {
    const strict = rule({ id: 'opus', threshold: 0.95 });
    const nine = drafts(...Array.from({ length: 9 }, () => [0.9, 'answer'] as [number, 'answer']));
    expect(reachWarning(strict, nine)).toBeNull();
    const forty = drafts(...Array.from({ length: 39 }, () => [0.9, 'answer'] as [number, 'answer']), [0.91, 'answer']);
    expect(reachWarning(strict, forty)).toEqual({
      ruleId: 'opus',
      kind: 'threshold_unreachable',
      field: 'threshold',
      message: 'No recent draft reaches 0.95 (highest 0.91 of 40 drafts): every request pays for the draft and the verifier.',
    });
    // Classes with thresholds of their own are named each.
    const mixed = [...forty.slice(0, 35), ...drafts([0.7, 'read'], [0.7, 'read'], [0.7, 'read'], [0.7, 'read'], [0.7, 'read'])];
    expect(reachWarning(strict, mixed)?.message).toBe(
      'No recent draft reaches 0.95 for answer, 0.80 for read (highest 0.90 of 40 drafts): every request pays for the draft and the verifier.',
    );
    // One draft through: no warning.
    expect(reachWarning(strict, [...forty, { confidence: 0.96, actionClass: 'answer' }])).toBeNull();
  });
});

describe('not-found streak', () => {
  const opus = rule({ id: 'opus', draftModel: 'claude-haiku-4.5' });

  it('warns from the third draft call in a row refused as not found, for the rule’s current draft model', () => {
    expect(notFoundWarning(opus, undefined)).toBeNull();
    expect(notFoundWarning(opus, { model: 'claude-haiku-4.5', streak: 2 })).toBeNull();
    expect(notFoundWarning(opus, { model: 'claude-haiku-4.5', streak: 3 })).toEqual({
      ruleId: 'opus',
      kind: 'model_not_found',
      field: 'draftModel',
      message: 'The upstream answered the last 3 draft calls to claude-haiku-4.5 with 404 not_found_error: every request pays an extra failing round trip.',
    });
    // The rule drafts with another model now: the old run says nothing about it.
    expect(notFoundWarning(rule({ id: 'opus', draftModel: 'claude-haiku-4-5' }), { model: 'claude-haiku-4.5', streak: 5 })).toBeNull();
  });
});
