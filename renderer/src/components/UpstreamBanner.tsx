// The upstream does not answer: every request fails until it does, whichever view is open.
// Only a definite "no" shows (null is "not known yet").
import { UPSTREAM_PROBE_INTERVAL_MS, type ProxyStatus } from '../../../contracts/status';
import { formatTime } from '../lib/format';

/** When the outage began, when the upstream last answered, and the latest failure in words. */
export function upstreamProblem(status: Pick<ProxyStatus, 'upstream' | 'upstreamUrl'>, now = Date.now()): string | null {
  const upstream = status.upstream;
  if (upstream?.reachable !== false) return null;
  const since = upstream.unreachableSince === null ? '' : ` since ${formatTime(upstream.unreachableSince, now)}`;
  const answered = upstream.lastSuccessAt === null ? 'never' : formatTime(upstream.lastSuccessAt, now);
  const failure = upstream.lastError ? `; latest failure ${formatTime(upstream.lastError.at, now)}: ${upstream.lastError.message}` : '';
  return (
    `Upstream ${status.upstreamUrl} unreachable${since} (last answered ${answered}${failure}). ` +
    `Requests fail until it answers (checked every ${UPSTREAM_PROBE_INTERVAL_MS / 1000} s while idle).`
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
