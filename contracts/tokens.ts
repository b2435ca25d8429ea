// Client tokens (virtual keys): named secrets a client sends in `x-cascadeflow-token` so the proxy
// knows who is calling (required beyond loopback, optional on it), with optional rate limits per
// token. Only these public shapes cross a boundary: the secret leaves the proxy once, in the
// result of creating it; its hash never does.
import { z } from 'zod';

/** The request header a client sends its token in (Claude Code: ANTHROPIC_CUSTOM_HEADERS). */
export const CLIENT_TOKEN_HEADER = 'x-cascadeflow-token';
/** Every secret starts so: recognisable in a config file, and never mistaken for an Anthropic key. */
export const CLIENT_TOKEN_PREFIX = 'cft_';

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name: letters, digits, dot, dash or underscore, starting with a letter or digit');

/** Each limit is off when absent. */
export const tokenLimitsSchema = z.object({
  requestsPerMinute: z.number().int().positive().max(1_000_000).optional(),
  concurrentStreams: z.number().int().positive().max(100_000).optional(),
  /** Dollars of the proxy's own accounting per UTC day. */
  dailySpendUsd: z.number().positive().max(1_000_000).optional(),
});
export type TokenLimits = z.infer<typeof tokenLimitsSchema>;

/** Today's (UTC) use of a token, by the proxy's own accounting; refusals are counted, not recorded. */
export const tokenUsageSchema = z.object({
  queries: z.number().int().nonnegative(),
  cost: z.number().nonnegative(),
  savings: z.number(),
  /** Requests refused by a limit (429). */
  limited: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const tokenInfoSchema = z.object({
  name: tokenNameSchema,
  createdAt: z.number(),
  lastUsedAt: z.number().optional(),
  limits: tokenLimitsSchema,
  /** A client that sends no Anthropic key of its own may use the proxy's fallback key. */
  allowFallbackKey: z.boolean(),
  /** Today's use (absent where the caller does not track it, e.g. the CLI without a running proxy). */
  today: tokenUsageSchema.optional(),
});
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

export const createTokenArgsSchema = z.object({
  name: tokenNameSchema,
  limits: tokenLimitsSchema.optional(),
  allowFallbackKey: z.boolean().optional(),
});
export type CreateTokenArgs = z.infer<typeof createTokenArgsSchema>;

export const createdTokenSchema = z.object({
  /** The secret, shown this once: only its hash is kept. */
  token: z.string().startsWith(CLIENT_TOKEN_PREFIX),
  info: tokenInfoSchema,
});
export type CreatedToken = z.infer<typeof createdTokenSchema>;
