// Repetition loops and degenerate text: the same sentence again and again, or a large
// share of repeated word n-grams, is how a small model fails when it loses the thread.
import type { SignalCheck } from './context';

const NGRAM = 6;
const MIN_WORDS = 40;

export const repetition: SignalCheck = (ctx) => {
  if (ctx.partial && ctx.text.length < 2000) return [];
  const prose = ctx.text.replace(/(^|\n)(```|~~~)[^\n]*\n[\s\S]*?(\n\2|$)/g, '$1'); // code may repeat legitimately
  const words = prose.toLowerCase().match(/[\p{L}\p{N}']+/gu);
  if (!words || words.length < MIN_WORDS) return [];
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 0; i + NGRAM <= words.length; i++) {
    const gram = words.slice(i, i + NGRAM).join(' ');
    if (seen.has(gram)) repeated++;
    else seen.add(gram);
  }
  const share = repeated / (words.length - NGRAM + 1);
  if (share < 0.2) return [];
  return [
    {
      name: 'repetition',
      penalty: Math.min(0.9, 0.3 + (share - 0.2) * 1.5),
      reason: `${Math.round(share * 100)}% of the text repeats itself`,
    },
  ];
};
