// The quality checker's interface: a pure, fast function from a request and a draft to a
// confidence with named, explained signals.
import type { ActionClass, QualitySignal } from '../../contracts/decision';
import type { AssistantMessage, MessagesRequest } from '../wire';

export interface QualityResult {
  /** Confidence that the draft is good enough, in [0, 1]. Accept when >= threshold. */
  confidence: number;
  signals: QualitySignal[];
  /** What the draft does (read, write, answer): the policy picks the class's threshold. */
  actionClass: ActionClass;
  /** No check found evidence for or against the draft: the confidence is a prior, not a measurement. */
  unverified: boolean;
}

export interface QualityOptions {
  /** The draft is still streaming: skip signals that need the end (length, truncation, final answer). */
  partial?: boolean;
  /**
   * On a partial draft: how many leading content blocks are complete (their
   * content_block_stop was seen), so a finished tool_use block is validated at once.
   * Default: every block but the last.
   */
  completeBlocks?: number;
}

/** The quality checker: a pure, fast function. */
export type QualityCheck = (
  request: MessagesRequest,
  draft: AssistantMessage,
  options?: QualityOptions,
) => QualityResult;
