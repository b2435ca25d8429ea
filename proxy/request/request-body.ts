// A POST /v1/messages body, read once and parsed only as far as a step needs. Its top-level
// members are found by their byte ranges (json-ranges.ts); one member is parsed on first use
// (json-bytes.ts), so a passthrough of a 150 KB agent request parses its model, metadata and
// system prompt, not its history. The whole request, once asked for, is parsed at once when small;
// a larger one is checked to be JSON (json-valid.ts) and then read lazily (json-lazy.ts): a
// cascade reads the roles, the last turns and the tool calls of a long session, never parsing the
// tool outputs that make up its bytes. A body sent on with changes (a draft, a cleaned history)
// is spliced: the members and messages the change left as they were go up as the client's own
// bytes, only the changed ones are serialised.
import { sourceOf, type ConversationSource } from '../conversations/identify';
import { nestsTooDeep } from './body-depth';
import type { MessagesRequest } from '../wire';
import { BACKSLASH, parseJsonBytes, parseJsonRange, QUOTE } from './json-bytes';
import { lazyJson, lazyObject } from './json-lazy';
import { elementRanges, firstMemberRange, memberRanges, type Range } from './json-ranges';
import { isJson } from './json-valid';

/** The history stays lazy down to its content blocks (messages → message → content → block); a block's members are parsed whole when read. */
const HISTORY_LEVELS = 4;
/**
 * A request up to this size is parsed whole when asked for: reading it lazily costs more. On
 * Claude Code-shaped bodies (bench/requests.ts), parsed whole / read lazily with nothing read /
 * with every message's blocks read: 20 KB 48 / 53 / 158 µs, 32 KB 39 / 44 / 111 µs; lazy
 * reading pays off from about 56 KB (64 KB: 103 / 69 / 168 µs).
 */
const WHOLE_BYTES = 32 * 1024;
/**
 * From this size a changed body is sent as pieces: the client's bytes are neither copied into a
 * new buffer of the body's size (whose fresh pages the kernel has to fault in) nor held twice.
 * Side by side, 16 in flight: CPU per 1 MB accepted cascade 9.4 → 8.2 ms; at 150 KB the two
 * measured the same (2.8 ms), so smaller bodies keep one buffer and one write.
 */
const PIECES_FROM_BYTES = 256 * 1024;
/** A range of the client's bytes this long or longer becomes a piece of its own; a shorter one is copied with its neighbours. */
const VIEW_BYTES = 16 * 1024;

export class RequestBody {
  private parsed: MessagesRequest | undefined;
  private members: Map<string, Range> | null | undefined;
  /** How deeply the members' values nest, learnt by the walk that found their ranges. */
  private readonly nesting = { deepest: 0 };
  /** The elements' ranges of the top-level arrays walked so far, by member. */
  private readonly elements = new Map<string, Range[] | null>();
  /** Members parsed alone so far. */
  private readonly values = new Map<string, unknown>();

  /** `parsed`: the request when it is already parsed (another API's edge built it). */
  constructor(
    readonly raw: Buffer,
    parsed?: MessagesRequest,
  ) {
    this.parsed = parsed;
  }

  /**
   * The whole request, on first use: read lazily when the body is a large JSON object, else
   * parsed; throws what JSON.parse throws.
   */
  get request(): MessagesRequest {
    return (this.parsed ??= this.readLazily() ?? (parseJsonBytes(this.raw) as MessagesRequest));
  }

  /**
   * The request read lazily: the history message by message, part by part, each other member
   * parsed whole on first read (what reads them reads all of them), the members parsed alone so
   * far reused; undefined for a body of up to WHOLE_BYTES or one that is not JSON.
   */
  private readLazily(): MessagesRequest | undefined {
    if (this.raw.length <= WHOLE_BYTES) return undefined;
    const members = this.memberRanges();
    if (!members || !isJson(this.raw)) return undefined;
    const read = (key: string, range: Range) => (key === 'messages' ? lazyJson(this.raw, range, HISTORY_LEVELS) : this.parse(range));
    return lazyObject(this.raw, members, this.values, read) as unknown as MessagesRequest;
  }

  get isParsed(): boolean {
    return this.parsed !== undefined;
  }

  /**
   * The whole request, or null when the body is not JSON: only a body the path left unparsed
   * gets this far (the API refuses it), and nothing read lazily may fail the request for it.
   */
  tryRequest(): MessagesRequest | null {
    try {
      return this.request;
    } catch {
      return null;
    }
  }

  /** The top-level members' ranges; null when the body is not an object the walk can follow. */
  memberRanges(): Map<string, Range> | null {
    if (this.members === undefined) this.members = memberRanges(this.raw, undefined, this.nesting);
    return this.members;
  }

  /**
   * Whether the body nests arrays and objects deeper than `max` levels: read off the walk that
   * finds the members (one pass over the bytes for both), else counted over the bytes.
   */
  nestsDeeperThan(max: number): boolean {
    return this.memberRanges() ? this.nesting.deepest + 1 > max : nestsTooDeep(this.raw, max);
  }

  /** A top-level member's value (undefined when absent), parsed alone (once) unless the whole request is. */
  member(key: string): unknown {
    if (this.parsed) return (this.parsed as unknown as Record<string, unknown>)[key];
    const members = this.memberRanges();
    if (!members) return this.request[key as keyof MessagesRequest];
    if (!this.values.has(key)) {
      const range = members.get(key);
      this.values.set(key, range && this.parse(range));
    }
    return this.values.get(key);
  }

  /** The ranges of the elements of the top-level array `key`; null when there is no such array to walk. */
  elementRanges(key: string): Range[] | null {
    if (!this.elements.has(key)) {
      const range = this.memberRanges()?.get(key);
      this.elements.set(key, range ? elementRanges(this.raw, range) : null);
    }
    return this.elements.get(key)!;
  }

