// Errors in OpenAI's shape, `{"error":{"message","type","param","code"}}`: the edge's own (an
// option Anthropic models cannot honour, no key) and the upstream's Anthropic errors translated,
// with the status codes OpenAI clients act on (their SDKs retry 429 and 5xx, honour retry-after).
import type { Response } from 'express';
import type { ChatErrorBody } from './wire';

/** A request the edge refuses before anything goes upstream: a 400 naming the parameter. */
export class ChatRequestError extends Error {
  constructor(
    message: string,
    readonly param: string | null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ChatRequestError';
  }
}

/** The status each Anthropic error type stands for (an error event in a stream carries only the type). */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** 529 is Anthropic's "overloaded", a status OpenAI clients do not know; 503 means the same to them. */
export function clientStatus(status: number): number {
  return status === 529 ? 503 : status;
}

/** OpenAI's type and code for a status (as the client receives it). */
function kindOf(status: number, message: string): { type: string; code: string | null } {
  switch (status) {
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key' };
    case 403:
      return { type: 'permission_error', code: null };
    case 404:
      // The Messages API's only 404 on a valid route is an unknown model ("model: nope").
      return { type: 'invalid_request_error', code: /\bmodel\b/i.test(message) ? 'model_not_found' : null };
    case 413:
      return { type: 'invalid_request_error', code: 'request_too_large' };
    case 429:
      return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
    case 503:
      return { type: 'server_error', code: 'overloaded' };
    default:
      return status >= 500 ? { type: 'server_error', code: null } : { type: 'invalid_request_error', code: null };
  }
}

/** The error body for a status the client receives. */
export function chatError(status: number, message: string): ChatErrorBody {
  const { type, code } = kindOf(status, message);
  return { error: { message, type, param: null, code } };
}

/** The 400 for a refused request, naming its parameter. */
export function refusal(error: ChatRequestError): ChatErrorBody {
  return { error: { message: error.message, type: 'invalid_request_error', param: error.param, code: error.code } };
}

/** Same signature as sendAnthropicError, so the key check (request/auth.ts) can answer in either shape. */
export function sendChatError(res: Response, status: number, message: string): void {
  const sent = clientStatus(status);
  res.status(sent).json(chatError(sent, message));
}

/** An Anthropic error response (status and body text) as the OpenAI client receives it. */
export function translateErrorResponse(status: number, bodyText: string): { status: number; body: ChatErrorBody } {
  const sent = clientStatus(status);
  return { status: sent, body: chatError(sent, anthropicMessage(bodyText) ?? (bodyText.slice(0, 300) || `upstream status ${status}`)) };
}

/** An Anthropic `error` event's data as the data of OpenAI's error event. */
export function translateErrorEvent(data: { error?: { type?: unknown; message?: unknown } }): ChatErrorBody {
  const type = String(data.error?.type ?? 'api_error');
  return chatError(clientStatus(STATUS_OF_TYPE[type] ?? 500), String(data.error?.message ?? type));
}

function anthropicMessage(bodyText: string): string | null {
  try {
    const message = (JSON.parse(bodyText) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message : null;
  } catch {
    return null;
  }
}
