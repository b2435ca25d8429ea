// Does the draft answer this question? Off-topic drafts share none of the question's
// key terms; a worked numeric answer should use the quantities the question gives.
import type { QualitySignal } from '../../contracts/decision';
import { equationsOf } from './arithmetic';
import { memo, memoRequest, type DraftContext, type SignalCheck } from './extract';
import { WORD_NUMBER_VALUES, numericQuestion, visitWordNumbers, visitWrittenNumbers } from './numbers';
import { saysNoToolFits } from './tool-fit';

const STOPWORDS = new Set(
  ('about above after again against also among because been before being below between both could does doing during each ' +
    'every from further have having here how into itself just like make many more most much must only other over same ' +
    'should some such than that their them then there these they this those through under until very what when where ' +
    'which while whom whose will with would your yours please tell give want need know explain write using used use ' +
    'help thanks thank')
    .split(' '),
);

/** A longer word is no stopword: it is made a term without the lookup. */
const LONGEST_STOPWORD = Math.max(...[...STOPWORDS].map((word) => word.length));

const isLower = (c: number) => c >= 97 && c <= 122;
const isTermChar = (c: number) => isLower(c) || (c >= 48 && c <= 57) || c === 95;

/**
 * Content words of the question (a letter and at least three more letters, digits or
 * underscores), crudely stemmed to 5 letters so "configure" meets "configuration". Read
 * in place rather than with a regex match: only words of four characters or more are
 * made into strings.
 */
function keyTerms(text: string): Set<string> {
  const lower = text.toLowerCase();
  const terms = new Set<string>();
  for (let i = 0; i < lower.length; ) {
    if (!isLower(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < lower.length && isTermChar(lower.charCodeAt(end))) end++;
    if (end - i > LONGEST_STOPWORD) terms.add(lower.slice(i, i + 5));
    else if (end - i >= 4) {
      const word = lower.slice(i, end);
      if (!STOPWORDS.has(word)) terms.add(word.slice(0, 5));
    }
    i = end;
  }
  return terms;
}

/** The question's key terms, read once per request (the learned check reads them too). */
export const questionTerms = (ctx: DraftContext): Set<string> => memoRequest(ctx, 'keyTerms', ({ question }) => keyTerms(question));

/** The draft's text in lower case, for the terms' substring tests, made once per check. */
export const lowerText = (ctx: DraftContext): string => memo(ctx, 'lowerText', ({ text }) => text.toLowerCase());

function offTopic(ctx: DraftContext): QualitySignal | null {
  const answer = ctx.text;
  if (answer.length < 120) return null; // too short to judge; the length check covers it
  // Saying why the offered tools do not fit is about the tools, not the question's terms.
  if (ctx.tools.length > 0 && !ctx.hasToolUse && saysNoToolFits(ctx)) return null;
  const asked = questionTerms(ctx);
  if (asked.size < 3) return null;
  // A long prompt (pasted code, reminders) has many terms: then only no overlap at all counts.
  let enough = 1;
  if (asked.size <= 40) while (enough / asked.size < 0.1) enough++; // a tenth of the terms, as a count
  // Substring search per question term, no per-word strings; it stops once enough terms
  // are found, so an on-topic answer is read a few times at most, not once per term.
  const lower = lowerText(ctx);
  let shared = 0;
  for (const term of asked) if (lower.includes(term) && ++shared >= enough) return null;
  return {
    name: 'off_topic',
    penalty: shared === 0 ? 0.6 : 0.3,
    reason: `shares ${shared} of the question's ${asked.size} key terms`,
  };
}

const key = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Quantities given in a numeric question that the worked answer never mentions. A
 * percentage may be used as a fraction (25% → 0.25) and a fraction as a percentage. The
 * answer's numbers are read only until every given quantity has been seen: a worked answer
 * usually names them all in its first lines.
 */
function unusedQuantities(questionQuantities: number[], answer: string): QualitySignal | null {
  const given = [...new Set(questionQuantities.map(key))];
  if (given.length < 2) return null;
  const readings = given.map((q) => [q, key(q / 100), key(q * 100)]);
  const seen = given.map(() => false);
  let left = given.length;
  const see = (value: number): boolean => {
    const k = key(value);
    for (let i = 0; i < given.length; i++) {
      if (!seen[i] && readings[i].includes(k)) {
        seen[i] = true;
        left--;
      }
    }
    return left === 0;
  };
  visitWrittenNumbers(answer, see);
  // Number words ("twice", "two inches") are looked for only when digits leave a gap that
  // a word can fill (nothing is written "3,650" in words).
  const wordCanFill = (_: number, i: number) => !seen[i] && readings[i].some((r) => WORD_NUMBER_VALUES.has(r));
  if (left > 0 && given.some(wordCanFill)) visitWordNumbers(answer, see);
  if (left === 0) return null;
  const missing = given.filter((_, i) => !seen[i]);
  const share = missing.length / given.length;
  return {
    name: 'unused_quantities',
    penalty: Math.min(0.4, 0.1 + 0.45 * share),
    reason: `does not use ${missing.length} of the ${given.length} quantities the question gives (${missing.slice(0, 3).join(', ')})`,
  };
}

export const relevance: SignalCheck = (ctx) => {
  if (ctx.partial || ctx.afterToolResults || !ctx.text || !ctx.question) return [];
  const given = numericQuestion(ctx);
  // A worked numeric answer's fit shows in the quantities it uses; without working, the
  // final-answer check judges it.
  if (given && equationsOf(ctx).length > 0) {
    const unused = unusedQuantities(given, ctx.text);
    return unused ? [unused] : [];
  }
  const drift = offTopic(ctx);
  return drift ? [drift] : [];
};
