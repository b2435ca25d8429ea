// The quality checker: a pure, fast function of (request, draft) that says how
// confident we are the draft is good enough to return instead of the requested model's
// answer. Each signal family lives in its own module; this file only combines them.
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
import { truncation } from './truncation';

/** Confidence of a draft with no signal at all: clears even the conservative 0.8. */
const BASE_CONFIDENCE = 0.9;

const CHECKS: SignalCheck[] = [
  truncation,
  refusal,
  hedging,
  length,
  repetition,
  relevance,
  toolUse,
  code,
  arithmetic,
  finalAnswer,
];

/** Independent pieces of evidence: each keeps (1 - penalty) of the confidence left. */
function combine(signals: QualitySignal[]): number {
  let confidence = BASE_CONFIDENCE;
  for (const signal of signals) confidence *= 1 - signal.penalty;
  return confidence;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export const checkQuality: QualityCheck = (
  request: MessagesRequest,
  draft: AssistantMessage,
  options: QualityOptions = {},
): QualityResult => {
  const ctx = buildContext(request, draft, options.partial === true, options.completeBlocks);
  const signals: QualitySignal[] = [];
  for (const check of CHECKS) {
    for (const signal of check(ctx)) {
      signals.push({ ...signal, penalty: round3(Math.min(1, Math.max(0, signal.penalty))) });
    }
  }
  return {
    confidence: round3(combine(signals)),
    signals,
    actionClass: classifyDraft(ctx.content),
    unverified: !signals.some((s) => s.penalty > 0 || (s.support ?? 0) > 0),
  };
};
