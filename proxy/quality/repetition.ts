// Repetition loops and degenerate text: the same sentence again and again, or a large
// share of repeated word n-grams, is how a small model fails when it loses the thread.
import type { SignalCheck } from './extract';

const NGRAM = 6;
const MIN_WORDS = 40;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** The rolling n-gram hash's base, and its power that weighs the oldest word of a run. */
const BASE = 0x9e3779b1 | 0;
const OLDEST = Array.from({ length: NGRAM - 1 }).reduce<number>((power) => Math.imul(power, BASE), 1);

/**
 * What each ASCII character adds to a word's hash: its lower-case code for letters, digits
 * and apostrophes, 0 for characters that end a word (non-ASCII characters are word
 * characters and count as themselves). A table read instead of five range tests: this runs
 * for every character of every answer.
 */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 39) WORD_CHAR[c] = c;
  else if (c >= 65 && c <= 90) WORD_CHAR[c] = c + 32;
}

/** murmur3's finalizer: the rolling hash is linear, its low bits (the table slot) need mixing. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Counts word n-grams seen before, from a stream of word hashes. The hash of the last NGRAM
 * words is rolled (the oldest word taken out, the new one put in) rather than recomputed,
 * and looked up in an open-addressing table of int32s: no strings, no boxed numbers.
 * One instance, reused between checks (they run one at a time): no allocation per answer.
 */
class RepeatCounter {
  words = 0;
  grams = 0;
  repeated = 0;
  private table = new Int32Array(1024);
  private mask = 0;
  private ring = new Int32Array(NGRAM);
  /** Where the next word's hash goes in the ring: the oldest word's place. */
  private next = 0;
  private gram = 0;

  reset(textLength: number): void {
    // At most one word per two characters: a table of this size is at most half full.
    const size = 1 << Math.ceil(Math.log2(Math.max(64, textLength)));
    if (this.table.length < size) this.table = new Int32Array(size);
    this.table.fill(0, 0, size);
    this.mask = size - 1;
    this.ring.fill(0);
    this.words = this.grams = this.repeated = this.next = this.gram = 0;
  }

  add(word: number): void {
    const oldest = this.ring[this.next];
    this.ring[this.next] = word;
    this.next = this.next === NGRAM - 1 ? 0 : this.next + 1;
    this.gram = (Math.imul(this.gram - Math.imul(oldest, OLDEST), BASE) + word) | 0;
    if (++this.words < NGRAM) return;
    const key = mix(this.gram) | 1; // 0 marks an empty slot
    const table = this.table;
    let slot = key & this.mask;
    while (table[slot] !== 0 && table[slot] !== key) slot = (slot + 1) & this.mask;
    if (table[slot] === key) this.repeated++;
    else table[slot] = key;
    this.grams++;
  }
}

const counter = new RepeatCounter();

/** The next fence (``` at the start of a line) at or after `from`, or -1. */
function fenceAt(text: string, from: number): number {
  let i = text.indexOf('```', from);
  while (i > 0 && text.charCodeAt(i - 1) !== 10) i = text.indexOf('```', i + 1);
  return i;
}

/** Word hashes of the prose, reused between checks. */
let wordHashes = new Int32Array(1024);

/**
 * Feeds the words of `text.slice(from, to)` to the counter, each hashed (FNV-1a) as it is
 * read. The character loop has no branch on the text: word boundaries come every few
 * characters at random, and a mispredicted branch at each cost more than all the hashing.
 * Masks select between "extend the word" and "start afresh", and each character stores
 * the hash so far, kept (the count moves on) only where a word has just ended.
 */
function countWords(text: string, from: number, to: number): void {
  // A word takes a character and a separator: at most half the characters, rounded up, plus the slot written last.
  const most = ((to - from + 1) >> 1) + 1;
  if (wordHashes.length < most) wordHashes = new Int32Array(most);
  const hashes = wordHashes;
  let count = 0;
  let hash = FNV_OFFSET;
  let wasWord = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const w = c < 128 ? WORD_CHAR[c] : c;
    const isWord = (w + 0xffff) >>> 16; // 1 for a word character (w ≥ 1), else 0
    const keep = -isWord; // all ones or zero
    hashes[count] = hash;
    count += wasWord & (isWord ^ 1);
    hash = (Math.imul(hash ^ w, FNV_PRIME) & keep) | (FNV_OFFSET & ~keep);
    wasWord = isWord;
  }
  hashes[count] = hash;
  count += wasWord;
  for (let k = 0; k < count; k++) counter.add(hashes[k]);
}

/**
 * The share of word n-grams that repeat an earlier one, over the prose (lower-cased; letters,
 * digits, apostrophes and non-ASCII make a word). Fenced code may repeat legitimately and is
 * skipped. One pass, linear in length.
 */
function repeatedShare(text: string): number {
  counter.reset(text.length);
  for (let from = 0; ; ) {
    const open = fenceAt(text, from);
    countWords(text, from, open < 0 ? text.length : open);
    if (open < 0) break;
    const close = fenceAt(text, open + 3);
    if (close < 0) break; // an unclosed block runs to the end
    from = close + 3;
  }
  return counter.words < MIN_WORDS ? 0 : counter.repeated / counter.grams;
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
