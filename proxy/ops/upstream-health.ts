// Whether the upstream answers, for /health, the status (tray, dashboard) and /metrics. Learnt
// from real traffic (the decision sink hands every record over) and, while no request has
// succeeded for a while, from a cheap probe: GET <upstream>/v1/models without a key. Any HTTP
// answer proves the upstream reachable (401 included); a refused connection, a failed DNS
// lookup or a probe without an answer in time does not. A slow or timed-out request is not
// counted either way: its deadline is the proxy's own choice (the draft timeout).
import type { CallRecord, DecisionRecord } from '../../contracts/decision';
import { UPSTREAM_PROBE_INTERVAL_MS, type UpstreamReachability } from '../../contracts/status';
import { sendUpstream } from '../upstream/client';
import { describeError } from '../upstream/failures';

/** How long without a successful call before a probe, and the probe's period while that lasts. */
export const PROBE_INTERVAL_MS = UPSTREAM_PROBE_INTERVAL_MS;
/** The probe's bound: an upstream that takes longer to answer a model list counts as unreachable. */
export const PROBE_TIMEOUT_MS = 5_000;

export interface UpstreamHealthOptions {
  upstreamUrl(): string;
  /** When `reachable` changes (not on every success): the status event carries it. */
  onChange(): void;
  intervalMs?: number;
  timeoutMs?: number;
  /** Resolves on any HTTP answer, rejects when none came. Default: GET <upstream>/v1/models. */
  probe?(upstreamUrl: string, signal: AbortSignal): Promise<void>;
  now?(): number;
}

const UNKNOWN: UpstreamReachability = { reachable: null, lastSuccessAt: null, lastError: null, unreachableSince: null };

async function probeModelList(upstreamUrl: string, signal: AbortSignal): Promise<void> {
  const res = await sendUpstream({ baseUrl: upstreamUrl, pathAndQuery: '/v1/models', method: 'GET', headers: {}, signal });
  // Only that an answer came matters; reading it (a short list or error, within the probe's
  // deadline) frees the connection for reuse.
  await res.body.text();
}

/** What one upstream call says about reachability: reached, not reached, or nothing. */
function callOutcome(call: CallRecord | undefined): 'up' | 'down' | null {
  if (!call) return null;
  if (call.status > 0) return 'up';
  return call.failure?.kind === 'network' ? 'down' : null;
}

export class UpstreamHealth {
  private state: UpstreamReachability = UNKNOWN;
  /**
   * The upstream the state is about: a changed URL starts again from unknown. Read on first
   * use, not when constructed: settings are still being loaded then.
   */
  private stateUrl: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private probing: AbortController | null = null;
  private running = false;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly probe: (upstreamUrl: string, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: UpstreamHealthOptions) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? PROBE_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
    this.probe = options.probe ?? probeModelList;
  }

  current(): UpstreamReachability {
    this.followUrl();
    const { lastError } = this.state;
    return { ...this.state, lastError: lastError && { ...lastError } };
  }

  /** A finished request: the last of its calls that says anything decides (the verifier comes after the draft). */
  observe(record: DecisionRecord): void {
    const outcome = callOutcome(record.verifier) ?? callOutcome(record.draft);
    if (outcome === 'up') this.reached();
    else if (outcome === 'down') {
      const call = callOutcome(record.verifier) === 'down' ? record.verifier : record.draft;
      this.missed(call?.failure?.message ?? 'no answer');
    }
  }

  /** Probes every interval while no call has succeeded within one; the server calls this once it listens. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** No timer and no probe left behind. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.probing?.abort();
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    // Never what keeps a process alive: the server does that.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    const { lastSuccessAt } = this.current();
    if (lastSuccessAt === null || this.now() - lastSuccessAt >= this.intervalMs) await this.probeOnce();
    if (this.running) this.schedule();
  }

  private async probeOnce(): Promise<void> {
    const controller = new AbortController();
    this.probing = controller;
    const deadline = setTimeout(() => controller.abort(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    // Bounded even if the probe itself ignored its signal.
    const cut = new Promise<never>((_resolve, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error)));
    try {
      await Promise.race([this.probe(this.options.upstreamUrl(), controller.signal), cut]);
      if (this.running) this.reached();
    } catch (error) {
      // stop() aborts without a reason of its own: that is no finding about the upstream.
      if (this.running) this.missed(`probe GET /v1/models: ${describeError(error)}`);
    } finally {
      clearTimeout(deadline);
      this.probing = null;
    }
  }

  private reached(): void {
    this.followUrl();
    this.update({ ...this.state, reachable: true, lastSuccessAt: this.now(), unreachableSince: null });
  }

  private missed(message: string): void {
    this.followUrl();
    const at = this.now();
    // An outage starts at its first failure; later probes only move the latest one.
    const unreachableSince = this.state.reachable === false ? this.state.unreachableSince : at;
    this.update({ ...this.state, reachable: false, lastError: { at, message }, unreachableSince });
  }

  private update(next: UpstreamReachability): void {
    const changed = next.reachable !== this.state.reachable;
    this.state = next;
    if (changed) this.options.onChange();
  }

  private followUrl(): void {
    const url = this.options.upstreamUrl();
    if (url === this.stateUrl) return;
    if (this.stateUrl !== null) this.state = UNKNOWN;
    this.stateUrl = url;
  }
}
