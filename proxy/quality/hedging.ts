// Hedging and explicit uncertainty, weighted by where it appears (the opening and the
// conclusion carry the answer) and by density (one "probably" in a long answer is noise).
import type { SignalCheck } from './extract';

/** Phrases that admit not knowing: each counts fully. */
const STRONG =
  /(?:I['’]?m not (?:entirely |completely |totally |100% )?(?:sure|certain|confident)|I am not (?:entirely |completely )?(?:sure|certain|confident)|I['’]?m unsure|I do(?:n['’]t| not) (?:really )?know|I (?:may|might|could) be (?:wrong|mistaken)|I can(?:not|['’]t) (?:be (?:sure|certain)|determine|verify|tell)|(?:hard|difficult|impossible) to (?:say|tell|determine|know)|not (?:possible|enough information) to determine|without (?:more|additional|further) (?:information|context|details)|I do(?:n['’]t| not) have (?:enough |sufficient )?(?:information|context|access)|it(?: i|['’])s unclear|not clear (?:from|whether|if)|I['’]?m (?:just )?guessing|my best guess|take this with a grain of salt|double[- ]check (?:this|my)|(?:there (?:is|seems to be) )?(?:a|an) (?:error|mistake|inconsistency) in (?:the|my|this) (?:question|problem|calculation))/;
/** The answer doubts itself or the question: "this doesn't make sense", "let me recalculate". */
const SELF_DOUBT =
  /(?:(?:does not|doesn['’]t|did not|didn['’]t) make sense|(?:is|seems|would be) (?:not possible|impossible)|(?:the )?(?:question|problem) (?:is|seems|may be) (?:ambiguous|unclear|incorrect|flawed|wrong)|let(?: me|['’]s|us) (?:re-?(?:check|calculate|evaluate|consider|examine)|double[- ]check)|re-?evaluate|I made (?:a|an) (?:mistake|error)|(?:my|the) previous (?:answer|calculation|step) (?:was|is) (?:wrong|incorrect))/;
/** Softeners: weak evidence alone, meaningful when dense. */
const WEAK = /(?:I think|I believe|I guess|I assume|probably|possibly|perhaps|maybe|might be|may be|it seems|seems to|appears to|presumably|roughly speaking|not sure)\b/;

/**
 * The three families in one pass, each phrase at a word start. The \b is written once in
 * front rather than in each family: tried once per position instead of three times, the
 * scan takes half as long.
 */
const HEDGE = new RegExp(`\\b(?:(${STRONG.source})|(${SELF_DOUBT.source})|(${WEAK.source}))`, 'gi');
const STRONG_WEIGHT = 1;
const WEAK_WEIGHT = 0.25;

function positionWeight(index: number, length: number): number {
  if (index < 160) return 1.5; // opening sentence
  if (index > length * 0.8) return 1.25; // conclusion
  return 1;
}

export const hedging: SignalCheck = (ctx) => {
  const text = ctx.text;
  if (!text) return [];
  let score = 0;
  const found: string[] = [];
  // One pass for all three families: the groups say which one matched.
  HEDGE.lastIndex = 0;
  for (let match = HEDGE.exec(text); match; match = HEDGE.exec(text)) {
    const weight = match[3] !== undefined ? WEAK_WEIGHT : STRONG_WEIGHT;
    score += weight * positionWeight(match.index, text.length);
    if (found.length < 3) found.push(match[0]);
  }
  // One softener's worth is free: a lone "probably" says nothing about the answer.
  score -= WEAK_WEIGHT;
  if (score <= 0) return [];
  const words = text.length / 6;
  const density = score / Math.max(1, words / 80);
  const penalty = Math.min(0.85, 1 - Math.exp(-0.6 * (0.5 * score + 0.5 * density)));
  if (penalty < 0.02) return [];
  return [
    {
      name: 'hedging',
      penalty,
      reason: `hedges or admits uncertainty (${found.map((f) => `"${f}"`).join(', ')})`,
    },
  ];
};

