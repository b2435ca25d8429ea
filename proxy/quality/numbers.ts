// Reading numbers the way answers write them: thousands separators, currency, percent,
// and small number words, shared by the arithmetic and final-answer checks.

/** A number with optional currency sign, thousands separators, decimals and percent sign. */
export const NUMBER_SOURCE = String.raw`[$€£]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?|[$€£]?\.\d+%?`;

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  hundred: 100, thousand: 1000, million: 1e6, dozen: 12, twice: 2, double: 2, triple: 3, half: 0.5, quarter: 0.25,
};

/** The value of a numeric token such as "$1,350.50" or "40%" (percent kept as written: 40). */
export function numberValue(token: string): number {
  return Number(token.replace(/[$€£,%]/g, ''));
}

const NUMBER_OR_WORD = new RegExp(`${NUMBER_SOURCE}|\\b(?:${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'gi');

/** Every quantity mentioned, digits and number words alike. */
export function quantities(text: string): number[] {
  const out: number[] = [];
  for (const match of text.matchAll(NUMBER_OR_WORD)) {
    const word = NUMBER_WORDS[match[0].toLowerCase()];
    out.push(word ?? numberValue(match[0]));
  }
  return out;
}

/** Decimal places written, e.g. 2 for "13.33". */
export function decimals(token: string): number {
  const dot = token.indexOf('.');
  return dot < 0 ? 0 : token.replace(/%$/, '').length - dot - 1;
}

/** The question asks for a quantity ("how many…", "what is the total…", "calculate…"). */
const ASKS_QUANTITY =
  /\bhow (?:many|much|long|far|old|tall|fast|often|big|large|heavy)\b|\bwhat (?:is|was|were|are|will be) (?:the |her |his |their |its )?(?:total|sum|difference|product|number|amount|cost|price|average|mean|percentage|percent|value|area|perimeter|volume|speed|rate|distance|profit|age|ratio|result)\b|\b(?:calculate|compute|evaluate|solve|find the (?:value|total|number|sum|amount))\b|\bwhat percent(?:age)?\b/i;

/** A closing "what…?" / "how…?" question, e.g. "What's the total amount of money he will spend?" */
const CLOSING_QUESTION = /(?:^|[.!?,]\s+)(?:what|how)\b(?! (?:do|does|can|could|should|would|is it|are)\b)[^.!?]*\?\s*$/i;

export function asksForNumber(question: string): boolean {
  if (quantities(question).length < 2) return false;
  return ASKS_QUANTITY.test(question) || CLOSING_QUESTION.test(question);
}
