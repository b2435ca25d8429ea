import { z } from 'zod';
import { modelPriceSchema } from '../pricing/table';
import type { Settings } from '../types';

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  host: '127.0.0.1',
  port: 8000,
  upstreamUrl: 'https://api.anthropic.com',
  paused: false,
  startAtLogin: false,
  priceOverrides: {},
  logPrompts: false,
});

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

const fields = {
  host: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(255)
    .regex(/^[\w.:\-[\]%]+$/, 'must be a host name or IP address'),
  port: z.number().int().min(1).max(65535),
  upstreamUrl: httpUrl,
  paused: z.boolean(),
  startAtLogin: z.boolean(),
  priceOverrides: z.record(z.string().trim().min(1), modelPriceSchema),
  logPrompts: z.boolean(),
};

export const settingsSchema = z.object(fields);

/** Fields only PublicSettings carries: a UI that sends its whole settings object back is not an error. */
const readOnlyFields = { apiKeySet: z.unknown(), apiKeyStorage: z.unknown(), lockedByEnv: z.unknown() };

export const settingsPatchSchema = z
  .object({ ...fields, ...readOnlyFields })
  .partial()
  .strict()
  .transform(({ apiKeySet: _a, apiKeyStorage: _b, lockedByEnv: _c, ...patch }) => patch);

/** Environment variables that override (and lock) persisted settings. */
export const ENV_OVERRIDES = {
  host: 'HOST',
  port: 'PORT',
  upstreamUrl: 'CASCADEFLOW_UPSTREAM_URL',
} as const satisfies Partial<Record<keyof Settings, string>>;

export type EnvOverrides = Partial<Pick<Settings, keyof typeof ENV_OVERRIDES>>;

/**
 * Reads the overrides; a malformed value is a startup error (a silent fallback would
 * listen or forward somewhere the user did not ask for). PORT=0 picks a free port.
 */
export function readEnvOverrides(env: NodeJS.ProcessEnv): EnvOverrides {
  const out: EnvOverrides = {};
  if (env.HOST?.trim()) out.host = env.HOST.trim();
  if (env.PORT?.trim()) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
    }
    out.port = port;
  }
  if (env.CASCADEFLOW_UPSTREAM_URL?.trim()) {
    const parsed = httpUrl.safeParse(env.CASCADEFLOW_UPSTREAM_URL);
    if (!parsed.success) {
      throw new Error(`CASCADEFLOW_UPSTREAM_URL must be an http:// or https:// URL, got "${env.CASCADEFLOW_UPSTREAM_URL}"`);
    }
    out.upstreamUrl = parsed.data;
  }
  return out;
}
