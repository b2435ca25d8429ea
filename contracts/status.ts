import { z } from 'zod';

export const proxyStatusSchema = z.object({
  state: z.enum(['starting', 'running', 'error', 'stopped']),
  /** e.g. http://127.0.0.1:8000 */
  baseUrl: z.string(),
  paused: z.boolean(),
  upstreamUrl: z.string(),
  /** Human-readable problem, e.g. "Port 8000 is already in use". */
  error: z.string().nullable(),
  version: z.string(),
  startedAt: z.number().nullable(),
  /** Problems worth showing but not fatal, e.g. a corrupt store that was backed up and reset. */
  warnings: z.array(z.string()).optional(),
});
export type ProxyStatus = z.infer<typeof proxyStatusSchema>;

/** GET /health. */
export const healthSchema = z.object({
  status: z.literal('healthy'),
  version: z.string(),
  uptime_seconds: z.number().int().nonnegative(),
  upstream: z.string(),
  rules: z.number().int().nonnegative(),
  paused: z.boolean(),
});
export type Health = z.infer<typeof healthSchema>;
