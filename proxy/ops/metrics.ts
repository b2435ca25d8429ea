// GET /metrics in Prometheus' text format (prom-client), fed from the decision records the
// sink hands over, never from the request path itself. Label values are bounded: decisions and
// failure kinds are closed sets, and a requested model is its own label only when the price
// table knows it, up to MAX_MODEL_LABELS of them; every other id is counted as "other", so a
// client inventing model ids cannot grow the output. Process metrics (memory, CPU, event loop,
// file descriptors) come from one registry per process, merged in at each scrape.
// prom-client (about 90 modules with @opentelemetry/api) loads at the first record or scrape,
// not at start: the idle proxy is ~1 MB smaller. Records come after their answer, so the first
// request does not wait for the load; one arriving during it does (tens of ms, once). What is
// observed before it has loaded is applied, in order, once it has.
import type * as PromClientModule from 'prom-client';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallRecord, DecisionRecord, FailureKind } from '../../contracts/decision';
import type { UpstreamReachability } from '../../contracts/status';

type PromClient = typeof PromClientModule;

export const MAX_MODEL_LABELS = 50;
export const OTHER_MODEL = 'other';
/** What a model id must look like to become a label at all. */
const LABEL_SAFE = /^[\w.:@/-]{1,100}$/;

/** Failures that are the upstream's (a draft skipped, a client gone or the proxy's own bug are not). */
const UPSTREAM_FAILURES: ReadonlySet<FailureKind> = new Set(['timeout', 'network', 'http_status', 'error_event', 'broken_stream', 'invalid_response']);

/** Seconds: from a cached answer to a long generation. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface ProxyMetricsOptions {
  version: string;
  /** The price table knows this model (the user's overrides included). */
  priced(model: string): boolean;
  upstream(): UpstreamReachability;
}

let processRegistry: Registry | null = null;

