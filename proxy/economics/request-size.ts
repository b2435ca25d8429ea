// How many prompt tokens a request holds, how many of them sit before its last cache breakpoint
// (what a prompt cache can hold), and at which TTL — without a tokenizer and without serialising the whole body again: the body's byte length times tokens
// per byte, less the bytes after the breakpoint (serialised alone; Claude Code puts its
// breakpoint on the last message, so that is little or nothing). A breakpoint in the tools or
// the system prompt counts the bytes before it: read off the body as it arrived when it is at
// hand (its member ranges), since serialising 70 KB of tools and instructions again cost more
// than the rest of the plan together.
import type { ContentBlock, MessagesRequest } from '../wire';
import type { CacheTtl } from '../pricing/accounting';

/**
 * Prompt tokens per byte of request body before a conversation has reported any usage.
 * Measured on the captured Claude Code 2.1.332 request (49,205 bytes as sent): 0.231 with
 * Anthropic's published tokenizer over its rendered text and schemas, 0.237 over its JSON,
 * 0.247 with the simulator's count (JSON characters / 4). After the first answer the
 * conversation's own reported usage calibrates it (CacheLedger's profile).
 */
export const DEFAULT_TOKENS_PER_BYTE = 0.24;

export interface RequestSize {
  /** The whole prompt. */
  promptTokens: number;
  /** Tokens through the last cache breakpoint (0 without one). */
  cacheableTokens: number;
  /** The last breakpoint's TTL; null when the request asks for no caching. */
  ttl: CacheTtl | null;
}

/** Bytes [start, end) of a body. */
interface Span {
  start: number;
  end: number;
}

/** The body the request was parsed from: where its top-level members and their elements lie (proxy/request/request-body.ts). */
export interface RawBody {
  readonly raw: Buffer;
  memberRanges(): ReadonlyMap<string, Span> | null;
  elementRanges(key: string): readonly Span[] | null;
}

/** Bytes of a part of the request as JSON (nothing for nothing or an empty list). */
const bytes = (value: unknown): number => (value === undefined || (Array.isArray(value) && !value.length) ? 0 : Buffer.byteLength(JSON.stringify(value)));

/**
 * Bytes of the top-level list `key` as JSON, or of its first `count` elements: read off the body
 * when it is at hand and holds that list (from its first element to its last, plus the brackets),
 * the list itself not read: a lazily read request parses a member on first use, and parsing 24 tool
 * schemas only to measure them took 0.14 ms a request (CPU profile, 150 KB accepted cascades, 16 in
 * flight: 407 of ~5,800 ms busy). Serialised otherwise.
 */
function leadingBytes(request: MessagesRequest, key: 'tools' | 'system', body: RawBody | null, count?: number): number {
  const elements = body?.elementRanges(key);
  if (elements) {
    const n = count ?? elements.length;
    if (n === 0) return 0;
    if (n <= elements.length) return elements[n - 1].end - elements[0].start + 2;
  }
  const list = request[key];
  if (!Array.isArray(list)) return bytes(list);
  return count === 0 ? 0 : bytes(count === undefined ? list : list.slice(0, count));
}

/**
 * False when the top-level member `key` of the body at hand has no cache_control in its bytes,
 * so that a history without breakpoints (clients other than Claude Code) is not read block by
 * block to find none. (A key spelled with \u escapes, which no client writes, is not seen: the
 * request then counts as having no breakpoint there, which only changes the estimate.) Searched
 * from the end: Claude Code's breakpoint is on its last message, after the whole history
 * (searching a 1 MB body from the start took ~0.5 ms).
 */
function breakpointsIn(body: RawBody | null, key: string): boolean {
  const range = body?.memberRanges()?.get(key);
  return !body || !range || body.raw.subarray(range.start, range.end).lastIndexOf('"cache_control"') !== -1;
}

function ttlOf(control: unknown): CacheTtl | null {
  if (!control || typeof control !== 'object' || (control as { type?: unknown }).type !== 'ephemeral') return null;
  return (control as { ttl?: unknown }).ttl === '1h' ? '1h' : '5m';
}

/** `body`: the body the request was parsed from, or only its length in bytes (what precedes a breakpoint is then serialised to be measured). */
export function measureRequest(request: MessagesRequest, body: RawBody | number, tokensPerByte = DEFAULT_TOKENS_PER_BYTE): RequestSize {
  const rawBytes = typeof body === 'number' ? body : body.raw.length;
  const promptTokens = Math.round(rawBytes * tokensPerByte);
  const breakpoint = lastBreakpoint(request, typeof body === 'number' ? null : body);
  if (!breakpoint) return { promptTokens, cacheableTokens: 0, ttl: null };
  const cacheableTokens =
    'tailBytes' in breakpoint ? promptTokens - Math.round(breakpoint.tailBytes * tokensPerByte) : Math.round(breakpoint.prefixBytes * tokensPerByte);
  return { promptTokens, cacheableTokens: Math.max(0, Math.min(promptTokens, cacheableTokens)), ttl: breakpoint.ttl };
}

type Breakpoint = { ttl: CacheTtl } & ({ tailBytes: number } | { prefixBytes: number });

/**
 * The last breakpoint in cache order (tools → system → messages) and the bytes on its short
 * side: after it when it is in the messages, before it otherwise. A top-level cache_control
 * (automatic caching) puts it at the very end.
 */
function lastBreakpoint(request: MessagesRequest, body: RawBody | null): Breakpoint | null {
  const automatic = ttlOf(request.cache_control);
  if (automatic) return { ttl: automatic, tailBytes: 0 };
  const { messages } = request;
  for (let m = breakpointsIn(body, 'messages') ? messages.length - 1 : -1; m >= 0; m--) {
    const content = messages[m]?.content;
    if (!Array.isArray(content)) continue;
    for (let b = content.length - 1; b >= 0; b--) {
      const ttl = ttlOf(content[b]?.cache_control);
      if (ttl) return { ttl, tailBytes: bytes(content.slice(b + 1)) + bytes(messages.slice(m + 1)) };
    }
  }
  const system: ContentBlock[] = breakpointsIn(body, 'system') && Array.isArray(request.system) ? request.system : [];
  for (let b = system.length - 1; b >= 0; b--) {
    const ttl = ttlOf(system[b]?.cache_control);
    if (ttl) return { ttl, prefixBytes: leadingBytes(request, 'tools', body) + leadingBytes(request, 'system', body, b + 1) };
  }
  const tools = (breakpointsIn(body, 'tools') && request.tools) || [];
  for (let t = tools.length - 1; t >= 0; t--) {
    const ttl = ttlOf(tools[t]?.cache_control);
    if (ttl) return { ttl, prefixBytes: leadingBytes(request, 'tools', body, t + 1) };
  }
  return null;
}
