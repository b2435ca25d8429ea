import { z } from 'zod';
import { ruleWarningSchema } from './rule-checks';

/**
 * Whether the upstream API answers, as the proxy last found it: from real traffic (any HTTP
 * answer proves it reachable, a refused connection or a failed DNS lookup does not), and from a
 * cheap probe while no request has succeeded for a while.
 */
export const upstreamReachabilitySchema = z.object({
  /** null until the first call or probe says either way. */
  reachable: z.boolean().nullable(),
  /** Epoch ms of the latest HTTP answer from the upstream. */
  lastSuccessAt: z.number().nullable(),
  /** The latest failure to reach it (epoch ms and what happened), even when reached since. */
  lastError: z.object({ at: z.number(), message: z.string() }).nullable(),
  /** Epoch ms of the first failure of the current outage; null while reachable or not known. */
  unreachableSince: z.number().nullable(),
});
export type UpstreamReachability = z.infer<typeof upstreamReachabilitySchema>;

/** How often the proxy probes an upstream that has not answered a request for a while. */
export const UPSTREAM_PROBE_INTERVAL_MS = 30_000;

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
  /** What is wrong with the rules now (unknown models, drafts that keep failing, thresholds no draft reaches). */
  ruleWarnings: z.array(ruleWarningSchema).optional(),
  /**
   * Shared services this replica cannot use right now (a team's Redis or database), one sentence
   * each: shown while the problem lasts, gone once it is solved (unlike `warnings`).
   */
  outages: z.array(z.string()).optional(),
  /** Whether the upstream answers (absent from proxies that do not track it). */
  upstream: upstreamReachabilitySchema.optional(),
  /**
   * Listening beyond loopback: the URLs other machines reach the proxy at (the machine's own
   * addresses when it listens on all of them). `baseUrl` stays the one for this machine.
   */
  networkUrls: z.array(z.string()).optional(),
});
export type ProxyStatus = z.infer<typeof proxyStatusSchema>;

/**
 * GET /health. Always HTTP 200 while the proxy serves (a restart fixes neither an unreachable
 * upstream nor a repaired store): `degraded` with its `reasons` when the upstream cannot be
 * reached or there are warnings to read in the dashboard.
 */
export const healthSchema = z.object({
  status: z.enum(['healthy', 'degraded']),
  /** Why degraded, one sentence each; empty when healthy. */
  reasons: z.array(z.string()),
  version: z.string(),
  uptime_seconds: z.number().int().nonnegative(),
  /** The upstream's URL. */
  upstream: z.string(),
  /** null until the first call or probe says either way. */
  upstream_reachable: z.boolean().nullable(),
  /** ISO 8601 time of the latest HTTP answer from the upstream. */
  upstream_last_success: z.string().nullable(),
  upstream_last_error: z.object({ time: z.string(), message: z.string() }).nullable(),
  /** How many warnings the status carries (store repairs, failed writes; their text is in the dashboard). */
  warnings: z.number().int().nonnegative(),
  rules: z.number().int().nonnegative(),
  paused: z.boolean(),
});
export type Health = z.infer<typeof healthSchema>;
