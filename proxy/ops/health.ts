// GET /health's answer from the status: healthy, or degraded with the reasons (an upstream that
// cannot be reached, a shared service down, warnings waiting in the dashboard). Warnings are
// counted, not quoted: /health answers without a token beyond loopback, and their text names
// files and folders; outages are quoted, their text is written to say no more than what is down.
import type { Health, ProxyStatus } from '../../contracts/status';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toHealth(status: ProxyStatus, rules: number, now: number = Date.now()): Health {
  const upstream = status.upstream ?? { reachable: null, lastSuccessAt: null, lastError: null, unreachableSince: null };
  const warnings = status.warnings?.length ?? 0;
  const reasons: string[] = [];
  if (upstream.reachable === false) reasons.push(`upstream unreachable: ${upstream.lastError?.message ?? 'no answer'}`);
  reasons.push(...(status.outages ?? []));
  if (warnings > 0) reasons.push(`${warnings} ${warnings === 1 ? 'warning' : 'warnings'} to read in the dashboard or the log (store repairs, failed writes)`);
  return {
    status: reasons.length > 0 ? 'degraded' : 'healthy',
    reasons,
    version: status.version,
    uptime_seconds: status.startedAt === null ? 0 : Math.max(0, Math.floor((now - status.startedAt) / 1000)),
    upstream: status.upstreamUrl,
    upstream_reachable: upstream.reachable,
    upstream_last_success: iso(upstream.lastSuccessAt),
    upstream_last_error: upstream.lastError && { time: new Date(upstream.lastError.at).toISOString(), message: upstream.lastError.message },
    warnings,
    rules,
    paused: status.paused,
  };
}
