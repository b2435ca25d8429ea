// Repetition loops and degenerate text: the same sentence again and again, or a large
// share of repeated word n-grams, is how a small model fails when it loses the thread.
import type { SignalCheck } from './context';

const NGRAM = 6;
const MIN_WORDS = 40;
/** Reused between checks (they run one at a time): no allocation per answer. */
let table = new Int32Array(1024);
const recent = new Int32Array(NGRAM);

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * One pass over the prose: each word is hashed as it is read (lower-cased; letters, digits,
 * apostrophes and non-ASCII make a word), each run of NGRAM words is hashed from the last
 * NGRAM word hashes and looked up in an open-addressing table of int32s. No strings, no
 * boxed numbers, linear in length. Fenced code may repeat legitimately and is skipped.
 */
function repeatedShare(text: string): number {
  // At most one word per two characters: size the table for that, at most half full.
  const size = 1 << Math.ceil(Math.log2(Math.max(64, text.length)));
  if (table.length < size) table = new Int32Array(size);
  table.fill(0, 0, size);
  let words = 0;
  /** Where the next word's hash goes in the ring of the last NGRAM words. */
  let next = 0;
  let grams = 0;
  let repeated = 0;
  let hash = FNV_OFFSET;
  let inWord = false;
  let inCode = false;
  for (let i = 0; i <= text.length; i++) {
    let c = i < text.length ? text.charCodeAt(i) : 32;
    if (c === 96 && text.startsWith('```', i) && (i === 0 || text.charCodeAt(i - 1) === 10)) {
      inCode = !inCode;
      i += 2;
      continue;
    }
    if (inCode) continue;
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 39 || c > 127) {
      if (c >= 65 && c <= 90) c += 32;
      hash = Math.imul(hash ^ c, FNV_PRIME);
      inWord = true;
      continue;
    }
    if (!inWord) continue;
    recent[next] = hash;
    // The ring's oldest word follows the newest; stepped without `%` (an integer division
    // per step would cost more than the hashing).
    next = next === NGRAM - 1 ? 0 : next + 1;
    words++;
    hash = FNV_OFFSET;
    inWord = false;
    if (words < NGRAM) continue;
    let gram = FNV_OFFSET;
    for (let k = 0, at = next; k < NGRAM; k++, at = at === NGRAM - 1 ? 0 : at + 1) gram = Math.imul(gram ^ recent[at], FNV_PRIME);
    gram |= 1; // 0 marks an empty slot
    let slot = gram & (size - 1);
    while (table[slot] !== 0 && table[slot] !== gram) slot = (slot + 1) & (size - 1);
    if (table[slot] === gram) repeated++;
    else table[slot] = gram;
    grams++;
  }
  return words < MIN_WORDS ? 0 : repeated / grams;
}

export const repetition: SignalCheck = (ctx) => {
  if (ctx.partial && ctx.text.length < 2000) return [];
  if (ctx.text.length < MIN_WORDS * 2) return [];
  const share = repeatedShare(ctx.text);
  if (share < 0.2) return [];
  return [
    {
      name: 'repetition',
      penalty: Math.min(0.9, 0.3 + (share - 0.2) * 1.5),
      reason: `${Math.round(share * 100)}% of the text repeats itself`,
    },
  ];
};
