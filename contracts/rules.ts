import { z } from 'zod';

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
});
export type CascadeRule = z.infer<typeof ruleSchema>;

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
