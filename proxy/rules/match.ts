import type { CascadeRule } from '../../contracts/rules';
import { matchesPattern } from './pattern';

/** First enabled rule whose pattern matches the requested model; order is the user's priority. */
export function findRule(rules: readonly CascadeRule[], model: string, paused: boolean): CascadeRule | null {
  if (paused) return null;
  return rules.find((rule) => rule.enabled && matchesPattern(rule.match, model)) ?? null;
}
