// Errors the proxy itself produces: in the Anthropic API's format, so every client's error
// handling (SDK retries, Claude Code messages) works on them unchanged, and the control API's.
import type { Response } from 'express';
import type { z } from 'zod';

/** Anthropic's error `type` for a status code, so every error the proxy produces looks like the API's. */
function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
    case 409:
    case 415:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** `{"type":"error","error":{"type":…,"message":…}}`, the type following the status code. */
export function anthropicError(status: number, message: string) {
  return { type: 'error' as const, error: { type: errorTypeForStatus(status), message } };
}

export function sendAnthropicError(res: Response, status: number, message: string): void {
  res.status(status).json(anthropicError(status, message));
}

/** An error the control API reports to its caller (HTTP status and a readable message). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Zod issues in one line: "0.threshold: Too big: expected number to be <=1; 1.id: duplicate rule id". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function validationError(what: string, error: z.ZodError): ControlError {
  return new ControlError(400, `Invalid ${what}: ${describeIssues(error)}`);
}
