// The learned model's shape and its inference: a logistic regression over standardised
// features. Its output is read relative to its prior (the training base rate): how far the
// evidence moves the odds that the draft is good enough, in log-odds.
import { z } from 'zod';
import { FEATURE_NAMES } from './features';

export const learnedModelSchema = z.object({
  /** Feature names in weight order: must equal FEATURE_NAMES. */
  features: z.array(z.string()),
  /** Standardisation: z = (x - mean) / scale. */
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  weights: z.array(z.number()),
  /** Log-odds of "good enough" for a draft with average features (the training base rate). */
  prior: z.number(),
  /** |log-odds shift| under which the model is not confidently away from its prior: no signal. */
  margin: z.number().nonnegative(),
  /** How the weights were made, and their held-out figures (written by `npm run train:quality`). */
  training: z.record(z.string(), z.unknown()),
});
export type LearnedModel = z.infer<typeof learnedModelSchema>;

/** Validates a model against the features this code computes: stale weights fail loudly, at load. */
export function loadModel(json: unknown): LearnedModel {
  const model = learnedModelSchema.parse(json);
  const n = FEATURE_NAMES.length;
  if (model.features.join() !== FEATURE_NAMES.join()) {
    throw new Error(`learned model features [${model.features.join(', ')}] do not match the code's [${FEATURE_NAMES.join(', ')}]: retrain with npm run train:quality`);
  }
  if (model.mean.length !== n || model.scale.length !== n || model.weights.length !== n) throw new Error('learned model: one mean, scale and weight per feature');
  return model;
}

/**
 * Beyond this many standard deviations of the training data a feature says no more than at
 * the edge: the model never saw such values, and a linear score would extrapolate without bound.
 */
export const Z_LIMIT = 2;

const standardised = (model: LearnedModel, x: readonly number[], i: number) =>
  Math.min(Z_LIMIT, Math.max(-Z_LIMIT, (x[i] - model.mean[i]) / model.scale[i]));

/** Each feature's contribution to the log-odds shift from the prior. */
export function contributions(model: LearnedModel, x: readonly number[]): number[] {
  return x.map((_, i) => model.weights[i] * standardised(model, x, i));
}

/** A model that never speaks (every weight 0): the checker as if there were no learned check. */
export function silentModel(): LearnedModel {
  const n = FEATURE_NAMES.length;
  return { features: [...FEATURE_NAMES], mean: Array(n).fill(0), scale: Array(n).fill(1), weights: Array(n).fill(0), prior: 0, margin: 1, training: {} };
}
