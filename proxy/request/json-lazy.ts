// A JSON value read from a body only as far as it is read: a large object's members and a
// large array's elements are found by their byte ranges (json-ranges.ts), a small member is
// parsed at once and a large one the first time it is read. The cascade reads a long session's
// request in places (the roles, the last turns, the tool calls and their results' ids and error
// flags), not its tool outputs, which are nearly all of its bytes: those are never parsed unless
// something reads them. An object is a plain object whose large members are accessors, in the
// body's order (a repeated key keeps its place and takes the last value, as with JSON.parse), so
// whatever reads it — spread, JSON.stringify, Object.keys, structuredClone — sees what JSON.parse
// would give (its state sits under a symbol, not enumerable, which none of them reads). A member
// read once is the same value every time after, so identity holds (RequestBody.serialize splices
// what is unchanged), and a member written is kept as written. The range must hold valid JSON
// (json-valid.ts): a read would otherwise throw where JSON.parse of the whole body would have.
import { OPEN_BRACE, OPEN_BRACKET, parseJsonRange } from './json-bytes';
import { elementRanges, memberRanges, type Range } from './json-ranges';

/** A value this small is parsed at once: finding its parts would cost more than parsing it. */
export const EAGER_BYTES = 1024;
/** An array whose elements average less is parsed at once: one parse per element would cost more. */
const ELEMENT_BYTES = 64;

/**
 * The value in `range` of `raw`, parsed now when small, else read lazily for `levels` levels of
 * objects and arrays; below them a value is parsed whole on first read. Bounded, because each
 * lazy level walks its own bytes again: lazy all the way down, a deeply nested value would be
 * walked once per level it sits under.
 */
export function lazyJson(raw: Buffer, range: Range, levels: number): unknown {
  if (levels > 0 && range.end - range.start > EAGER_BYTES) {
    const first = raw[range.start];
    if (first === OPEN_BRACE) {
      const members = memberRanges(raw, range);
      const below = (_key: string, member: Range) => (levels > 1 ? lazyJson(raw, member, levels - 1) : parseJsonRange(raw, member.start, member.end));
      if (members) return lazyObject(raw, members, undefined, below);
    } else if (first === OPEN_BRACKET) {
      const elements = elementRanges(raw, range);
      if (elements && (range.end - range.start) / elements.length >= ELEMENT_BYTES) return elements.map((element) => lazyJson(raw, element, levels - 1));
    }
  }
  return parseJsonRange(raw, range.start, range.end);
}

/** Where a lazy object keeps its large members: their ranges, and their values once read or written. */
const STATE = Symbol('lazy members');

interface LazyState {
  readonly ranges: ReadonlyMap<string, Range>;
  readonly values: Map<string, unknown>;
  readonly read: (key: string, range: Range) => unknown;
}

type LazyTarget = Record<string, unknown> & { [STATE]: LazyState };

/**
 * One accessor pair per member name, shared by every lazy object: objects whose members have
 * the same names then share V8's hidden classes (an accessor of its own for each object made
 * each one new, and their garbage collection cost more than the parse saved). The API's names
 * are short; a client can send any, and a shared pair lives as long as the process: so only
 * names up to MAX_SHARED_NAME characters, and up to MAX_SHARED_ACCESSORS of them, are shared.
 */
const accessors = new Map<string, PropertyDescriptor>();
const MAX_SHARED_ACCESSORS = 1_000;
const MAX_SHARED_NAME = 64;

function accessorFor(key: string): PropertyDescriptor {
  let accessor = accessors.get(key);
  if (!accessor) {
    accessor = {
      get(this: LazyTarget) {
        const { ranges, values, read } = this[STATE];
        if (!values.has(key)) values.set(key, read(key, ranges.get(key)!));
        return values.get(key);
      },
      set(this: LazyTarget, written: unknown) {
        this[STATE].values.set(key, written);
      },
      enumerable: true,
      configurable: true,
    };
    if (key.length <= MAX_SHARED_NAME && accessors.size < MAX_SHARED_ACCESSORS) accessors.set(key, accessor);
  }
  return accessor;
}

/**
 * The object whose members lie at `members` in `raw`: a small member parsed now, a large one on
 * first read (by `read`); `known`: members already parsed, used as they are.
 */
export function lazyObject(
  raw: Buffer,
  members: ReadonlyMap<string, Range>,
  known: ReadonlyMap<string, unknown> | undefined,
  read: (key: string, range: Range) => unknown,
): Record<string, unknown> {
  const object = {} as LazyTarget;
  const state: LazyState = { ranges: members, values: new Map(), read };
  Object.defineProperty(object, STATE, { value: state });
  for (const [key, range] of members) {
    if (known?.has(key) || range.end - range.start <= EAGER_BYTES) {
      const value = known?.has(key) ? known.get(key) : parseJsonRange(raw, range.start, range.end);
      // As JSON.parse: an own property even for "__proto__" (which assignment would not make).
      if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
      else object[key] = value;
    } else {
      Object.defineProperty(object, key, accessorFor(key));
    }
  }
  return object;
}
