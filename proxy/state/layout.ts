// The persisted store layout, shared by the headless proxy (conf) and the desktop app
// (electron-store): one JSON file, `config.json` in the data dir, with these top-level keys.
// Bump SCHEMA_VERSION when a key's shape changes incompatibly; loading a file of another
// version backs it up and keeps whatever still validates (see persistence.ts). The desktop
// app keeps a few keys of its own beside these (encrypted API key, Claude Code setup);
// the loader leaves keys it does not know alone.
import { z } from 'zod';
import { rulesSchema } from '../../contracts/rules';
import { settingsSchema } from '../../contracts/settings';

export const SCHEMA_VERSION = 1;

export const STORE_KEYS = {
  /** number: SCHEMA_VERSION of the data below. */
  schemaVersion: 'schemaVersion',
  /** Settings (proxy/types.ts). */
  settings: 'settings',
  /** CascadeRule[], in priority order. */
  rules: 'rules',
  /** StatsData (proxy/stats/recorder.ts): totals all-time / today / per rule, bucketed history. */
  stats: 'stats',
  /** DecisionRecord[], oldest first, at most DECISION_LOG_SIZE. */
  decisions: 'decisions',
  /** Admin API token generated for non-loopback listening (not a secret worth a keyring: it only guards the local admin API). */
  adminToken: 'adminToken',
} as const;

export type StoreKey = (typeof STORE_KEYS)[keyof typeof STORE_KEYS];

const count = z.number().int().nonnegative();
const amount = z.number().finite();

const tokenCountsSchema = z.object({ input: count, output: count, cacheWrite: count, cacheRead: count });

export const totalsSchema = z.object({
  queries: count,
  cost: amount,
  baselineCost: amount,
  savings: amount,
  accepted: count,
  escalated: count,
  passthrough: count,
  draftErrors: count,
  unpricedQueries: count,
  tokens: tokenCountsSchema,
  modelsUsed: z.record(z.string(), count),
  costByModel: z.record(z.string(), amount),
});

const bucketSchema = totalsSchema
  .pick({ queries: true, cost: true, baselineCost: true, savings: true, accepted: true, escalated: true, passthrough: true, draftErrors: true })
  .extend({ start: z.number().int() });

export const statsDataSchema = z.object({
  allTime: totalsSchema,
  todayStart: z.number().int(),
  today: totalsSchema,
  byRule: z.record(z.string(), totalsSchema),
  history: z.object({ minute: z.array(bucketSchema), hour: z.array(bucketSchema), day: z.array(bucketSchema) }),
});

const signalSchema = z.looseObject({
  name: z.string(),
  penalty: z.number(),
  reason: z.string(),
  decisive: z.boolean().optional(),
});

const callSchema = z.looseObject({
  model: z.string(),
  status: z.number(),
  usage: z.looseObject({ input_tokens: z.number(), output_tokens: z.number() }).nullable(),
  cost: amount.nullable(),
  latencyMs: z.number(),
  error: z.string().optional(),
  usageEstimated: z.boolean().optional(),
});

/** Loose: fields added by later versions survive a round trip. */
export const decisionRecordSchema = z.looseObject({
  id: z.string(),
  time: z.number(),
  requestedModel: z.string(),
  answeringModel: z.string(),
  decision: z.enum(['passthrough', 'accepted', 'escalated', 'draft_error']),
  ruleId: z.string().nullable(),
  stream: z.boolean(),
  confidence: z.number().nullable(),
  threshold: z.number().nullable(),
  signals: z.array(signalSchema),
  tokens: tokenCountsSchema,
  cost: amount.nullable(),
  baselineCost: amount.nullable(),
  savings: amount.nullable(),
  latencyMs: z.number(),
  ttfbMs: z.number().nullable(),
  status: z.number(),
  draft: callSchema.optional(),
  verifier: callSchema.optional(),
  error: z.string().optional(),
  unpricedModels: z.array(z.string()).optional(),
});

export const persistedSchemas = {
  settings: settingsSchema,
  rules: rulesSchema,
  stats: statsDataSchema,
  adminToken: z.string().min(16),
} as const;
