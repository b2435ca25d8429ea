// A draft that did not finish: cut off by max_tokens, or ending mid-expression or
// mid-sentence. Both need the end of the draft, so they are skipped while streaming.
import type { QualitySignal } from '../../contracts/decision';
import type { SignalCheck } from './extract';

/**
 * Ends on an operator after a space or digit ("15 +", not "C++"), an opening bracket, a
 * comma or colon, or a connective: the text was cut. Tables ("| a |") and paths end cleanly.
 */
const DANGLING_END = /(?:(?:^|[\s\d])[-+*×=<]|[({[,:]|\b(?:and|or|the|a|an|of|to|is|are|was|with|for|by|then|so|which|that|because|but|in|at|from|as))\s*$/i;

export const truncation: SignalCheck = (ctx) => {
  if (ctx.partial) return [];
  const signals: QualitySignal[] = [];
  if (ctx.draft.stop_reason === 'max_tokens' || ctx.draft.stop_reason === 'model_context_window_exceeded') {
    const limit = ctx.draft.stop_reason === 'max_tokens' ? 'max_tokens' : 'the context window';
    signals.push({ name: 'truncated', penalty: 0.9, reason: `truncated at ${limit}` });
    return signals;
  }
  const trimmed = ctx.text.trimEnd();
  const tail = trimmed.slice(-40);
  if (tail && !ctx.hasToolUse && !tail.endsWith('```') && (DANGLING_END.test(tail) || unclosedOnLastLine(trimmed))) {
    signals.push({ name: 'unfinished', penalty: 0.7, reason: `ends mid-sentence: "…${tail.slice(-20)}"` });
  }
  return signals;
};

/** The last line of a trimmed text opens a parenthesis or bracket it never closes. */
function unclosedOnLastLine(trimmed: string): boolean {
  const start = trimmed.lastIndexOf('\n') + 1;
  // Most last lines open nothing: found without reading them character by character.
  if (trimmed.indexOf('(', start) < 0 && trimmed.indexOf('[', start) < 0) return false;
  const line = trimmed.slice(start);
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 40 /* ( */ || c === 91 /* [ */) depth++;
    else if ((c === 41 /* ) */ || c === 93 /* ] */) && depth > 0) depth--;
  }
  return depth > 0;
}
