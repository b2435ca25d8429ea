// What is wrong with a rule, as pure functions over what the proxy knows: its models against the
// known ids (the upstream's list and the price table), its drafts against its thresholds, and a
// run of draft calls refused as not found. proxy/state/rule-checks.ts keeps the state they read.
import { draftReach, type JudgedDraft, type RuleWarning } from '../../contracts/rule-checks';
import { thresholdFor, type CascadeRule } from '../../contracts/rules';

// The drafts measured against a rule's thresholds: one definition, shared with the dashboard.
export { draftReach, type JudgedDraft };

/** What the proxy knows of a model id (proxy/models/catalog.ts). */
export interface ModelLookup {
  listed: boolean;
  priced: boolean;
}

export interface ModelKnowledge {
  lookup(id: string): ModelLookup;
  /** Every known id, the candidates for a suggestion. */
  ids(): readonly string[];
  /** Why the upstream's list is not available; null when it is. */
  listError(): string | null;
}

/** Judged drafts a rule needs before its thresholds are called unreachable. */
export const MIN_DRAFTS_FOR_REACH = 10;

/** Draft calls in a row refused as not found before the rule is warned about. */
export const NOT_FOUND_STREAK = 3;

/** Case, dots, underscores and spaces aside: `Claude_Haiku 4.5` reads as `claude-haiku-4-5`. */
export function normaliseModelId(id: string): string {
  return id.trim().toLowerCase().replace(/[\s._]+/g, '-');
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

/**
 * The known id closest to `id` after normalising both; ties go to the shorter id (an alias
 * before its dated snapshot), then the first in order. Null when the closest is still more than
 * a fifth of the id away: a suggestion should look like a correction, not a guess.
 */
export function closestModelId(id: string, candidates: readonly string[]): string | null {
  const wanted = normaliseModelId(id);
  let best: { id: string; distance: number } | null = null;
  for (const candidate of candidates) {
    if (candidate === id) continue;
    const distance = editDistance(wanted, normaliseModelId(candidate));
    if (!best || distance < best.distance || (distance === best.distance && candidate.length < best.id.length)) best = { id: candidate, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(wanted.length / 5)) ? best.id : null;
}

const MODEL_FIELDS = { draftModel: 'draft model', verifierModel: 'verifier model' } as const;

/** unknown_model for each of the rule's models that neither the upstream lists nor the price table prices. */
export function modelWarnings(rule: CascadeRule, models: ModelKnowledge): RuleWarning[] {
  const warnings: RuleWarning[] = [];
  for (const field of ['draftModel', 'verifierModel'] as const) {
    const id = rule[field];
    if (id === null) continue;
    const { listed, priced } = models.lookup(id);
    if (listed || priced) continue;
    const listError = models.listError();
    const message = listError
      ? `${id} is not a model the price table knows, and the upstream's model list is not available (${listError}).`
      : `${id} is not a model the upstream lists or the price table knows.`;
    const suggestion = closestModelId(id, models.ids());
    warnings.push({ ruleId: rule.id, kind: 'unknown_model', field, message: `Unknown ${MODEL_FIELDS[field]}: ${message}`, ...(suggestion ? { suggestion } : {}) });
  }
  return warnings;
}


/** threshold_unreachable once enough recent drafts were judged and none reached its class's threshold. */
export function reachWarning(rule: CascadeRule, drafts: readonly JudgedDraft[], reach = draftReach(rule, drafts)): RuleWarning | null {
  if (reach.drafts < MIN_DRAFTS_FOR_REACH || reach.passing > 0 || reach.highest === null) return null;
  const classes = [...new Set(drafts.map((d) => d.actionClass))].sort();
  const thresholds = [...new Set(classes.map((c) => thresholdFor(rule, c)))];
  const needed = thresholds.length === 1 ? thresholds[0].toFixed(2) : classes.map((c) => `${thresholdFor(rule, c).toFixed(2)} for ${c}`).join(', ');
  return {
    ruleId: rule.id,
    kind: 'threshold_unreachable',
    field: 'threshold',
    message: `No recent draft reaches ${needed} (highest ${reach.highest.toFixed(2)} of ${reach.drafts} drafts): every request pays for the draft and the verifier.`,
  };
}

/** model_not_found once the rule's draft model was refused `streak` times in a row. */
export function notFoundWarning(rule: CascadeRule, refused: { model: string; streak: number } | undefined): RuleWarning | null {
  if (!refused || refused.streak < NOT_FOUND_STREAK || refused.model !== rule.draftModel) return null;
  return {
    ruleId: rule.id,
    kind: 'model_not_found',
    field: 'draftModel',
    message: `The upstream answered the last ${refused.streak} draft calls to ${refused.model} with 404 not_found_error: every request pays an extra failing round trip.`,
  };
}
