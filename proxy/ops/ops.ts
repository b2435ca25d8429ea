// What running the proxy as a service needs beside the request path: the upstream's
// reachability (for /health and the status) and the Prometheus metrics. Both learn from the
// decision records the sink hands over; the server starts and stops the idle probe.
import type { DecisionRecord } from '../../contracts/decision';
import { ProxyMetrics } from './metrics';
import { UpstreamHealth, type UpstreamHealthOptions } from './upstream-health';

export interface Ops {
  readonly upstream: UpstreamHealth;
  readonly metrics: ProxyMetrics;
  /** Every decision record, once (from proxy/state/decision-sink.ts). */
  observe(record: DecisionRecord): void;
}

export interface OpsOptions extends Pick<UpstreamHealthOptions, 'upstreamUrl'> {
  version: string;
  priced(model: string): boolean;
  /** The upstream became reachable or unreachable. */
  onUpstreamChange(): void;
}

export function createOps(options: OpsOptions): Ops {
  const upstream = new UpstreamHealth({ upstreamUrl: options.upstreamUrl, onChange: options.onUpstreamChange });
  const metrics = new ProxyMetrics({ version: options.version, priced: options.priced, upstream: () => upstream.current() });
  return {
    upstream,
    metrics,
    observe(record) {
      upstream.observe(record);
      metrics.observe(record);
    },
  };
}
