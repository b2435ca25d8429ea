// The seam between the request path and the state side: the server gets a ProxyContext,
// the request path only its RequestPathDeps part; proxy/runtime.ts builds one, the
// Electron shell builds one with electron-store and safeStorage behind KeyValueStore and
// SecretStore (proxy/state/stores.ts).
import type { ControlApi } from '../contracts/control-api';
import type { ProxyStatus } from '../contracts/status';
import type { Ops } from './ops/ops';
import type { DecisionRecord } from '../contracts/decision';
import type { PromptSource, RequestPathDeps } from './request/deps';

export interface ProxyContext extends RequestPathDeps {
  /** A decision through the whole sink (keep, then publish), as the request path records one. */
  record(record: DecisionRecord, body?: PromptSource): void;
  readonly control: ControlApi;
  /** Upstream reachability (its idle probe runs while a server listens) and the metrics. */
  readonly ops: Ops;
  /** The server lifecycle reports running / error here; shown by every UI. */
  setStatus(status: Partial<ProxyStatus>): void;
  /** Write batched state now (on quit). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
