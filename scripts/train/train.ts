// Training the learned check: examples from replay rows (features of each open-ended draft,
// labelled with the share of the verifier's quality the draft keeps: 1 when it is at least as
// good, 1 - (verifier - draft) below), a fit, the model file, and cross-validated figures of
// the whole checker with each fold's model.
import { buildContext } from '../../proxy/quality/extract';
import { createChecker } from '../../proxy/quality';
import { learnedApplies } from '../../proxy/quality/learned';
import { FEATURE_NAMES, featuresOf } from '../../proxy/quality/learned/features';
import { Z_LIMIT, loadModel, silentModel, type LearnedModel } from '../../proxy/quality/learned/model';
import { replayInput, type Row } from '../eval/dataset';
import { randomSummary, summarize, type ScoredRow } from '../eval/metrics';
import { replayRows } from '../eval/replay';
import { groupFolds } from './folds';
import { fitLogistic, type Example } from './logistic';

export interface TrainOptions {
  l2: number;
  margin: number;
  folds: number;
  /** Cross-validation is repeated with this many different fold assignments. */
  repeats: number;
  priceRatio: number;
}

export interface Dataset {
  file: string;
  rows: Row[];
}

/** The prompt a row answers: rows with the same request are one group. */
export const promptKey = (row: Row) => JSON.stringify([row.messages, row.tools ?? null]);

/**
 * The label: how much of the verifier's quality the draft keeps. A soft label rather than
 * "good enough" (draft >= verifier): a draft a little behind is not as bad as one far behind,
 * and savings at 95 % quality are about exactly that.
 */
export const qualityKept = (row: Row) => 1 - Math.max(0, row.verifier.quality - row.draft.quality);

/** One example per row the learned check applies to (the others are judged by other checks). */
export function examplesOf(datasets: readonly Dataset[]): Example[] {
  return datasets.flatMap(({ rows }) =>
    rows.flatMap((row) => {
      const { request, draft } = replayInput(row);
      const ctx = buildContext(request, draft, false, undefined);
      return learnedApplies(ctx) ? [{ x: featuresOf(ctx), y: qualityKept(row) }] : [];
    }),
  );
}

export function train(examples: readonly Example[], options: Pick<TrainOptions, 'l2' | 'margin'>, training: Record<string, unknown>): LearnedModel {
  const fit = fitLogistic(examples, options.l2, Z_LIMIT);
  return loadModel({ features: [...FEATURE_NAMES], mean: fit.mean, scale: fit.scale, weights: fit.weights, prior: fit.bias, margin: options.margin, training });
}

export interface HeldOut {
  file: string;
  rows: number;
  /** Mean over the repeats, and the lowest and highest. */
  auroc: { mean: number; min: number; max: number };
  savingsAt95: { mean: number; min: number; max: number };
  randomSavingsAt95: number;
  /** The shipped hand-written checks alone (learned check silent), for comparison. */
  withoutLearned: { auroc: number | null; savingsAt95: number | null };
  /**
   * Harder: trained on one draft model's answers to half of the prompts, scored on another
   * draft model's answers to the other half (every ordered pair of models, both halves, each
   * repeat); null when the file has answers of one draft model only.
   */
  otherModelOtherPrompts: { runs: number; auroc: number; savingsAt95: number; randomSavingsAt95: number } | null;
}

const range = (values: number[]) => ({ mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) });

/**
 * Held-out figures per dataset: every row is scored by the whole checker with a model trained
 * on the other folds (grouped by prompt, all datasets pooled), repeated with different folds.
 */
export function crossValidate(datasets: readonly Dataset[], options: TrainOptions): HeldOut[] {
  const all = datasets.flatMap((d, i) => d.rows.map((row) => ({ row, dataset: i, key: `${i}:${promptKey(row)}` })));
  const perRepeat = Array.from({ length: options.repeats }, (_, repeat) => {
    const fold = groupFolds(all.map((r) => r.key), options.folds, repeat + 1);
    const scored: ScoredRow[][] = datasets.map(() => []);
    for (let k = 0; k < options.folds; k++) {
      const trainSets = datasets.map((d, i) => ({ file: d.file, rows: all.filter((r, j) => r.dataset === i && fold[j] !== k).map((r) => r.row) }));
      const model = train(examplesOf(trainSets), options, {});
      const check = createChecker(model);
      datasets.forEach((_, i) => {
        const test = all.filter((r, j) => r.dataset === i && fold[j] === k).map((r) => r.row);
        if (test.length > 0) scored[i].push(...replayRows(test, options.priceRatio, check));
      });
    }
    return scored.map((rows) => summarize(rows));
  });
  const silent = createChecker(silentModel());
  return datasets.map((d, i) => {
    const rows = replayRows(d.rows, options.priceRatio, silent);
    const without = summarize(rows);
    return {
      file: d.file,
      rows: d.rows.length,
      auroc: range(perRepeat.map((s) => s[i].auroc ?? NaN)),
      savingsAt95: range(perRepeat.map((s) => s[i].at95?.savings ?? NaN)),
      randomSavingsAt95: randomSummary(rows).at95?.savings ?? NaN,
      withoutLearned: { auroc: without.auroc, savingsAt95: without.at95?.savings ?? null },
      otherModelOtherPrompts: acrossModels(d.rows, options),
    };
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function acrossModels(rows: Row[], options: TrainOptions): HeldOut['otherModelOtherPrompts'] {
  const models = [...new Set(rows.map((r) => r.draft.model ?? ''))];
  if (models.length < 2) return null;
  const runs: { auroc: number; savings: number; random: number }[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    const half = groupFolds(rows.map(promptKey), 2, repeat + 1);
    for (const trainModel of models) {
      for (const testModel of models) {
        if (trainModel === testModel) continue;
        for (const trainHalf of [0, 1]) {
          const trainRows = rows.filter((r, i) => (r.draft.model ?? '') === trainModel && half[i] === trainHalf);
          const testRows = rows.filter((r, i) => (r.draft.model ?? '') === testModel && half[i] !== trainHalf);
          const scored = replayRows(testRows, options.priceRatio, createChecker(train(examplesOf([{ file: '', rows: trainRows }]), options, {})));
          const summary = summarize(scored);
          runs.push({ auroc: summary.auroc ?? NaN, savings: summary.at95?.savings ?? NaN, random: randomSummary(scored).at95?.savings ?? NaN });
        }
      }
    }
  }
  return {
    runs: runs.length,
    auroc: mean(runs.map((r) => r.auroc)),
    savingsAt95: mean(runs.map((r) => r.savings)),
    randomSavingsAt95: mean(runs.map((r) => r.random)),
  };
}
