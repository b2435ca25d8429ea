// JSON.parse of a request body without ever making one string of the whole body. On Node 20 a
// string over V8's regular object size (128 KB) is allocated in large-object space, which costs
// ~1 ms at 150 KB however it is decoded (toString, TextDecoder, latin1): more than the parse itself
// (measured, issue 13). A large body is therefore cut at its structure into values of at most
// PIECE_BYTES, each decoded and parsed on its own, and put back together. Pieces are cut only at
// ASCII structural bytes, where UTF-8 decoding (replacement characters included) cannot differ
// from decoding the whole. The cutting is no validator: any doubt, and any error, falls back to
// one JSON.parse of the whole body, so the result and the error are always JSON.parse's.

/** A value this small is decoded and parsed whole: two bytes a character still stays under 128 KB. */
export const PIECE_BYTES = 60_000;

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;

/** JSON.parse(body.toString('utf8')), exactly, in pieces when the body is large. */
export function parseJsonBytes(body: Buffer, pieceBytes = PIECE_BYTES): unknown {
  if (body.length > pieceBytes) {
    try {
      const cursor = { at: skipSpace(body, 0) };
      const value = parseValue(body, cursor, pieceBytes);
      if (skipSpace(body, cursor.at) === body.length) return value;
    } catch {
      // Malformed, or shaped in a way the cutting does not follow: JSON.parse decides below.
    }
  }
  return JSON.parse(body.toString('utf8')) as unknown;
}

/** parseJsonBytes of the bytes [start, end) of `raw`; one piece is decoded from its range, without a view of `raw` made for it. */
export function parseJsonRange(raw: Buffer, start: number, end: number): unknown {
  return end - start > PIECE_BYTES ? parseJsonBytes(raw.subarray(start, end)) : (JSON.parse(raw.toString('utf8', start, end)) as unknown);
}

/** Thrown where the body is not what the cutting expects (never reaches a caller). */
export class Unsure extends Error {}

export interface Cursor {
  at: number;
}

function parseValue(body: Buffer, cursor: Cursor, pieceBytes: number): unknown {
  const start = cursor.at;
  const end = valueEnd(body, start, pieceBytes);
  if (end >= 0) {
    cursor.at = end;
    return JSON.parse(body.toString('utf8', start, end)) as unknown;
  }
  const first = body[start];
  cursor.at = start + 1;
  return first === OPEN_BRACE ? parseObject(body, cursor, pieceBytes) : parseArray(body, cursor, pieceBytes);
}

function parseObject(body: Buffer, cursor: Cursor, pieceBytes: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  // As JSON.parse: an own property even for "__proto__"; a repeated key keeps its place and takes the last value.
  walkObject(body, cursor, (key) => {
    Object.defineProperty(object, key, { value: parseValue(body, cursor, pieceBytes), writable: true, enumerable: true, configurable: true });
  });
  return object;
}

function parseArray(body: Buffer, cursor: Cursor, pieceBytes: number): unknown[] {
  const array: unknown[] = [];
  walkArray(body, cursor, () => array.push(parseValue(body, cursor, pieceBytes)));
  return array;
}

/**
 * The members of the object whose `{` is just behind the cursor, up to its `}`: `member` is
 * called with each key, the cursor on its value, and must move the cursor past the value; it
 * returns true to stop there (the cursor then stays after that value).
 */
export function walkObject(body: Buffer, cursor: Cursor, member: (key: string) => boolean | void): void {
  cursor.at = skipSpace(body, cursor.at);
  if (body[cursor.at] === CLOSE_BRACE) {
    cursor.at++;
    return;
  }
  for (;;) {
    const keyStart = cursor.at;
    if (body[keyStart] !== QUOTE) throw new Unsure();
    const keyEnd = closingQuote(body, keyStart) + 1;
    const key = JSON.parse(body.toString('utf8', keyStart, keyEnd)) as string;
    cursor.at = skipSpace(body, keyEnd);
    if (body[cursor.at] !== COLON) throw new Unsure();
    cursor.at = skipSpace(body, cursor.at + 1);
    if (member(key) === true) return;
    cursor.at = skipSpace(body, cursor.at);
    const next = body[cursor.at++];
    if (next === CLOSE_BRACE) return;
    if (next !== COMMA) throw new Unsure();
    cursor.at = skipSpace(body, cursor.at);
  }
}

/** The elements of the array whose `[` is just behind the cursor, as walkObject's members. */
export function walkArray(body: Buffer, cursor: Cursor, element: () => void): void {
  cursor.at = skipSpace(body, cursor.at);
  if (body[cursor.at] === CLOSE_BRACKET) {
    cursor.at++;
    return;
  }
  for (;;) {
    element();
    cursor.at = skipSpace(body, cursor.at);
    const next = body[cursor.at++];
    if (next === CLOSE_BRACKET) return;
    if (next !== COMMA) throw new Unsure();
    cursor.at = skipSpace(body, cursor.at);
  }
}

/** The deepest nesting of arrays and objects seen so far by the walks given it (a value that is one counts 1). */
export interface Nesting {
  deepest: number;
}

/**
 * Where the value starting at `start` ends (exclusive), or -1 for an object or array longer than
 * `pieceBytes` (to be cut further); its validity is JSON.parse's to judge. `nesting` learns how
 * deeply the value nests.
 */
export function valueEnd(body: Buffer, start: number, pieceBytes: number, nesting?: Nesting): number {
  const first = body[start];
  if (first === QUOTE) return closingQuote(body, start) + 1;
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let deepest = 0;
    const last = Math.min(body.length, start + pieceBytes);
    for (let i = start; i < last; i++) {
      const byte = body[i];
      if (byte === QUOTE) i = closingQuote(body, i);
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (++depth > deepest) deepest = depth;
      } else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) {
        if (nesting && deepest > nesting.deepest) nesting.deepest = deepest;
        return i + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter. A quote or bracket inside one is not
  // JSON: passing over it would hide a string or a nesting from the walk (its depth among them).
  let i = start;
  for (; i < body.length && !isDelimiter(body[i]); i++) {
    if (body[i] === QUOTE || body[i] === OPEN_BRACE || body[i] === OPEN_BRACKET) throw new Unsure();
  }
  if (i === start) throw new Unsure();
  return i;
}

function isDelimiter(byte: number): boolean {
  return byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte);
}

/** JSON's whitespace: space, tab, line feed, carriage return (nothing else). */
function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export function skipSpace(body: Buffer, at: number, end = body.length): number {
  while (at < end && isSpace(body[at])) at++;
  return at;
}

/** The index of the quote that ends the string opened at `start` (the body's end when none). */
export function closingQuote(body: Uint8Array, start: number): number {
  let at = start;
  for (;;) {
    at = body.indexOf(QUOTE, at + 1);
    if (at < 0) return body.length;
    let backslashes = 0;
    while (body[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
