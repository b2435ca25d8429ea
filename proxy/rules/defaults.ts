import type { CascadeRule } from '../../contracts/rules';

// The rules a new store starts with (a stored list is the user's and is never rewritten):
// each expensive family drafts with the next cheaper current family, the requested model
// verifies. Claude Code asks for claude-opus-5-5 by default, so the Opus 5.x rule is the one
// most users hit. Haiku requests and every other model match nothing and pass through.
export const DEFAULT_RULES: readonly CascadeRule[] = Object.freeze([
  // The seed's two rules.
  {
    id: 'sonnet-3-5',
    match: 'claude-3-5-sonnet-20241022',
    draftModel: 'claude-3-5-haiku-20241022',
    verifierModel: null,
    threshold: 0.7,
    enabled: true,
  },
  {
    id: 'opus-3',
    match: 'claude-3-opus-20240229',
    draftModel: 'claude-3-5-sonnet-20241022',
    verifierModel: null,
    threshold: 0.75,
    enabled: true,
  },
  // Opus 5.x ($4-5/$20-25) -> Sonnet 5.5 ($2/$10): same thinking, effort levels and 1M window.
  {
    id: 'opus-5',
    match: 'claude-opus-5*',
    draftModel: 'claude-sonnet-5-5',
    verifierModel: null,
    threshold: 0.75,
    enabled: true,
  },
  // Sonnet 5.x ($2/$10) -> Haiku 5.5 ($0.10/$0.50 up to 100K prompt tokens, 5× above).
  {
    id: 'sonnet-5',
    match: 'claude-sonnet-5*',
    draftModel: 'claude-haiku-5-5',
    verifierModel: null,
    threshold: 0.7,
    enabled: true,
  },
  // Fable 5.x ($10/$50) -> Opus 5.5 ($4/$20), conservative: Fable users chose the top model.
  {
    id: 'fable-5',
    match: 'claude-fable-5*',
    draftModel: 'claude-opus-5-5',
    verifierModel: null,
    threshold: 0.8,
    enabled: true,
  },
  // Sonnet 4.x ($3/$15) -> Haiku 4.5 ($1/$5), the Haiku of its generation.
  {
    id: 'sonnet-4',
    match: 'claude-sonnet-4*',
    draftModel: 'claude-haiku-4-5',
    verifierModel: null,
    threshold: 0.7,
    enabled: true,
  },
  // Opus 4.x ($5-15/$25-75) -> Sonnet 5.5: the cheapest current Sonnet, and it takes the
  // adaptive thinking and every effort level Opus 4.6-4.8 requests carry.
  {
    id: 'opus-4',
    match: 'claude-opus-4*',
    draftModel: 'claude-sonnet-5-5',
    verifierModel: null,
    threshold: 0.75,
    enabled: true,
  },
].map((rule) => Object.freeze(rule)));

export function defaultRules(): CascadeRule[] {
  return DEFAULT_RULES.map((rule) => ({ ...rule }));
}

/** The defaults of versions before the 5.x families; a store holding exactly these was never edited. */
const PRE_5X_DEFAULTS: readonly CascadeRule[] = [
  DEFAULT_RULES[0],
  DEFAULT_RULES[1],
  { id: 'sonnet-4', match: 'claude-sonnet-4*', draftModel: 'claude-haiku-4-5', verifierModel: null, threshold: 0.7, enabled: true },
  { id: 'opus-4', match: 'claude-opus-4*', draftModel: 'claude-sonnet-4-5', verifierModel: null, threshold: 0.75, enabled: true },
];

/**
 * A stored rule list is the user's and is never rewritten. One that is still the untouched
 * pre-5.x default list gets this notice instead: Claude Code's default model passes through.
 */
export function outdatedDefaultsNotice(rules: readonly CascadeRule[]): string | null {
  if (JSON.stringify(rules) !== JSON.stringify(PRE_5X_DEFAULTS)) return null;
  return (
    'Your cascade rules are the defaults of an earlier version, which know no 5.x models: requests for ' +
    "claude-opus-5-5 (Claude Code's default model) and the other 5.x models pass through uncascaded. " +
    'To cascade them like new installs do, add rules claude-opus-5* → draft claude-sonnet-5-5 and ' +
    'claude-sonnet-5* → draft claude-haiku-5-5 under Rules.'
  );
}
