// What the proxy knows about each rule beyond its own fields: whether its models exist, whether
// its drafts keep failing to reach the draft model, and whether its thresholds can be met by the
// confidences its recent drafts reached. Rules still save with a warning: the user may know a
// model the upstream does not list yet.
import { z } from 'zod';
import type { ActionClass } from './decision';
import { thresholdFor, type CascadeRule } from './rules';

const count = z.number().int().nonnegative();

/**
 * unknown_model: neither the upstream's model list nor the price table knows the id;
 * model_not_found: draft calls of this rule keep coming back 404 not_found_error;
 * threshold_unreachable: no recent draft of the rule reached its threshold.
 */
export const RULE_WARNING_KINDS = ['unknown_model', 'model_not_found', 'threshold_unreachable'] as const;

export const ruleWarningSchema = z.object({
  ruleId: z.string(),
  kind: z.enum(RULE_WARNING_KINDS),
  /** The rule field the warning is about. */
  field: z.enum(['draftModel', 'verifierModel', 'threshold']),
  /** One sentence for a person, e.g. "claude-haiku-4.5 is not a model the upstream lists". */
  message: z.string(),
  /** The closest known model id, for an unknown one. */
  suggestion: z.string().optional(),
});
export type RuleWarning = z.infer<typeof ruleWarningSchema>;

/** The recent judged drafts of a rule, measured against its current thresholds. */
export const ruleDraftReachSchema = z.object({
  ruleId: z.string(),
  /** Judged drafts kept (the latest ones, up to a bound). */
  drafts: count,
  /** Of those, how many reach the threshold of their action class under the rule as it is now. */
  passing: count,
  /** The highest confidence among them; null without drafts. */
  highest: z.number().nullable(),
});
export type RuleDraftReach = z.infer<typeof ruleDraftReachSchema>;

/** A judged draft, as far as thresholds care. */
export interface JudgedDraft {
  confidence: number;
  actionClass: ActionClass;
}

/**
 * Drafts measured against a rule's thresholds (each at its class's): the proxy's reach for the
 * saved rule, and the dashboard's for a threshold still being dragged.
 */
export function draftReach(rule: Pick<CascadeRule, 'id' | 'threshold' | 'classThresholds'>, drafts: readonly JudgedDraft[]): RuleDraftReach {
  let passing = 0;
  let highest: number | null = null;
  for (const draft of drafts) {
    if (draft.confidence >= thresholdFor(rule, draft.actionClass)) passing++;
    if (highest === null || draft.confidence > highest) highest = draft.confidence;
  }
  return { ruleId: rule.id, drafts: drafts.length, passing, highest };
}

export const knownModelSchema = z.object({
  id: z.string(),
  /** The upstream lists it (GET /v1/models). */
  listed: z.boolean(),
  /** The price table prices it. */
  priced: z.boolean(),
});
export type KnownModel = z.infer<typeof knownModelSchema>;

export const ruleChecksSchema = z.object({
  warnings: z.array(ruleWarningSchema),
  reach: z.array(ruleDraftReachSchema),
  /** Every model id the proxy knows, for the rule form's suggestions; sorted by id. */
  models: z.array(knownModelSchema),
  /** Why the upstream's model list is not among them (no key yet, the upstream refused): null when it is. */
  upstreamModelsError: z.string().nullable(),
});
export type RuleChecks = z.infer<typeof ruleChecksSchema>;
