// The one control API of the product: every method with its argument and result schemas
// and its HTTP route. The proxy implements it once; the Express router, the renderer's HTTP
// client and the Electron IPC bridge are all built from this table, and the `satisfies`
// clauses make the compile fail when a method lacks a route or a route names no method.
import { z } from 'zod';
import { decisionQuerySchema, decisionRecordSchema } from './decision';
import type { ControlEvent, Unsubscribe } from './events';
import { rulesSchema } from './rules';
import { apiKeySchema, publicSettingsSchema, settingsPatchSchema } from './settings';
import {
  conversationSummaryQuerySchema,
  conversationSummarySchema,
  spendingQuerySchema,
  spendingSchema,
  statsSnapshotSchema,
  statusLineQuerySchema,
  statusLineSchema,
} from './stats';
import { proxyStatusSchema } from './status';
import { qualityStatsSchema } from './quality';
import { ruleChecksSchema } from './rule-checks';
import { createdTokenSchema, createTokenArgsSchema, tokenInfoSchema, tokenNameSchema } from './tokens';

export interface MethodContract {
  /** Positional arguments, validated wherever they cross a boundary. */
  args: z.ZodType;
  result: z.ZodType;
}

export const controlMethods = {
  getStatus: { args: z.tuple([]), result: proxyStatusSchema },
  getStats: { args: z.tuple([]), result: statsSnapshotSchema },
  /**
   * Forgets every request: totals, history, the decision log, spending per conversation and
   * quality measurements. Rules, settings and the saved key are kept.
   */
  resetStats: { args: z.tuple([]), result: statsSnapshotSchema },
  /** Top conversations and projects by cost and by savings over a period. */
  getSpending: { args: z.tuple([spendingQuerySchema.optional()]), result: spendingSchema },
  /** One conversation's money and today's (Claude Code's status line asks for this). */
  getConversationSummary: { args: z.tuple([conversationSummaryQuerySchema.optional()]), result: conversationSummarySchema },
  /** Claude Code's status line for a session: that summary as one line of text. */
  getStatusLine: { args: z.tuple([statusLineQuerySchema.optional()]), result: statusLineSchema },
  getDecisions: { args: z.tuple([decisionQuerySchema.optional()]), result: z.array(decisionRecordSchema) },
  /** Per rule and action class: later failures, shadow agreement and its cost, the threshold that would meet the target. */
  qualityStats: { args: z.tuple([]), result: qualityStatsSchema },
  getRules: { args: z.tuple([]), result: rulesSchema },
  /** Each rule's models checked against the upstream's list and the price table, and its thresholds against its recent drafts. */
  getRuleChecks: { args: z.tuple([]), result: ruleChecksSchema },
  /** Replaces the whole list (add, edit, delete, reorder); effective on the next request. */
  saveRules: { args: z.tuple([rulesSchema]), result: rulesSchema },
  getSettings: { args: z.tuple([]), result: publicSettingsSchema },
  updateSettings: { args: z.tuple([settingsPatchSchema]), result: publicSettingsSchema },
  /** Write-only: null clears the saved key. */
  setApiKey: { args: z.tuple([apiKeySchema]), result: publicSettingsSchema },
  /** Client tokens with their limits and today's use; never a secret or its hash. */
  listTokens: { args: z.tuple([]), result: z.array(tokenInfoSchema) },
  /** The secret is in this answer only. A name already in use is a 409. */
  createToken: { args: z.tuple([createTokenArgsSchema]), result: createdTokenSchema },
  /** Effective on the next request; an unknown name is a 404. The tokens left. */
  revokeToken: { args: z.tuple([tokenNameSchema]), result: z.array(tokenInfoSchema) },
} as const satisfies Record<string, MethodContract>;

export type ControlMethod = keyof typeof controlMethods;
export const controlMethodNames = Object.keys(controlMethods) as ControlMethod[];

/** The typed signature of each method: arguments and result as their schemas output them. */
export type ApiOf<T extends Record<string, MethodContract>> = {
  [M in keyof T]: (...args: z.output<T[M]['args']> & unknown[]) => Promise<z.output<T[M]['result']>>;
};

export type ControlApi = ApiOf<typeof controlMethods> & {
  /** Live events; stats events arrive at most a few times per second. */
  subscribe(listener: (event: ControlEvent) => void): Unsubscribe;
};

/**
 * How a method travels over HTTP under /api. `query`: the one argument (an object) as the
 * query string; `body`: the one argument as the JSON body; `{ field }`: the one argument
 * as a field of a JSON object body.
 */
export interface HttpRoute {
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  path: `/${string}`;
  input?: 'query' | 'body' | { field: string };
}

export const controlRoutes = {
  getStatus: { method: 'GET', path: '/status' },
  getStats: { method: 'GET', path: '/stats' },
  resetStats: { method: 'POST', path: '/stats/reset' },
  getSpending: { method: 'GET', path: '/spending', input: 'query' },
  getConversationSummary: { method: 'GET', path: '/conversation-summary', input: 'query' },
  getStatusLine: { method: 'GET', path: '/statusline', input: 'query' },
  getDecisions: { method: 'GET', path: '/decisions', input: 'query' },
  qualityStats: { method: 'GET', path: '/quality' },
  getRules: { method: 'GET', path: '/rules' },
  getRuleChecks: { method: 'GET', path: '/rule-checks' },
  saveRules: { method: 'PUT', path: '/rules', input: 'body' },
  getSettings: { method: 'GET', path: '/settings' },
  updateSettings: { method: 'PATCH', path: '/settings', input: 'body' },
  setApiKey: { method: 'PUT', path: '/api-key', input: { field: 'key' } },
  listTokens: { method: 'GET', path: '/tokens' },
  createToken: { method: 'POST', path: '/tokens', input: 'body' },
  revokeToken: { method: 'POST', path: '/tokens/revoke', input: { field: 'name' } },
} as const satisfies { [M in ControlMethod]: HttpRoute };

/** Where the admin API lives, and its live event stream (Server-Sent Events). */
export const CONTROL_API_PREFIX = '/api';
export const CONTROL_EVENTS_PATH = '/events';

/** The method's arguments from a request (server side); undefined for a missing one. */
export function routeArgs(route: HttpRoute, input: { query: Record<string, unknown>; body: unknown }): unknown[] {
  if (!route.input) return [];
  if (route.input === 'query') return [input.query];
  if (route.input === 'body') return [input.body];
  const body = input.body as Record<string, unknown> | null;
  return [body && typeof body === 'object' && route.input.field in body ? body[route.input.field] : undefined];
}

/** The request for the method's arguments (client side): the inverse of routeArgs. */
export function routeRequest(route: HttpRoute, args: readonly unknown[]): { query: Record<string, string>; body?: unknown } {
  const [arg] = args;
  if (!route.input) return { query: {} };
  if (route.input === 'body') return { query: {}, body: arg };
  if (typeof route.input === 'object') return { query: {}, body: { [route.input.field]: arg } };
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries((arg ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) query[key] = String(value);
  }
  return { query };
}
