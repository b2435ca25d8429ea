import type { CascadeRule } from '../types';

// The seed's two rules, then the same idea for the current families. Haiku and every
// other model match nothing and pass through. Verifier null = the requested model.
export const DEFAULT_RULES: readonly CascadeRule[] = Object.freeze([
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
  {
    id: 'sonnet-4',
    match: 'claude-sonnet-4*',
    draftModel: 'claude-haiku-4-5',
    verifierModel: null,
    threshold: 0.7,
    enabled: true,
  },
  {
    id: 'opus-4',
    match: 'claude-opus-4*',
    draftModel: 'claude-sonnet-4-5',
    verifierModel: null,
    threshold: 0.75,
    enabled: true,
  },
].map((rule) => Object.freeze(rule)));

export function defaultRules(): CascadeRule[] {
  return DEFAULT_RULES.map((rule) => ({ ...rule }));
}
