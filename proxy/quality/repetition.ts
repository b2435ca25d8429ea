// Repetition loops and degenerate text: the same sentence again and again, or a large
// share of repeated word n-grams, is how a small model fails when it loses the thread.
import type { SignalCheck } from './context';

const NGRAM = 6;
/** Reused between checks (they run one at a time): no allocation per answer. */
let table = new Int32Array(1024);
const MIN_WORDS = 40;

/** Hashes of the prose's words, lower-cased: letters, digits and apostrophes make a word. */
function wordHashes(text: string): number[] {
  const hashes: number[] = [];
  let hash = 0;
  let inWord = false;
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    // Fenced code may repeat legitimately (similar lines, boilerplate): skip it.
    if (c === 96 && text.startsWith('```', i) && (i === 0 || text[i - 1] === '\n')) {
      inCode = !inCode;
      i += 2;
      continue;
    }
    if (inCode) continue;
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 39 || c > 127;
    if (word) {
      if (c >= 65 && c <= 90) c += 32;
      hash = inWord ? Math.imul(hash ^ c, 0x01000193) : Math.imul(0x811c9dc5 ^ c, 0x01000193);
      inWord = true;
    } else if (inWord) {
      hashes.push(hash >>> 0);
      inWord = false;
    }
  }
  if (inWord) hashes.push(hash >>> 0);
  return hashes;
}

export const repetition: SignalCheck = (ctx) => {
  if (ctx.partial && ctx.text.length < 2000) return [];
  const words = wordHashes(ctx.text);
  if (words.length < MIN_WORDS) return [];
  // Each n-gram as a hash of its word hashes, in an open-addressing table of int32s:
  // no string and no boxed number per position, linear in length.
  const size = 1 << Math.ceil(Math.log2(words.length * 2));
  if (table.length < size) table = new Int32Array(size);
  table.fill(0, 0, size);
  let repeated = 0;
  for (let i = 0; i + NGRAM <= words.length; i++) {
    let gram = 0x811c9dc5;
    for (let k = i; k < i + NGRAM; k++) gram = Math.imul(gram ^ words[k], 0x01000193);
    gram |= 1; // 0 marks an empty slot
    let slot = gram & (size - 1);
    while (table[slot] !== 0 && table[slot] !== gram) slot = (slot + 1) & (size - 1);
    if (table[slot] === gram) repeated++;
    else table[slot] = gram;
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
