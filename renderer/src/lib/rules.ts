// Rule list edits. The whole list is saved at once (order = priority: first match wins).
import type { CascadeRule } from '../../../contracts/rules';

export function moveRule(rules: readonly CascadeRule[], id: string, offset: -1 | 1): CascadeRule[] {
  const from = rules.findIndex((r) => r.id === id);
  const to = from + offset;
  if (from < 0 || to < 0 || to >= rules.length) return [...rules];
  const next = [...rules];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

export function replaceRule(rules: readonly CascadeRule[], rule: CascadeRule): CascadeRule[] {
  return rules.map((r) => (r.id === rule.id ? rule : r));
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

/** What is wrong with a rule before it is sent; the proxy validates again. */
export function ruleProblems(rule: CascadeRule): string[] {
  const problems: string[] = [];
  if (rule.match.trim() === '') problems.push('Requested model is required.');
  if (rule.draftModel.trim() === '') problems.push('Draft model is required.');
  if (rule.draftModel.trim() !== '' && rule.draftModel.trim() === rule.match.trim())
    problems.push('The draft model must differ from the requested model.');
  return problems;
}
