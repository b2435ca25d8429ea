// Where the parts of a JSON body lie, found without parsing them: the byte ranges of an
// object's members and of an array's elements, one pass over the bytes with string contents
// skipped natively (json-bytes.ts walks the same structure to parse it). No validator: what the
// walk cannot follow gives null, and the caller parses the whole body instead.
import { OPEN_BRACE, OPEN_BRACKET, skipSpace, Unsure, valueEnd, walkArray, walkObject, type Cursor, type Nesting } from './json-bytes';

/** Bytes [start, end) of a body. */
export interface Range {
  start: number;
  end: number;
}

/** The value at the cursor, skipped: its range. */
function skipValue(body: Buffer, cursor: Cursor, nesting?: Nesting): Range {
  const start = cursor.at;
  const end = valueEnd(body, start, Infinity, nesting);
  if (end < 0) throw new Unsure();
  cursor.at = end;
  return { start, end };
}

/**
 * Runs `walk` over the object or array (by `open`) that starts `range`: the cursor where the walk
 * stopped, or null when the bytes are not one the walk can follow.
 */
function walkFrom(body: Buffer, range: Range, open: number, walk: (cursor: Cursor) => void): Cursor | null {
  const cursor = { at: skipSpace(body, range.start) };
  if (body[cursor.at] !== open) return null;
  cursor.at++;
  try {
    walk(cursor);
  } catch (err) {
    if (err instanceof Unsure || err instanceof SyntaxError) return null;
    throw err;
  }
  return cursor;
}

/** walkFrom, true only when the object or array fills `range` to its end. */
function walkWhole(body: Buffer, range: Range, open: number, walk: (cursor: Cursor) => void): boolean {
  const cursor = walkFrom(body, range, open, walk);
  return cursor !== null && skipSpace(body, cursor.at, range.end) === range.end;
}

/**
 * Each member's value range by key (a repeated key: its last value, as JSON.parse keeps), for the
 * object that fills `range`; null when it is not an object the walk can follow. `nesting` learns
 * how deeply the members' values nest (the walk passes every byte of them).
 */
export function memberRanges(body: Buffer, range: Range = { start: 0, end: body.length }, nesting?: Nesting): Map<string, Range> | null {
  const members = new Map<string, Range>();
  const whole = walkWhole(body, range, OPEN_BRACE, (cursor) => walkObject(body, cursor, (key) => void members.set(key, skipValue(body, cursor, nesting))));
  return whole ? members : null;
}

/**
 * The range of the first member named `key` of the object in `range`, found without walking
 * the members after it; null when it has none or is not an object the walk can follow. (A
 * repeated key, where JSON.parse would take the last, gives the first.)
 */
export function firstMemberRange(body: Buffer, range: Range, key: string): Range | null {
  let found: Range | null = null;
  const walked = walkFrom(body, range, OPEN_BRACE, (cursor) =>
    walkObject(body, cursor, (name) => {
      const value = skipValue(body, cursor);
      if (name === key) found = value;
      return found !== null;
    }),
  );
  return walked && found;
}

/** Each element's range, for the array that fills `range`; null when it is not an array the walk can follow. */
export function elementRanges(body: Buffer, range: Range): Range[] | null {
  const elements: Range[] = [];
  const whole = walkWhole(body, range, OPEN_BRACKET, (cursor) => walkArray(body, cursor, () => elements.push(skipValue(body, cursor))));
  return whole ? elements : null;
}
