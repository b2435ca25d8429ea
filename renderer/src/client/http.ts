// The control API over HTTP (/api/*) and Server-Sent Events (/api/events), for the
// dashboard served by the proxy in a browser.
import type { ControlApi } from '../../../contracts/control-api';
import type { ControlEvent, Unsubscribe } from '../../../contracts/events';
import type { DecisionQuery } from '../../../contracts/decision';
import type { ProxyStatus } from '../../../contracts/status';
import type { PublicSettings } from '../../../contracts/settings';
import type { StatsSnapshot } from '../../../contracts/stats';
import type { CascadeRule } from '../../../contracts/rules';
import type { DecisionRecord } from '../../../contracts/decision';
import type { SettingsPatch } from '../../../contracts/settings';

export const EVENT_TYPES: ControlEvent['type'][] = ['decision', 'stats', 'status', 'rules', 'settings'];

/** An error the proxy answered with, in Anthropic's format. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface HttpClientOptions {
  /** Origin of the proxy; '' means the page's own origin. */
  baseUrl?: string;
  token?: string | null;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Delay before reopening a stream the browser gave up on (e.g. proxy restarted). */
  reconnectMs?: number;
}

export interface HttpControlClient extends ControlApi {
  /** Whether the live stream is connected; called on every change. */
  onConnection(listener: (connected: boolean) => void): Unsubscribe;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpControlClient {
  const baseUrl = options.baseUrl ?? '';
  const token = options.token ?? null;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  const reconnectMs = options.reconnectMs ?? 2000;

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (error) {
      throw new ApiError(0, 'network_error', `Cannot reach the proxy: ${(error as Error).message}`);
    }
    const text = await response.text();
    const parsed: unknown = text === '' ? null : safeJson(text);
    if (!response.ok) {
      const error = (parsed as { error?: { type?: string; message?: string } } | null)?.error;
      throw new ApiError(response.status, error?.type ?? 'api_error', error?.message ?? `HTTP ${response.status}`);
    }
    return parsed as T;
  }

  // One EventSource shared by every subscriber, open only while someone listens.
  const listeners = new Set<(event: ControlEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let source: EventSource | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let connected = false;

  function setConnected(value: boolean): void {
    if (value === connected) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  }

  function open(): void {
    const url = `${baseUrl}/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const es = new EventSourceImpl(url);
    source = es;
    es.addEventListener('open', () => setConnected(true));
    es.addEventListener('error', () => {
      setConnected(false);
      // The browser retries network drops itself but gives up on an HTTP error answer.
      if (es.readyState === EventSourceImpl.CLOSED && source === es) {
        source = null;
        reconnectTimer = setTimeout(() => {
          reconnectTimer = null;
          if (listeners.size > 0 && source === null) open();
        }, reconnectMs);
      }
    });
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (message) => {
        const event = safeJson((message as MessageEvent<string>).data) as ControlEvent | null;
        if (!event || event.type !== type) return;
        for (const listener of listeners) listener(event);
      });
    }
  }

  function close(): void {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    source?.close();
    source = null;
    setConnected(false);
  }

  const query = (q: DecisionQuery = {}): string => {
    const params = new URLSearchParams();
    if (q.limit !== undefined) params.set('limit', String(q.limit));
    if (q.decision) params.set('decision', q.decision);
    const text = params.toString();
    return text ? `?${text}` : '';
  };

  return {
    getStatus: () => request<ProxyStatus>('GET', '/api/status'),
    getStats: () => request<StatsSnapshot>('GET', '/api/stats'),
    getDecisions: (q?) => request<DecisionRecord[]>('GET', `/api/decisions${query(q)}`),
    getRules: () => request<CascadeRule[]>('GET', '/api/rules'),
    saveRules: (rules) => request<CascadeRule[]>('PUT', '/api/rules', rules),
    getSettings: () => request<PublicSettings>('GET', '/api/settings'),
    updateSettings: (patch: SettingsPatch) => request<PublicSettings>('PATCH', '/api/settings', patch),
    setApiKey: (key) => request<PublicSettings>('PUT', '/api/api-key', { key }),
    subscribe(listener) {
      listeners.add(listener);
      if (source === null && reconnectTimer === null) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) close();
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
