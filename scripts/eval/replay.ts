// Replays a dataset through the production checker and acceptance policy, and prices every
// call with the cost model: tokens = characters / 4, draft $1 / $5 per MTok in / out,
// verifier the same times the price ratio.
import { basename } from 'node:path';
import { checkQuality } from '../../proxy/quality';
import { SHIPPED_MODEL } from '../../proxy/quality/learned/shipped';
import { judgeAcceptance, type AcceptanceRule } from '../../proxy/quality/policy';
import type { QualityCheck } from '../../proxy/quality/types';
import { ACTION_CLASSES, type ActionClass, type QualitySignal } from '../../contracts/decision';
import { answerChars, promptChars, replayInput, type Row } from './dataset';
import {
  DEFAULT_THRESHOLDS,
  baseline,
  oracleSummary,
  pointWhere,
  randomSummary,
  summarize,
  type Baseline,
  type CurvePoint,
  type ScoredRow,
  type Summary,
} from './metrics';

export const DRAFT_PRICE = { input: 1, output: 5 }; // $ per million tokens
const CHARS_PER_TOKEN = 4;

export interface ReplayedRow extends ScoredRow {
  id: string;
  signals: QualitySignal[];
  actionClass: ActionClass;
  unverified: boolean;
  /** A streaming draft would have been stopped by a decisive signal (the replay assumes a streaming client). */
  stoppedEarly: boolean;
}

/** The production policy's operating point under one rule. */
export interface PolicyPoint extends CurvePoint {
  /** The rule's slider value (per-class thresholds derive from it). */
  threshold: number;
  /** Share of rows no check found evidence for or against. */
  unverified: number;
}

export interface Breakdown {
  baseline: Baseline;
  checker: Summary;
  random: Summary;
  oracle: Summary;
  /** The policy at 0.6 / 0.7 / 0.8 with the rule's other settings. */
  policy: PolicyPoint[];
  /** The policy under the rule as given. */
  atRule: PolicyPoint;
}

export interface FileReport extends Breakdown {
  file: string;
  priceRatio: number;
  /** The shipped learned check was trained on this file: its figures here are in-sample, not held out. */
  inSample: boolean;
  rule: AcceptanceRule;
  /** The same figures per action class of the draft, for the classes present. */
  classes: Partial<Record<ActionClass, Breakdown>>;
}

function callCost(inputChars: number, outputChars: number, ratio: number): number {
  return (((inputChars / CHARS_PER_TOKEN) * DRAFT_PRICE.input + (outputChars / CHARS_PER_TOKEN) * DRAFT_PRICE.output) * ratio) / 1e6;
}

/** Every row through a checker: the production one unless another is given (training scores its folds). */
export function replayRows(rows: Row[], priceRatio: number, check: QualityCheck = checkQuality): ReplayedRow[] {
  return rows.map((row) => {
    const { request, draft } = replayInput(row);
    const { confidence, signals, actionClass, unverified } = check(request, draft);
    const input = promptChars(row);
    return {
      id: row.id,
      confidence,
      signals,
      actionClass,
      unverified,
      stoppedEarly: signals.some((s) => s.decisive === true),
      draftQuality: row.draft.quality,
      verifierQuality: row.verifier.quality,
      draftCost: callCost(input, answerChars(row.draft), 1),
      verifierCost: callCost(input, answerChars(row.verifier), priceRatio),
    };
  });
}

/** Whether the production policy accepts each row under the rule. */
export function acceptedUnder(rows: ReplayedRow[], rule: AcceptanceRule): boolean[] {
  return rows.map((r) => judgeAcceptance(rule, r, r.stoppedEarly).accept);
}

function policyAt(rows: ReplayedRow[], rule: AcceptanceRule, threshold: number): PolicyPoint {
  const at = { ...rule, threshold };
  return { ...pointWhere(rows, acceptedUnder(rows, at)), threshold, unverified: rows.filter((r) => r.unverified).length / rows.length };
}

function breakdown(rows: ReplayedRow[], rule: AcceptanceRule): Breakdown {
  return {
    baseline: baseline(rows),
    checker: summarize(rows),
    random: randomSummary(rows),
    oracle: oracleSummary(rows),
    policy: DEFAULT_THRESHOLDS.map((t) => policyAt(rows, rule, t)),
    atRule: policyAt(rows, rule, rule.threshold),
  };
}

/** The files the shipped learned check was trained on, as its weights file records them. */
const trainedOn = new Set(
  (Array.isArray(SHIPPED_MODEL.training.data) ? (SHIPPED_MODEL.training.data as { file?: unknown }[]) : []).map((d) => String(d.file)),
);

export function report(file: string, rows: ReplayedRow[], priceRatio: number, rule: AcceptanceRule = { threshold: 0.7 }): FileReport {
  const classes: FileReport['classes'] = {};
  for (const actionClass of ACTION_CLASSES) {
    const own = rows.filter((r) => r.actionClass === actionClass);
    if (own.length > 0) classes[actionClass] = breakdown(own, rule);
  }
  return { file, priceRatio, inSample: trainedOn.has(basename(file)), rule, ...breakdown(rows, rule), classes };
}
