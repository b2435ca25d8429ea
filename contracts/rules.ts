import { z } from 'zod';
import { ACTION_CLASSES, type ActionClass } from './decision';

const modelId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[^\s]+$/, 'must not contain spaces');

/**
 * Thresholds may be anywhere in [0, 1]: 0 accepts every draft that arrives intact,
 * 1 only flawless ones. The dashboard's slider offers the useful 0.50–0.95 band.
 */
export const ruleSchema = z.strictObject({
  id: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100)
    // Per-rule totals are keyed by id: "__proto__" would write into Object.prototype.
    .refine((id) => !(id in Object.prototype), 'must not be a built-in object property name'),
  /** Exact model id, or a pattern with `*` wildcards such as `claude-sonnet-4*`. */
  match: modelId,
  draftModel: modelId,
  /** Model that answers when the draft is escalated; null means the requested model. */
  verifierModel: modelId.nullable(),
  /** Accept a draft when confidence >= threshold. 0.6 aggressive, 0.7 balanced, 0.8 conservative. */
  threshold: z.number().min(0).max(1),
  enabled: z.boolean(),
  /** Advanced: a threshold per action class, overriding the one derived from `threshold`. */
  classThresholds: z.partialRecord(z.enum(ACTION_CLASSES), z.number().min(0).max(1)).optional(),
  /** Per action class: accept a draft no check found evidence for or against (see UNVERIFIED_DEFAULTS). */
  acceptUnverified: z.partialRecord(z.enum(ACTION_CLASSES), z.boolean()).optional(),
  /** Share of accepted drafts answered again by the verifier in the background to measure agreement (0 = off). */
  shadowRate: z.number().min(0).max(1).optional(),
  /** Agreement the user wants per class, in [0, 1]; below it the dashboard warns and suggests a threshold. */
  targetAgreement: z.number().min(0).max(1).optional(),
});
export type CascadeRule = z.infer<typeof ruleSchema>;

/** Reads are cheap to get wrong and self-correcting: their threshold sits this far below the slider's. */
export const READ_THRESHOLD_OFFSET = 0.15;

/** The threshold a draft of this class must reach under the rule. */
export function thresholdFor(rule: Pick<CascadeRule, 'threshold' | 'classThresholds'>, actionClass: ActionClass): number {
  const own = rule.classThresholds?.[actionClass];
  if (own !== undefined) return own;
  // Rounded to the slider's 0.01 steps: 0.7 - 0.15 is 0.5499999999999999 in floating point.
  return actionClass === 'read' ? Math.max(0, Math.round((rule.threshold - READ_THRESHOLD_OFFSET) * 100) / 100) : rule.threshold;
}

/** Unverified drafts: reads are accepted; edits and final answers wait for evidence unless the user says otherwise. */
export const UNVERIFIED_DEFAULTS: Readonly<Record<ActionClass, boolean>> = Object.freeze({ read: true, write: false, answer: false });

export function acceptsUnverified(rule: Pick<CascadeRule, 'acceptUnverified'>, actionClass: ActionClass): boolean {
  return rule.acceptUnverified?.[actionClass] ?? UNVERIFIED_DEFAULTS[actionClass];
}

export const rulesSchema = z
  .array(ruleSchema)
  .max(200)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate rule id "${rule.id}"` });
      }
      seen.add(rule.id);
    });
  });
