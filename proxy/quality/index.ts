// The quality checker: a pure, fast function of (request, draft) that says how
// confident we are the draft is good enough to return instead of the requested model's
// answer. Each signal family lives in its own module; this file only combines them: the
// hand-written checks, then the learned check for open-ended answers (learned/).
import type { AssistantMessage, MessagesRequest } from '../wire';
import type { QualityCheck, QualityOptions, QualityResult } from './types';
import type { QualitySignal } from '../../contracts/decision';
import { buildContext, type SignalCheck } from './extract';
import { classifyDraft } from './action-class';
import { arithmetic } from './arithmetic';
import { code } from './code';
import { finalAnswer } from './final-answer';
import { hedging } from './hedging';
import { length } from './length';
import { refusal } from './refusal';
import { relevance } from './relevance';
import { repetition } from './repetition';
import { toolUse } from './tools';
import { toolCount } from './tool-count';
import { toolFiles } from './tool-files';
import { toolFit } from './tool-fit';
import { toolHistory } from './tool-history';
import { truncation } from './truncation';
import { learnedCheck } from './learned';
import type { LearnedModel } from './learned/model';
import { SHIPPED_MODEL } from './learned/shipped';

/** Confidence of a draft before any evidence: clears even the conservative 0.8. */
const BASE_CONFIDENCE = 0.9;

const CHECKS: SignalCheck[] = [
  truncation,
  refusal,
  hedging,
  length,
  repetition,
  relevance,
  toolUse,
  toolCount,
  toolFit,
  toolHistory,
  toolFiles,
  code,
  arithmetic,
  finalAnswer,
];

/**
 * Independent pieces of evidence, read in two groups so their order never matters:
 *
 *   confidence = (1 − (1 − BASE) · Π(1 − support)) · Π(1 − penalty)
 *
 * Evidence for (`support`) removes its share of the remaining doubt; evidence against keeps
 * (1 − penalty) of the confidence. Penalties apply last, so no amount of support outweighs a
 * strong penalty (a truncated draft stays truncated however well it reads).
 */
function combine(signals: QualitySignal[]): number {
  let doubt = 1 - BASE_CONFIDENCE;
  let kept = 1;
  for (const signal of signals) {
    doubt *= 1 - (signal.support ?? 0);
    kept *= 1 - signal.penalty;
  }
  return (1 - doubt) * kept;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Unverified: no check found evidence either way. No signal lowered the confidence, none
 * supported the draft, and the learned check stayed silent (it speaks only when its score is
 * at least its margin away from its prior). The confidence is then BASE_CONFIDENCE, a prior
 * rather than a measurement; the rule decides per action class whether that is enough.
 */
function isUnverified(signals: readonly QualitySignal[]): boolean {
  return !signals.some((s) => s.penalty > 0 || (s.support ?? 0) > 0);
}

/** A checker under a given learned model: the shipped one in production, a fold's while training. */
export function createChecker(model: LearnedModel): QualityCheck {
  const checks = [...CHECKS, learnedCheck(model)];
  return (request: MessagesRequest, draft: AssistantMessage, options: QualityOptions = {}): QualityResult => {
    const ctx = buildContext(request, draft, options.partial === true, options.completeBlocks);
    const signals: QualitySignal[] = [];
    for (const check of checks) for (const signal of check(ctx)) signals.push(normalised(signal));
    return judged(signals, classifyDraft(ctx.content));
  };
}

function normalised(signal: QualitySignal): QualitySignal {
  const support = signal.support === undefined ? {} : { support: round3(clamp01(signal.support)) };
  return { ...signal, penalty: round3(clamp01(signal.penalty)), ...support };
}

function judged(signals: QualitySignal[], actionClass: QualityResult['actionClass']): QualityResult {
  return { confidence: round3(combine(signals)), signals, actionClass, unverified: isUnverified(signals) };
}

/**
 * A verdict with more evidence from outside the pure checker (grounding against the client's
 * files), combined by the same rule: its confidence and whether it is still unverified.
 */
export function withEvidence(quality: QualityResult, evidence: readonly QualitySignal[]): QualityResult {
  if (evidence.length === 0) return quality;
  return judged([...quality.signals, ...evidence.map(normalised)], quality.actionClass);
}

export const checkQuality: QualityCheck = createChecker(SHIPPED_MODEL);
