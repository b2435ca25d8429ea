// Rule list edits. The whole list is saved at once (order = priority: first match wins).
import type { ActionClass } from '../../../contracts/decision';
import type { CascadeRule } from '../../../contracts/rules';

/** One change to one rule, applied to whatever the latest version of that rule is. */
export type RuleUpdate = (rule: CascadeRule) => CascadeRule;

export function moveRule(rules: readonly CascadeRule[], id: string, offset: -1 | 1): CascadeRule[] {
  const from = rules.findIndex((r) => r.id === id);
  const to = from + offset;
  if (from < 0 || to < 0 || to >= rules.length) return [...rules];
  const next = [...rules];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

export function updateRule(rules: readonly CascadeRule[], id: string, update: RuleUpdate): CascadeRule[] {
  return rules.map((r) => (r.id === id ? update(r) : r));
}

type OptionalField = 'classThresholds' | 'acceptUnverified' | 'shadowRate' | 'targetAgreement';

/** A setting left at its default is left out, so the saved rule stays minimal. */
export function withOptional<K extends OptionalField>(rule: CascadeRule, key: K, value: CascadeRule[K] | undefined): CascadeRule {
  const next = { ...rule };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** One class's entry set, or removed (undefined); an empty map is no map. */
function withEntry<V>(map: Partial<Record<ActionClass, V>> | undefined, actionClass: ActionClass, value: V | undefined) {
  const next = { ...map };
  if (value === undefined) delete next[actionClass];
  else next[actionClass] = value;
  return Object.keys(next).length === 0 ? undefined : next;
}

/** The class's own threshold; undefined: derived from the rule's slider again. */
export function withClassThreshold(rule: CascadeRule, actionClass: ActionClass, threshold: number | undefined): CascadeRule {
  return withOptional(rule, 'classThresholds', withEntry(rule.classThresholds, actionClass, threshold));
}

/** Accept unverified drafts of the class or not; undefined: the default again. */
export function withAcceptUnverified(rule: CascadeRule, actionClass: ActionClass, accept: boolean | undefined): CascadeRule {
  return withOptional(rule, 'acceptUnverified', withEntry(rule.acceptUnverified, actionClass, accept));
}

export function removeRule(rules: readonly CascadeRule[], id: string): CascadeRule[] {
  return rules.filter((r) => r.id !== id);
}

/** A random id; crypto.getRandomValues also works outside secure contexts (token-protected LAN use). */
export function newRuleId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `rule-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function blankRule(): CascadeRule {
  return { id: newRuleId(), match: '', draftModel: '', verifierModel: null, threshold: 0.7, enabled: true };
}

/** The fields of the rule form, in the order they are shown. */
export const RULE_FIELDS = ['match', 'draftModel', 'verifierModel'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** What is wrong with each field of a rule before it is sent; the proxy validates again. */
export function ruleProblems(rule: CascadeRule): Partial<Record<RuleField, string>> {
  const problems: Partial<Record<RuleField, string>> = {};
  const match = rule.match.trim();
  const draft = rule.draftModel.trim();
  if (match === '') problems.match = 'Requested model is required.';
  if (draft === '') problems.draftModel = 'Draft model is required.';
  else if (draft === match) problems.draftModel = 'The draft model must differ from the requested model.';
  return problems;
}

export function isComplete(rule: CascadeRule): boolean {
  return Object.keys(ruleProblems(rule)).length === 0;
}
