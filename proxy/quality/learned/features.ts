// What the learned model sees of an open-ended question and its draft: what the question
// demands (how long an answer its code, writing task or parts call for; how much it asks, as
// its length, a sign of difficulty before any draft) against what the answer delivers (its
// length for that demand, how much of the question it addresses, claims of inability). Plain
// numbers, named, in a fixed order that the shipped weights follow. Nothing here knows any
// dataset: every feature is one any question and answer can show.
import { memoRequest, type DraftContext } from '../extract';
import { asksBrief, asksElaborate } from '../length';
import { lowerText, questionTerms } from '../relevance';

/** Asks for code: a program, a function, a query, a config, or names a language or tool. */
const ASKS_CODE =
  /\b(?:code|function|script|program|implement(?:ation)?|class|method|snippet|query|regex|algorithm|api|sql|python|javascript|typescript|java|c\+\+|c#|rust|golang|kotlin|swift|ruby|php|bash|shell|powershell|html|css|react|vue|yaml|json|terraform|docker(?:file)?|kubernetes|excel formula|vba|matlab|latex)\b/i;
/** Writing for a reader: stories, poems, letters; like code, it calls for a page. */
const CREATIVE = /\b(?:poem|story|stories|song|lyrics|screenplay|script for|essay|letter|email|joke|rap|haiku|limerick|dialogue|fiction|fictional|narrative|speech|slogan|tweet|blog post)\b/i;
/** Work whose answer takes more than a line: proofs, derivations, calculations, designs. */
const WORK = /\b(?:prove|proof|derive|derivation|demonstrate|calculate|compute|solve|simulate|design|plan|analy[sz]e|show (?:me|an?|how))\b/i;
/** A question this long brings context to work on. */
const LONG_QUESTION_CHARS = 200;
/** Enumerated asks: numbered or bulleted lines. */
const ITEM_LINE = /^\s*(?:\d+[.)]|[-*\u2022])\s+\S/gm;
/** Claims that the draft cannot do what was asked, each starting with plain text. */
const INABILITY_PHRASES = [
  "I (?:do not|don['’]t|cannot|can['’]t|am unable to|['’]m unable to|am not able to|['’]m not able to) (?:have|access|browse|provide|give|write|create|generate|know|predict|verify|determine|fully)",
  'as an AI',
  'I apologi[sz]e',
  'unfortunately',
  'beyond (?:my|the scope)',
  'I do not feel comfortable',
  "I'm not comfortable",
  'I’m not comfortable',
  'without (?:more|additional|further) (?:information|context|details)',
];
/** The draft says it cannot do what was asked, anywhere, not only in its opening. */
const INABILITY = new RegExp(`\\b(?:${INABILITY_PHRASES.join('|')})\\b`, 'gi');
const INABILITY_HERE = new RegExp(INABILITY.source, 'iy');

/** The plain text a phrase starts with, lower-cased: a claim of it can only begin there. */
function plainStart(phrase: string): string {
  const special = phrase.search(/[\\^$.|?*+()[\]{}]/);
  // A quantifier after the plain text applies to its last character.
  const end = special < 0 ? phrase.length : /[?*+{]/.test(phrase[special]) ? special - 1 : special;
  if (end < 1) throw new Error(`an inability phrase must start with plain text: ${phrase}`);
  return phrase.slice(0, end).toLowerCase();
}

const starts = [...new Set(INABILITY_PHRASES.map(plainStart))];
/** Where claims can begin: a start that begins with another adds no place to look. */
const INABILITY_STARTS = starts.filter((start) => !starts.some((other) => other !== start && start.startsWith(other)));

/**
 * The feature names, in the order of the model's weights. Only these four: with 150 prompts to
 * learn from, the eighteen-feature model first tried (code asked and given, constraints,
 * structure, stubs, closing offers…) ranked worse held out (AUROC 0.55–0.57) and no single
 * further feature raised the held-out figures reliably.
 */
export const FEATURE_NAMES = ['question_log_chars', 'answer_length_for_demand', 'answer_term_coverage', 'answer_inability'] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

const count = (re: RegExp, text: string, cap: number): number => {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.exec(text)) n++;
  return n;
};

interface Demands {
  /**
   * The question calls for a substantial answer (an explanation, code, writing, a proof or a
   * calculation, several parts, or it is long): the kind of question the model learned from.
   * A short plain question ("Who wrote Hamlet?") is not, and there the model says nothing.
   */
  substantial: boolean;
  logChars: number;
  /** How long an answer the question calls for, in log characters. */
  expectedLogChars: number;
}

/** Coverage is read over the question's first content words: enough to tell, bounded in time. */
const MAX_TERMS = 40;

const parts = (question: string) => Math.min(count(ITEM_LINE, question, 6) + count(/\?/g, question, 6), 6);

function demandsOf(ctx: DraftContext): Demands {
  const { question } = ctx;
  const items = parts(question);
  const page = ASKS_CODE.test(question) || CREATIVE.test(question);
  const elaborate = asksElaborate(ctx);
  // The answer length the question calls for: a sentence when it asks to be brief, a paragraph
  // for a plain question, more for an explanation, a page for code or writing, and more again
  // for each further part.
  const base = asksBrief(ctx) ? 150 : page ? 1500 : elaborate ? 900 : 300;
  return {
    substantial: page || elaborate || items >= 2 || question.length >= LONG_QUESTION_CHARS || WORK.test(question),
    logChars: Math.log1p(question.length),
    expectedLogChars: Math.log(base + 150 * Math.max(0, items - 1)),
  };
}

/** What the question demands, read once per request. */
export const demands = (ctx: DraftContext): Demands => memoRequest(ctx, 'learnedDemands', demandsOf);

/**
 * Claims of inability, up to `cap`: INABILITY's matches, in order, found by trying the pattern
 * only where the lower-cased text has one of its starts (plain text the engine skips through)
 * rather than at every word, three times slower. Lower-casing keeps every position unless a
 * character lower-cases to two (then the text is scanned as it is).
 */
function inabilityClaims(text: string, lower: string, cap: number): number {
  if (lower.length !== text.length) return count(INABILITY, text, cap);
  const next = INABILITY_STARTS.map((start) => lower.indexOf(start));
  let claims = 0;
  for (let from = 0; claims < cap; ) {
    let at = -1;
    for (let k = 0; k < next.length; k++) {
      if (next[k] >= 0 && next[k] < from) next[k] = lower.indexOf(INABILITY_STARTS[k], from);
      if (next[k] >= 0 && (at < 0 || next[k] < at)) at = next[k];
    }
    if (at < 0) break;
    INABILITY_HERE.lastIndex = at;
    const claim = INABILITY_HERE.exec(text);
    if (claim) claims++;
    from = claim ? at + claim[0].length : at + 1;
  }
  return claims;
}

/** Share of the question's content words (the relevance check's key terms) the answer mentions. */
function coverage(terms: ReadonlySet<string>, lower: string): number {
  let asked = 0;
  let found = 0;
  for (const term of terms) {
    if (asked === MAX_TERMS) break;
    asked++;
    if (lower.includes(term)) found++;
  }
  return asked === 0 ? 1 : found / asked;
}

/** The features of a finished text draft, in FEATURE_NAMES order. */
export function featuresOf(ctx: DraftContext): number[] {
  const q = demands(ctx);
  const text = ctx.text;
  const lower = lowerText(ctx);
  return [q.logChars, Math.min(0, Math.log1p(text.length) - q.expectedLogChars), coverage(questionTerms(ctx), lower), Math.log1p(inabilityClaims(text, lower, 5))];
}
