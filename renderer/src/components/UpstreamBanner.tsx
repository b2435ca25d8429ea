// The upstream does not answer: every request fails until it does, whichever view is open.
// Only a definite "no" shows (null is "not known yet").
import type { ProxyStatus } from '../../../contracts/status';
import { formatTime } from '../lib/format';

/** How often the proxy probes an idle upstream (PROBE_INTERVAL_MS in proxy/ops/upstream-health.ts). */
const PROBE_PERIOD = '30 s';

/**
 * The status carries the last answer and the latest failure, not when the outage began (the
 * latest failure moves with every probe), so the banner names those two times.
 */
export function upstreamProblem(status: Pick<ProxyStatus, 'upstream' | 'upstreamUrl'>, now = Date.now()): string | null {
  const upstream = status.upstream;
  if (upstream?.reachable !== false) return null;
  const answered = upstream.lastSuccessAt === null ? 'never' : formatTime(upstream.lastSuccessAt, now);
  const failure = upstream.lastError ? `; latest failure ${formatTime(upstream.lastError.at, now)}: ${upstream.lastError.message}` : '';
  return (
    `Upstream ${status.upstreamUrl} unreachable (last answered ${answered}${failure}). ` +
    `Requests fail until it answers (checked every ${PROBE_PERIOD} while idle).`
  );
}

export function UpstreamBanner({ status }: { status: ProxyStatus }) {
  const problem = upstreamProblem(status);
  return problem ? (
    <p className="note note-bad warning-banner" role="alert" data-testid="upstream-banner">
      {problem}
    </p>
  ) : null;
}