/** Default metrics observe the process, so one set per process, however many proxies it runs. */
function processMetrics(prom: PromClient): Registry {
  if (!processRegistry) {
    processRegistry = new prom.Registry();
    prom.collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const seconds = (ms: number) => ms / 1000;

export class ProxyMetrics {
  private instruments: Instruments | null = null;
  private loading: Promise<Instruments> | null = null;
  /** What came before prom-client had loaded. */
  private early: Array<(instruments: Instruments) => void> = [];
  /** prom-client failed to load (a broken install): records are not kept for it. */
  private unloadable = false;

  constructor(private readonly options: ProxyMetricsOptions) {}

  observe(record: DecisionRecord): void {
    this.use((instruments) => instruments.observe(record));
  }

  /**
   * A store that buffers records while its database is away (proxy/team/postgres/): how many
   * wait, and how many were dropped over its caps (a counter the store keeps; read at scrape).
   */
  watchStore(read: () => { buffered: number; dropped: number }): void {
    this.use((instruments) => instruments.watchStore(read));
  }

  /** The text a scrape answers with, and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    const { prom, registry } = await this.load();
    return { contentType: registry.contentType, text: await prom.Registry.merge([processMetrics(prom), registry]).metrics() };
  }

  private use(apply: (instruments: Instruments) => void): void {
    if (this.instruments) applySafely(apply, this.instruments);
    else if (!this.unloadable) {
      this.early.push(apply);
      // A failed load is the scrape's to report (a 500 naming it), not an unhandled rejection here.
      this.load().catch(() => {});
    }
  }

  private load(): Promise<Instruments> {
    this.loading ??= import('prom-client').then(
      (prom) => {
        const instruments = new Instruments(prom, this.options);
        this.instruments = instruments;
        for (const apply of this.early) applySafely(apply, instruments);
        this.early = [];
        return instruments;
      },
      (error: unknown) => {
        // Nothing will apply what waits: it is let go rather than kept for every later request.
        this.unloadable = true;
        this.early = [];
        throw error;
      },
    );
    return this.loading;
  }
}

/**
 * A record prom-client refuses (a value that is not a finite number) costs its own metrics only:
 * metrics are a side channel, and the decision sink that feeds them must go on with the record.
 */
function applySafely(apply: (instruments: Instruments) => void, instruments: Instruments): void {
  try {
    apply(instruments);
  } catch {
    // Dropped: whatever of it prom-client had counted before refusing stays counted.
  }
}

/** The registry and its metrics, made once prom-client has loaded. */
class Instruments {
  readonly registry: Registry;
  private readonly models = new Set<string>();
  private readonly requests: Counter<'decision' | 'model'>;
  private readonly latency: Histogram<'decision'>;
  private readonly ttfb: Histogram<'decision'>;
  private readonly cost: Counter;
  private readonly baseline: Counter;
  private readonly savings: Gauge;
  private readonly upstreamErrors: Counter<'leg' | 'kind'>;
  private readonly retries: Counter<'leg'>;

  constructor(
    readonly prom: PromClient,
    private readonly options: ProxyMetricsOptions,
  ) {
    const { Counter, Gauge, Histogram } = prom;
    this.registry = new prom.Registry();
    const registers = [this.registry];
    new Gauge({ name: 'cascadeflow_info', help: 'The proxy version (always 1).', labelNames: ['version'], registers }).set({ version: options.version }, 1);
    this.requests = new Counter({
      name: 'cascadeflow_requests_total',
      help: `Requests by decision and requested model (ids the price table does not know, and any beyond ${MAX_MODEL_LABELS}, count as "${OTHER_MODEL}").`,
      labelNames: ['decision', 'model'],
      registers,
    });
    this.latency = new Histogram({
      name: 'cascadeflow_request_duration_seconds',
      help: 'Time from the request to the last byte of its answer, by decision.',
      labelNames: ['decision'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttfb = new Histogram({
      name: 'cascadeflow_time_to_first_byte_seconds',
      help: 'Time from the request to the first byte sent to the client, by decision (requests that sent nothing are left out).',
      labelNames: ['decision'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.cost = new Counter({ name: 'cascadeflow_cost_dollars_total', help: 'What the requests cost, every upstream call included (requests of unknown price left out).', registers });
    this.baseline = new Counter({
      name: 'cascadeflow_baseline_cost_dollars_total',
      help: 'What the requested models alone would have cost (requests of unknown price left out).',
      registers,
    });
    this.savings = new Gauge({
      name: 'cascadeflow_savings_dollars',
      help: 'Net savings since the proxy started: baseline minus cost per request where both are known (escalations lower it, hence a gauge).',
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'cascadeflow_upstream_errors_total',
      help: 'Upstream calls that failed, by leg (draft, or verifier: the requested model) and failure kind.',
      labelNames: ['leg', 'kind'],
      registers,
    });
    this.retries = new Counter({ name: 'cascadeflow_upstream_retries_total', help: 'Retries of upstream calls the proxy made, by leg.', labelNames: ['leg'], registers });
    const { upstream } = options;
    new Gauge({
      name: 'cascadeflow_upstream_up',
      help: 'Whether the upstream answers (0 once a call or probe could not reach it, until one does again).',
      registers,
      collect() {
        this.set(upstream().reachable === false ? 0 : 1);
      },
    });
    new Gauge({
      name: 'cascadeflow_upstream_last_success_timestamp_seconds',
      help: 'When the upstream last answered (Unix time; 0 before the first answer).',
      registers,
      collect() {
        this.set(seconds(upstream().lastSuccessAt ?? 0));
      },
    });
  }

  observe(record: DecisionRecord): void {
    const { decision } = record;
    this.requests.inc({ decision, model: this.modelLabel(record.requestedModel) });
    this.latency.observe({ decision }, seconds(record.latencyMs));
    if (record.ttfbMs !== null) this.ttfb.observe({ decision }, seconds(record.ttfbMs));
    if (record.cost !== null && record.cost >= 0) this.cost.inc(record.cost);
    if (record.baselineCost !== null && record.baselineCost >= 0) this.baseline.inc(record.baselineCost);
    if (record.savings !== null) this.savings.inc(record.savings);
    this.observeCall('draft', record.draft);
    this.observeCall('verifier', record.verifier);
  }

  watchStore(read: () => { buffered: number; dropped: number }): void {
    const registers = [this.registry];
    const { Counter, Gauge } = this.prom;
    new Gauge({
      name: 'cascadeflow_store_buffered_records',
      help: 'Decision records (and amendments) waiting in the journal for the team database.',
      registers,
      collect() {
        this.set(read().buffered);
      },
    });
    let counted = 0;
    new Counter({
      name: 'cascadeflow_store_dropped_records_total',
      help: "Decision records dropped because the team store's journal was full while the database was away.",
      registers,
      collect() {
        const { dropped } = read();
        this.inc(dropped - counted);
        counted = dropped;
      },
    });
  }

  private observeCall(leg: 'draft' | 'verifier', call: CallRecord | undefined): void {
    if (!call) return;
    if (call.failure && UPSTREAM_FAILURES.has(call.failure.kind)) this.upstreamErrors.inc({ leg, kind: call.failure.kind });
    // Set by the retrying client on the calls the proxy adds (absent where none were made).
    const { retries } = call;
    if (typeof retries === 'number' && retries > 0) this.retries.inc({ leg }, retries);
  }

  private modelLabel(model: string): string {
    if (this.models.has(model)) return model;
    if (this.models.size >= MAX_MODEL_LABELS || !LABEL_SAFE.test(model) || !this.options.priced(model)) return OTHER_MODEL;
    this.models.add(model);
    return model;
  }
}
