// Whose key pays, for an OpenAI client: its headers as an Anthropic client's (headers.ts), then
// the same check as /v1/messages (request/auth.ts: the client's key, else the proxy's fallback
// key), its 401 in OpenAI's shape and saying why a bearer token was not used.
import type { Request, Response } from 'express';
import type { RequestPathDeps } from '../request/deps';
import { authorizeRequest, type AuthorizedRequest } from '../request/auth';
import { sendChatError } from './errors';
import { anthropicHeaders, ignoredTokenNote } from './headers';

export function authorizeChatRequest(deps: RequestPathDeps, req: Request, res: Response, stream = false): Promise<AuthorizedRequest | null> {
  const note = ignoredTokenNote(req.headers);
  return authorizeRequest(deps, { headers: anthropicHeaders(req.headers) }, res, {
    stream,
    sendError: (r, status, message) => sendChatError(r, status, message + note),
  });
}
