// The seam between the request path and the state side: the server gets a ProxyContext,
// the request path only its RequestPathDeps part; proxy/runtime.ts builds one, the
// Electron shell builds one with electron-store and safeStorage behind the two small
// interfaces below.
import type { ControlApi } from '../contracts/control-api';
import type { ApiKeyStorage } from '../contracts/settings';
import type { ProxyStatus } from '../contracts/status';
import type { RequestPathDeps } from './request/deps';

/** What conf (Node) and electron-store (Electron) both offer. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  readonly path: string;
}

/** Where the optional fallback API key lives. Never plain text on disk. */
export interface SecretStore {
  readonly kind: ApiKeyStorage;
  get(): string | null;
  set(key: string | null): void;
}

export interface ProxyContext extends RequestPathDeps {
  readonly control: ControlApi;
  /** The server lifecycle reports running / error here; shown by every UI. */
  setStatus(status: Partial<ProxyStatus>): void;
  /** Write batched state now (on quit). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
