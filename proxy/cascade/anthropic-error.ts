// Errors the proxy itself produces, in the Anthropic API's format, so every client's
// error handling (SDK retries, Claude Code messages) works on them unchanged.
import type { Response } from 'express';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export function anthropicErrorBody(type: AnthropicErrorType, message: string) {
  return { type: 'error', error: { type, message } };
}

export function sendAnthropicError(res: Response, status: number, type: AnthropicErrorType, message: string): void {
  res.status(status).json(anthropicErrorBody(type, message));
}

/** The upstream's own error message from an error body, or the raw text when it is not Anthropic-shaped. */
export function upstreamErrorMessage(status: number, bodyText: string): string {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { type?: string; message?: string } };
    if (parsed.error?.message) return `${status} ${parsed.error.type ?? 'error'}: ${parsed.error.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `${status}: ${bodyText.slice(0, 300) || 'empty response'}`;
}
