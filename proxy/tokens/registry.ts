// Client tokens as the store keeps them: one key, `clientTokens`, in the data dir's config.json
// (beside settings and rules), an array of {name, hash, createdAt, limits, allowFallbackKey}.
// Only the SHA-256 of each secret is written (secret.ts); the secret itself exists once, in
// create's answer. Both the running proxy (state.ts) and the `cascadeflow token` CLI (cli.ts)
// edit the list through these functions; each change re-reads the file first, so neither
// overwrites the other's edit (conf, like the CLI's file store, reads the file on every get).
import { z } from 'zod';
import { tokenLimitsSchema, tokenNameSchema, type CreateTokenArgs, type TokenInfo } from '../../contracts/tokens';
import type { KeyValueStore } from '../state/stores';
import { hashSecret, newSecret } from './secret';

export const TOKENS_STORE_KEY = 'clientTokens';

const storedTokenSchema = z.object({
  name: tokenNameSchema,
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number(),
  limits: tokenLimitsSchema,
  allowFallbackKey: z.boolean(),
});
export type StoredToken = z.infer<typeof storedTokenSchema>;

export class TokenError extends Error {
  constructor(
    readonly reason: 'exists' | 'unknown',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/** The valid entries, and how many were not (skipped: a damaged entry never admits anyone). */
export function readTokens(store: KeyValueStore): { tokens: StoredToken[]; invalid: number } {
  const raw = store.get(TOKENS_STORE_KEY);
  if (!Array.isArray(raw)) return { tokens: [], invalid: raw === undefined ? 0 : 1 };
  const tokens: StoredToken[] = [];
  for (const entry of raw) {
    const parsed = storedTokenSchema.safeParse(entry);
    if (parsed.success) tokens.push(parsed.data);
  }
  return { tokens, invalid: raw.length - tokens.length };
}

/** Adds a token (`args` already valid); its secret is in the answer and nowhere else. */
export function addToken(store: KeyValueStore, args: CreateTokenArgs, now: number): { secret: string; token: StoredToken } {
  const { tokens } = readTokens(store);
  if (tokens.some((t) => t.name === args.name)) {
    throw new TokenError('exists', `A token named "${args.name}" already exists; revoke it first or choose another name.`);
  }
  const secret = newSecret();
  const token: StoredToken = {
    name: args.name,
    hash: hashSecret(secret),
    createdAt: now,
    limits: args.limits ?? {},
    allowFallbackKey: args.allowFallbackKey ?? false,
  };
  store.set(TOKENS_STORE_KEY, [...tokens, token]);
  return { secret, token };
}

/** Removes the token named `name`; the ones left. */
export function removeToken(store: KeyValueStore, name: string): StoredToken[] {
  const { tokens } = readTokens(store);
  const left = tokens.filter((t) => t.name !== name);
  if (left.length === tokens.length) throw new TokenError('unknown', `No token named "${name}".`);
  store.set(TOKENS_STORE_KEY, left);
  return left;
}

/** What may be shown of a stored token: everything but its hash. */
export function publicToken({ name, createdAt, limits, allowFallbackKey }: StoredToken): TokenInfo {
  return { name, createdAt, limits: { ...limits }, allowFallbackKey };
}
