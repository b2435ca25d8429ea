// The deepest JSON body the proxy takes on any /v1 endpoint. Adapting, checking and
// serialising a request recurse (JSON.stringify overflows the stack near 5,000 levels), so a
// deeper body gets a clean 400 that names the limit on every path (cascade, passthrough,
// OpenAI edge) rather than a stack overflow on some of them. Checked once per request, before
// parsing, in one pass over the bytes with no recursion; string contents are skipped natively.
// POST /v1/messages reads it off the walk that finds the body's members (request-body.ts), the
// same pass.
// The parse then decodes a large body in pieces, never as one string (json-bytes.ts).
import { describeError } from '../upstream/failures';
import { CLOSE_BRACE, CLOSE_BRACKET, closingQuote, OPEN_BRACE, OPEN_BRACKET, parseJsonBytes, QUOTE } from './json-bytes';

/** Levels of arrays and objects; real requests (tool schemas included) stay far below. */
export const MAX_JSON_DEPTH = 1_000;

export const TOO_DEEP_MESSAGE = `Request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep, the proxy's limit.`;


/** True when the body nests deeper than `max`. Not a validator: malformed JSON is JSON.parse's to report. */
export function nestsTooDeep(body: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === QUOTE) i = closingQuote(body, i);
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** A request body as JSON, or why it cannot be read (too deep, not JSON): one rule for every endpoint. */
export function readJsonBody(raw: Buffer): JsonBody {
  return nestsTooDeep(raw) ? { ok: false, message: TOO_DEEP_MESSAGE } : parseJsonBody(() => parseJsonBytes(raw));
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

/** readJsonBody's verdict on a parse of a body whose depth was checked already. */
export function parseJsonBody(parse: () => unknown): JsonBody {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    return { ok: false, message: `Request body is not valid JSON: ${describeError(err)}` };
  }
}
