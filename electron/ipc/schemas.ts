// Payload schemas for every IPC channel: main parses each request with these before
// it reaches the control API, so a compromised or buggy renderer cannot send shapes
// the contract does not allow. Rules and settings reuse the state layer's own schemas.
import { z } from 'zod';
import { rulesSchema } from '../../proxy/rules/schema';
import { settingsPatchSchema } from '../../proxy/state/settings';
import type { InvokeMethod, RequestOf } from './contract';

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
  saveRules: z.tuple([rulesSchema]),
  getSettings: none,
  updateSettings: z.tuple([settingsPatchSchema]),
  setApiKey: z.tuple([z.string().trim().min(1).max(1000).nullable()]),
  getClaudeCodeState: none,
  configureClaudeCode: none,
  removeClaudeCode: none,
  copyBaseUrl: none,
  setStartAtLogin: z.tuple([z.boolean()]),
} satisfies { [M in InvokeMethod]: z.ZodType<RequestOf<M>, unknown> };