  /** What identifies the conversation, read without parsing the history unless it already is. */
  conversationSource(): ConversationSource {
    const messages = this.parsed ? null : this.elementRanges('messages');
    if (!messages) {
      const request = this.tryRequest();
      return request ? sourceOf(request) : { metadata: undefined, system: () => undefined, roles: () => [], content: () => undefined };
    }
    // Parts are parsed alone, each when asked for; one that is not JSON reads as absent.
    const read = (range: Range | null | undefined) => {
      try {
        return range ? this.parse(range) : undefined;
      } catch {
        return undefined;
      }
    };
    const messageMember = (i: number, key: string) => read(firstMemberRange(this.raw, messages[i], key));
    const system = this.memberRanges()?.get('system');
    return {
      metadata: read(this.memberRanges()?.get('metadata')),
      system: () => read(system),
      roles: () => messages.map((_, i) => messageMember(i, 'role')),
      content: (i) => messageMember(i, 'content'),
      linesFrom: (part, phrase) => {
        const range = part === 'system' ? system : messages[part];
        return range ? linesFrom(this.raw, range, phrase) : [];
      },
    };
  }

  /** The value in `range`, parsed. */
  parse(range: Range): unknown {
    return parseJsonRange(this.raw, range.start, range.end);
  }

  /**
   * `value` (the request, changed) as JSON: what it shares with the parsed request, top-level
   * members and messages compared by identity, is taken from the client's bytes. One buffer, or
   * for a large body pieces to send one after another (see PIECES_FROM_BYTES).
   */
  serialize(value: MessagesRequest): Buffer | Buffer[] {
    const members = this.memberRanges();
    if (!members || !this.parsed) return Buffer.from(JSON.stringify(value));
    const original = this.parsed as unknown as Record<string, unknown>;
    const parts: Array<Range | string> = ['{'];
    let first = true;
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined || typeof member === 'function') continue; // as JSON.stringify leaves them out
      parts.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      const range = members.get(key);
      if (range && member === original[key]) parts.push(range);
      else if (key === 'messages' && Array.isArray(member)) parts.push(...this.serializeMessages(member));
      else parts.push(JSON.stringify(member));
    }
    parts.push('}');
    return this.raw.length < PIECES_FROM_BYTES ? this.join(parts) : this.pieces(parts);
  }

  /** The parts as pieces: a long range of the client's bytes as a view of them, the parts between two such ranges joined. */
  private pieces(parts: ReadonlyArray<Range | string>): Buffer[] {
    const pieces: Buffer[] = [];
    let from = 0;
    parts.forEach((part, i) => {
      if (typeof part === 'string' || part.end - part.start < VIEW_BYTES) return;
      if (i > from) pieces.push(this.join(parts.slice(from, i)));
      pieces.push(this.raw.subarray(part.start, part.end));
      from = i + 1;
    });
    if (from < parts.length) pieces.push(this.join(parts.slice(from)));
    return pieces;
  }

  /** The parts in one buffer, allocated once: the client's ranges copied, the new text written. */
  private join(parts: ReadonlyArray<Range | string>): Buffer {
    let length = 0;
    for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.end - part.start;
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    for (const part of parts) at += typeof part === 'string' ? out.write(part, at) : this.raw.copy(out, at, part.start, part.end);
    return out;
  }

  /**
   * A changed messages array: the messages it kept as they were, from the client's bytes, a run
   * of them kept in their order as one range (their separators included).
   */
  private serializeMessages(messages: unknown[]): Array<Range | string> {
    const ranges = this.elementRanges('messages');
    const kept = new Map<unknown, number>();
    const originals = this.parsed?.messages;
    if (ranges && Array.isArray(originals) && ranges.length === originals.length) {
      originals.forEach((message, i) => {
        if (message !== null && typeof message === 'object') kept.set(message, i);
      });
    }
    const parts: Array<Range | string> = ['['];
    let run: { first: number; last: number } | null = null;
    const endRun = () => {
      if (run) parts.push({ start: ranges![run.first].start, end: ranges![run.last].end });
      run = null;
    };
    messages.forEach((message, i) => {
      const index = kept.get(message);
      if (index !== undefined && run && index === run.last + 1) {
        run.last = index;
        return;
      }
      endRun();
      if (i > 0) parts.push(',');
      if (index !== undefined) run = { first: index, last: index };
      else parts.push(JSON.stringify(message) ?? 'null');
    });
    endRun();
    parts.push(']');
    return parts;
  }
}

const LETTER_N = 0x6e;

/**
 * The text of each line of the JSON strings in `range` that begins with `phrase`, unescaped: from
 * the phrase to a \n escape or the string's end (a newline written otherwise is left in, for the
 * reader's pattern to stop at). A phrase with nothing JSON escapes is in a string's text only
 * where it is in the bytes (barring \u escapes of plain letters, which no client writes). A line
 * that is not valid JSON text is skipped.
 */
function linesFrom(raw: Buffer, range: Range, phrase: string): string[] {
  const lines: string[] = [];
  // Searched within the part only: a search of the body would go on to its end.
  const part = raw.subarray(range.start, range.end);
  for (let at = part.indexOf(phrase); at !== -1; at = part.indexOf(phrase, at + 1)) {
    let end = at + phrase.length;
    while (end < part.length && part[end] !== QUOTE) {
      if (part[end] !== BACKSLASH) end++;
      else if (part[end + 1] === LETTER_N) break;
      else end += 2;
    }
    try {
      lines.push(JSON.parse(`"${part.toString('utf8', at, Math.min(end, part.length))}"`) as string);
    } catch {
      // Not JSON text here: as a part that does not parse, it names no project.
    }
  }
  return lines;
}
