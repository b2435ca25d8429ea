// Failed upstream calls as typed values (contracts/decision.ts FAILURE_KINDS): the kind says
// what happened, the message keeps the detail (never headers or keys), bounded in length.
import type { Failure, FailureKind } from '../../contracts/decision';

/** Longest failure message kept: upstream errors echo what the client sent (a model id of any length). */
export const FAILURE_MESSAGE_MAX_CHARS = 1_000;

export function failure(kind: FailureKind, message: string): Failure {
  return { kind, message: message.length > FAILURE_MESSAGE_MAX_CHARS ? `${message.slice(0, FAILURE_MESSAGE_MAX_CHARS - 1)}…` : message };
}

/** A short description of a thrown error (never includes headers). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isTimeout(error: unknown): boolean {
  return TIMEOUT_CODES.has(String((error as { code?: unknown } | null)?.code));
}

/** A call that threw before any response arrived. */
export function requestFailure(error: unknown, clientGone: boolean): Failure {
  if (clientGone) return failure('client_gone', 'client disconnected');
  return failure(isTimeout(error) ? 'timeout' : 'network', describeError(error));
}

/** A response body that broke while being read. */
export function bodyFailure(error: unknown, clientGone: boolean): Failure {
  if (clientGone) return failure('client_gone', 'client disconnected');
  return isTimeout(error) ? failure('timeout', describeError(error)) : failure('broken_stream', `stream broke: ${describeError(error)}`);
}

/** An error status, with the upstream's own message when its body is Anthropic-shaped. */
export function statusFailure(status: number, bodyText: string): Failure {
  return failure('http_status', upstreamErrorMessage(status, bodyText));
}

function upstreamErrorMessage(status: number, bodyText: string): string {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { type?: string; message?: string } };
    if (parsed.error?.message) return `${status} ${parsed.error.type ?? 'error'}: ${parsed.error.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `${status}: ${bodyText.slice(0, 300) || 'empty response'}`;
}
