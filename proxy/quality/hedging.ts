// Hedging and explicit uncertainty, weighted by where it appears (the opening and the
// conclusion carry the answer) and by density (one "probably" in a long answer is noise).
import type { SignalCheck } from './extract';

/** "an error in my calculation": the tail of three phrases below. */
const ERROR_IN = '(?:error|mistake|inconsistency) in (?:the|my|this) (?:question|problem|calculation)';

/**
 * Every phrase, in the order they are tried at a position, each starting with a plain letter
 * (a phrase that starts with a choice, "(?:hard|difficult) to …", is written once per first
 * word): 'strong' ones admit not knowing, 'doubt' ones doubt the answer or the question ("this
 * doesn't make sense", "let me recalculate"); both count fully. 'weak' ones soften: weak
 * evidence alone, meaningful when dense.
 */
const PHRASES: ReadonlyArray<readonly ['strong' | 'doubt' | 'weak', string]> = [
  ['strong', "I['’]?m not (?:entirely |completely |totally |100% )?(?:sure|certain|confident)"],
  ['strong', 'I am not (?:entirely |completely )?(?:sure|certain|confident)'],
  ['strong', "I['’]?m unsure"],
  ['strong', "I do(?:n['’]t| not) (?:really )?know"],
  ['strong', 'I (?:may|might|could) be (?:wrong|mistaken)'],
  ['strong', "I can(?:not|['’]t) (?:be (?:sure|certain)|determine|verify|tell)"],
  ['strong', 'hard to (?:say|tell|determine|know)'],
  ['strong', 'difficult to (?:say|tell|determine|know)'],
  ['strong', 'impossible to (?:say|tell|determine|know)'],
  ['strong', 'not (?:possible|enough information) to determine'],
  ['strong', 'without (?:more|additional|further) (?:information|context|details)'],
  ['strong', "I do(?:n['’]t| not) have (?:enough |sufficient )?(?:information|context|access)"],
  ['strong', "it(?: i|['’])s unclear"],
  ['strong', 'not clear (?:from|whether|if)'],
  ['strong', "I['’]?m (?:just )?guessing"],
  ['strong', 'my best guess'],
  ['strong', 'take this with a grain of salt'],
  ['strong', 'double[- ]check (?:this|my)'],
  ['strong', `there (?:is|seems to be) (?:a|an) ${ERROR_IN}`],
  ['strong', `a ${ERROR_IN}`],
  ['strong', `an ${ERROR_IN}`],
  ['doubt', "does(?: not|n['’]t) make sense"],
  ['doubt', "did(?: not|n['’]t) make sense"],
  ['doubt', 'is (?:not possible|impossible)'],
  ['doubt', 'seems (?:not possible|impossible)'],
  ['doubt', 'would be (?:not possible|impossible)'],
  ['doubt', 'the (?:question|problem) (?:is|seems|may be) (?:ambiguous|unclear|incorrect|flawed|wrong)'],
  ['doubt', 'question (?:is|seems|may be) (?:ambiguous|unclear|incorrect|flawed|wrong)'],
  ['doubt', 'problem (?:is|seems|may be) (?:ambiguous|unclear|incorrect|flawed|wrong)'],
  ['doubt', "let(?: me|['’]s|us) (?:re-?(?:check|calculate|evaluate|consider|examine)|double[- ]check)"],
  ['doubt', 're-?evaluate'],
  ['doubt', 'I made (?:a|an) (?:mistake|error)'],
  ['doubt', 'my previous (?:answer|calculation|step) (?:was|is) (?:wrong|incorrect)'],
  ['doubt', 'the previous (?:answer|calculation|step) (?:was|is) (?:wrong|incorrect)'],
  ...[
    'I think',
    'I believe',
    'I guess',
    'I assume',
    'probably',
    'possibly',
    'perhaps',
    'maybe',
    'might be',
    'may be',
    'it seems',
    'seems to',
    'appears to',
    'presumably',
    'roughly speaking',
    'not sure',
  ].map((phrase) => ['weak', `${phrase}\\b`] as const),
];

/**
 * All phrases in one pass, each at a word start, grouped by first letter: "i(?:…|…)|n(?:…)|…".
 * At a position only the phrases of its letter can match, in their order, so the match is the
 * one the phrases in order would give; grouped, the engine tries one letter per group rather
 * than each phrase in turn, and the scan takes a quarter less.
 */
const HEDGE = new RegExp(`\\b(?:${groupedByFirstLetter(PHRASES.map(([, phrase]) => phrase))})`, 'gi');
/** A phrase that counts fully matches here (tried where HEDGE matched, to weigh the match). */
const COUNTS_FULLY = new RegExp(`\\b(?:${PHRASES.filter(([family]) => family !== 'weak').map(([, phrase]) => phrase).join('|')})`, 'iy');

function groupedByFirstLetter(phrases: string[]): string {
  const groups = new Map<string, string[]>();
  for (const phrase of phrases) {
    const letter = phrase[0].toLowerCase();
    if (!/^[a-z]$/.test(letter) || /^[?*+{]/.test(phrase[1])) throw new Error(`hedge phrase must start with a plain letter: ${phrase}`);
    groups.set(letter, [...(groups.get(letter) ?? []), phrase.slice(1)]);
  }
  return [...groups].map(([letter, rests]) => `${letter}(?:${rests.join('|')})`).join('|');
}

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
  HEDGE.lastIndex = 0;
  for (let match = HEDGE.exec(text); match; match = HEDGE.exec(text)) {
    // The phrases that count fully come first: the match is one of them when any matches here.
    COUNTS_FULLY.lastIndex = match.index;
    const weight = COUNTS_FULLY.test(text) ? STRONG_WEIGHT : WEAK_WEIGHT;
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

