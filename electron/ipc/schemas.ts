// Payload schemas for every IPC channel: main parses each request with these before
// it reaches the control API, so a compromised or buggy renderer cannot send shapes
// the contract does not allow. Semantic checks (duplicate rule ids, reachable
// upstream, …) stay in the control API, which both transports share.
import { z } from 'zod';
import type { InvokeMethod, RequestOf } from './contract';

const modelId = z.string().trim().min(1).max(200);

const modelPrice = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheWrite5m: z.number().nonnegative(),
  cacheWrite1h: z.number().nonnegative(),
  cacheRead: z.number().nonnegative(),
});

const cascadeRule = z.strictObject({
  id: z.string().min(1).max(100),
  match: modelId,
  draftModel: modelId,
  verifierModel: modelId.nullable(),
  threshold: z.number().min(0).max(1),
  enabled: z.boolean(),
});

const settingsPatch = z.strictObject({
  host: z.string().trim().min(1).max(255).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  upstreamUrl: z.url({ protocol: /^https?$/ }).optional(),
  paused: z.boolean().optional(),
  startAtLogin: z.boolean().optional(),
  priceOverrides: z.record(modelId, modelPrice).optional(),
  logPrompts: z.boolean().optional(),
});

const decisionQuery = z.strictObject({
  limit: z.number().int().min(1).max(10_000).optional(),
  decision: z.enum(['passthrough', 'accepted', 'escalated', 'draft_error']).optional(),
});

const none = z.tuple([]);

export const requestSchemas = {
  getStatus: none,
  getStats: none,
  getDecisions: z.union([z.tuple([]), z.tuple([decisionQuery])]),
  getRules: none,
  saveRules: z.tuple([z.array(cascadeRule).max(200)]),
  getSettings: none,
  updateSettings: z.tuple([settingsPatch]),
  setApiKey: z.tuple([z.string().trim().min(1).max(1000).nullable()]),
  getClaudeCodeState: none,
  configureClaudeCode: none,
  removeClaudeCode: none,
  copyBaseUrl: none,
  setStartAtLogin: z.tuple([z.boolean()]),
} satisfies { [M in InvokeMethod]: z.ZodType<RequestOf<M>, unknown> };
