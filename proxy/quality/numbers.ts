// Reading numbers the way answers write them: thousands separators, currency, percent,
// and small number words, shared by the arithmetic, final-answer and relevance checks.
import { memoRequest, type DraftContext } from './extract';

/** A number with optional currency sign, thousands separators, decimals and percent sign. */
export const NUMBER_SOURCE = String.raw`[$\u20ac£]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?|[$\u20ac£]?\.\d+%?`;

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  hundred: 100, thousand: 1000, million: 1e6, dozen: 12, twice: 2, double: 2, triple: 3, half: 0.5, quarter: 0.25,
};

/** Powers of ten up to 10^22, the largest a double holds exactly (built by exact products). */
const EXACT_POWERS_OF_TEN: number[] = [1];
while (EXACT_POWERS_OF_TEN.length <= 22) EXACT_POWERS_OF_TEN.push(EXACT_POWERS_OF_TEN[EXACT_POWERS_OF_TEN.length - 1] * 10);

/**
 * The value of the numeric token `text.slice(start, end)` such as "$1,350.50" or "40%"
 * (percent kept as written: 40). This runs for every number of every answer, so it reads
 * the characters in place: all digits as one integer, then one division by a power of ten.
 * While both are exact doubles, that division is correctly rounded, i.e. exactly what
 * Number() returns (Clinger's fast path); anything else falls back to Number().
 */
export function numberValueAt(text: string, start: number, end: number): number {
  const first = text.charCodeAt(start);
  const from = first === 36 || first === 8364 || first === 163 ? start + 1 : start; // $ € £
  const to = text.charCodeAt(end - 1) === 37 ? end - 1 : end; // %
  let value = 0;
  let digits = 0;
  let places = -1; // digits after the decimal point; -1 before one
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      if (places >= 0) places++;
    } else if (c === 46 && places < 0) places = 0;
    else if (c !== 44) return slowValue(text, start, end); // not a plain number token
  }
  if (digits > 0 && value <= Number.MAX_SAFE_INTEGER && places <= 22) return places > 0 ? value / EXACT_POWERS_OF_TEN[places] : value;
  return slowValue(text, start, end);
}

const slowValue = (text: string, start: number, end: number) => Number(text.slice(start, end).replace(/[$\u20ac£,%]/g, ''));

/** The value of a numeric token such as "$1,350.50" or "40%" (percent kept as written: 40). */
export const numberValue = (token: string): number => numberValueAt(token, 0, token.length);

const isDigit = (c: number) => c >= 48 && c <= 57;

/** End of the number starting at `i` ("$1,350.50%"), or -1 when none starts there. */
export function numberEnd(line: string, i: number): number {
  let j = i;
  const first = line.charCodeAt(j);
  if (first === 36 || first === 8364 || first === 163) j++; // $ € £
  const digitsFrom = j;
  while (j < line.length) {
    const c = line.charCodeAt(j);
    // A comma is a thousands separator only before exactly three digits: "1,350" but not "3,4".
    if (c === 44 && isDigit(line.charCodeAt(j + 1)) && isDigit(line.charCodeAt(j + 2)) && isDigit(line.charCodeAt(j + 3)) && !isDigit(line.charCodeAt(j + 4)) && j > digitsFrom) j += 4;
    else if (isDigit(c)) j++;
    else break;
  }
  if (line.charCodeAt(j) === 46 /* . */ && isDigit(line.charCodeAt(j + 1))) {
    j++;
    while (isDigit(line.charCodeAt(j))) j++;
  }
  if (j === digitsFrom || (j === digitsFrom + 1 && line.charCodeAt(digitsFrom) === 46)) return -1;
  if (line.charCodeAt(j) === 37 /* % */) j++;
  return j;
}

/** Where a number may start: the regex engine skips prose far faster than a loop in JS. */
const NUMBER_START = /[\d$\u20ac£.]/g;

/**
 * Visits every number written in digits, in order, until `visit` returns true; without
 * regex match objects per number (answers are long), and a caller looking for a few
 * values stops reading as soon as it has found them.
 */
export function visitWrittenNumbers(text: string, visit: (value: number) => boolean): void {
  NUMBER_START.lastIndex = 0;
  while (NUMBER_START.test(text)) {
    const i = NUMBER_START.lastIndex - 1;
    const end = numberEnd(text, i);
    if (end > 0) {
      if (visit(numberValueAt(text, i, end))) return;
      NUMBER_START.lastIndex = end;
    }
  }
}

/** Every number written in digits. */
export function writtenNumbers(text: string): number[] {
  const out: number[] = [];
  visitWrittenNumbers(text, (value) => {
    out.push(value);
    return false;
  });
  return out;
}

const NUMBER_WORD = new RegExp(`\\b(?:${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'gi');

/** Every value a number word stands for. */
export const WORD_NUMBER_VALUES: ReadonlySet<number> = new Set(Object.values(NUMBER_WORDS));

/** Visits the quantities written as words ("two inches", "twice", "a dozen") until `visit` returns true. */
export function visitWordNumbers(text: string, visit: (value: number) => boolean): void {
  NUMBER_WORD.lastIndex = 0;
  for (let m = NUMBER_WORD.exec(text); m; m = NUMBER_WORD.exec(text)) {
    if (visit(NUMBER_WORDS[m[0].toLowerCase()])) return;
  }
}

/** Quantities written as words. */
export function wordNumbers(text: string): number[] {
  const out: number[] = [];
  visitWordNumbers(text, (value) => {
    out.push(value);
    return false;
  });
  return out;
}

/** Every quantity mentioned, digits and number words alike. */
export function quantities(text: string): number[] {
  return [...writtenNumbers(text), ...wordNumbers(text)];
}

/** Decimal places written, e.g. 2 for "13.33". */
export function decimals(token: string): number {
  const dot = token.indexOf('.');
  return dot < 0 ? 0 : token.length - (token.endsWith('%') ? 1 : 0) - dot - 1;
}

/** The question asks for a quantity ("how many…", "what is the total…", "calculate…"). */
const ASKS_QUANTITY =
  /\bhow (?:many|much|long|far|old|tall|fast|often|big|large|heavy)\b|\bwhat (?:is|was|were|are|will be) (?:the |her |his |their |its )?(?:total|sum|difference|product|number|amount|cost|price|average|mean|percentage|percent|value|area|perimeter|volume|speed|rate|distance|profit|age|ratio|result)\b|\b(?:calculate|compute|evaluate|solve|find the (?:value|total|number|sum|amount))\b|\bwhat percent(?:age)?\b/i;

/** A closing "what…?" / "how…?" question, e.g. "What's the total amount of money he will spend?" */
const CLOSING_QUESTION = /(?:^|[.!?,]\s+)(?:what|how)\b(?! (?:do|does|can|could|should|would|is it|are)\b)[^.!?]*\?\s*$/i;

/** The quantities a question gives when it asks for a number; null for any other question. */
export function numericQuestion(ctx: DraftContext): number[] | null {
  return memoRequest(ctx, 'numericQuestion', ({ question }) => {
    // The ask first: most questions of a chat ask for no number, and then none is read. A closing
    // question ends on "?", which is cheaper to see than to search for.
    if (!ASKS_QUANTITY.test(question) && !(question.trimEnd().endsWith('?') && CLOSING_QUESTION.test(question))) return null;
    const given = quantities(question);
    return given.length >= 2 ? given : null;
  });
}
