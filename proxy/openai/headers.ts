// An OpenAI client's request headers as an Anthropic client's. OpenAI clients send their key as
// `Authorization: Bearer …`; the Anthropic API takes an API key in `x-api-key` and only OAuth
// tokens (Claude subscriptions) as a bearer token. A bearer token that is neither (an SDK's
// required placeholder, an OpenAI key left in the environment) is never sent on: the request
// counts as keyless, so the proxy's fallback key applies. OpenAI clients send no
// `anthropic-version`, which the API requires. A client token (`cft_…`) as the bearer token is
// taken as the client's x-cascadeflow-token: an OpenAI tool has one key field, and a team proxy
// gives it the token (with the proxy's fallback key paying, when the token allows it).
import type { IncomingHttpHeaders } from 'node:http';
import { CLIENT_TOKEN_HEADER, CLIENT_TOKEN_PREFIX } from '../../contracts/tokens';

export const ANTHROPIC_VERSION = '2023-06-01';
const API_KEY_PREFIX = 'sk-ant-';
const OAUTH_TOKEN_PREFIX = 'sk-ant-oat';

function bearerToken(incoming: IncomingHttpHeaders): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(incoming.authorization ?? '')?.[1];
}

/** A client token sent as the bearer token (contracts/tokens.ts), or null. */
function bearerClientToken(incoming: IncomingHttpHeaders): string | null {
  const token = bearerToken(incoming);
  return token?.startsWith(CLIENT_TOKEN_PREFIX) ? token : null;
}

function isAnthropicCredential(token: string | undefined): token is string {
  return token?.startsWith(API_KEY_PREFIX) === true;
}

export function anthropicHeaders(incoming: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    // openai-organization, openai-project, openai-beta: meaningless upstream.
    if (name !== 'authorization' && !name.startsWith('openai-')) out[name] = value;
  }
  const token = bearerToken(incoming);
  if (isAnthropicCredential(token)) {
    if (token.startsWith(OAUTH_TOKEN_PREFIX)) out.authorization = `Bearer ${token}`;
    else out['x-api-key'] ??= token;
  }
  const clientToken = bearerClientToken(incoming);
  if (clientToken) out[CLIENT_TOKEN_HEADER] ??= clientToken;
  out['anthropic-version'] ??= ANTHROPIC_VERSION;
  return out;
}

/** OpenAI clients send no `anthropic-version`; Anthropic's SDKs (and the API's own examples) always do. */
export function isOpenAIClient(incoming: IncomingHttpHeaders): boolean {
  return incoming['anthropic-version'] === undefined;
}

/** Said with a 401 when the client did send a bearer token, but not one the upstream could take. */
export function ignoredTokenNote(incoming: IncomingHttpHeaders): string {
  return incoming.authorization !== undefined && !isAnthropicCredential(bearerToken(incoming)) && !bearerClientToken(incoming)
    ? ` The Authorization header held no Anthropic key or token (they start with ${API_KEY_PREFIX}), so it was not sent on.`
    : '';
}
