import { z } from 'zod';
import { modelPriceSchema } from './pricing';
import { tokenLimitsSchema } from './tokens';

/**
 * Limits per client key for requests without a client token, counted by the key's hash (never
 * the key). A daily spend cap needs a token: records name tokens, never keys.
 */
export const keyLimitsSchema = z.strictObject(tokenLimitsSchema.pick({ requestsPerMinute: true, concurrentStreams: true }).shape);
export type KeyLimits = z.infer<typeof keyLimitsSchema>;

export const httpUrlSchema = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }))
  .transform((value) => value.replace(/\/+$/, ''));

const fields = {
  host: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(255)
    .regex(/^[\w.:\-[\]%]+$/, 'must be a host name or IP address'),
  port: z.number().int().min(1).max(65535),
  upstreamUrl: httpUrlSchema,
  /** Global pause: every request passes through. */
  paused: z.boolean(),
  startAtLogin: z.boolean(),
  /** Model id or family pattern (with `*`) -> price override. */
  priceOverrides: z.record(z.string().trim().min(1), modelPriceSchema),
  /** Log prompt text? Off by default. */
  logPrompts: z.boolean(),
  /**
   * `cost_aware`: draft only when drafting is expected to cost clearly less than going straight
   * to the requested model (prompt-cache state, acceptance rate); `always`: draft whenever a rule matches.
   */
  draftPolicy: z.enum(['cost_aware', 'always']),
  /** Loopback clients only: check drafts' tool calls against the files they name (read-only, bounded). */
  grounding: z.boolean(),
  /** After an accepted draft's tool call comes back failed, skip drafting this many requests of that conversation. */
  escalateAfterFailure: z.number().int().min(0).max(50),
  /** Off (empty) by default. */
  keyLimits: keyLimitsSchema,
};

// Stored settings from before keyLimits existed read as `{}` (patches leave it out unless sent).
export const settingsSchema = z.object({ ...fields, keyLimits: fields.keyLimits.default({}) });
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  host: '127.0.0.1',
  port: 8000,
  upstreamUrl: 'https://api.anthropic.com',
  paused: false,
  startAtLogin: false,
  priceOverrides: {},
  logPrompts: false,
  draftPolicy: 'cost_aware',
  grounding: true,
  escalateAfterFailure: 2,
  keyLimits: {},
});

export const API_KEY_STORAGE = ['os-keyring', 'basic_text', 'memory', 'env'] as const;
export type ApiKeyStorage = (typeof API_KEY_STORAGE)[number];

/** Settings as any UI may see them: the API key itself never leaves the main side. */
export const publicSettingsSchema = settingsSchema.extend({
  apiKeySet: z.boolean(),
  /** Where a saved API key lives; `basic_text` and `memory` are shown as warnings. */
  apiKeyStorage: z.enum(API_KEY_STORAGE),
  /** Values forced by environment variables (shown read-only). */
  lockedByEnv: z.array(settingsSchema.keyof()),
});
export type PublicSettings = z.infer<typeof publicSettingsSchema>;

/** Fields only PublicSettings carries: a UI that sends its whole settings object back is not an error. */
const readOnlyFields = { apiKeySet: z.unknown(), apiKeyStorage: z.unknown(), lockedByEnv: z.unknown() };

export const settingsPatchSchema = z
  .strictObject({ ...fields, ...readOnlyFields })
  .partial()
  .transform(({ apiKeySet: _a, apiKeyStorage: _b, lockedByEnv: _c, ...patch }) => patch);
export type SettingsPatch = z.output<typeof settingsPatchSchema>;

/** Write-only: null clears the saved key. */
export const apiKeySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty (send null to clear the key)')
  .max(1000)
  .regex(/^\S+$/, 'must not contain spaces')
  .nullable();
