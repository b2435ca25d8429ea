// The control API over HTTP (/api/*) and Server-Sent Events (/api/events), for the
// dashboard served by the proxy in a browser. Every method's request is built from its
// route in the contract's table, and every answer is checked against the method's result
// schema: a proxy that answers something else is an error, never a silently wrong view.
import {
  CONTROL_API_PREFIX,
  CONTROL_EVENTS_PATH,
  controlMethodNames,
  controlMethods,
  controlRoutes,
  routeRequest,
  type ApiOf,
  type ControlApi,
  type ControlMethod,
  type HttpRoute,
} from '../../../contracts/control-api';
import { controlEventSchema, type ControlEvent, type Unsubscribe } from '../../../contracts/events';

/** Every method has a route: a method without one fails to compile here too. */
const routes: { readonly [M in ControlMethod]: HttpRoute } = controlRoutes;

export const EVENT_TYPES = controlEventSchema.options.map((option) => option.shape.type.value);

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
  /** The admin token every request and the live stream carry from now on (the stream reopens with it). */
  setToken(token: string): void;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpControlClient {
  const baseUrl = options.baseUrl ?? '';
  let token = options.token ?? null;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  const reconnectMs = options.reconnectMs ?? 2000;

  async function request(method: ControlMethod, args: unknown[]): Promise<unknown> {
    const route = routes[method];
    // An argument the route has no place for would be dropped unseen: refused, as in process.
    const carried = route.input ? 1 : 0;
    if (args.length > carried) {
      throw new ApiError(400, 'invalid_request_error', `Invalid arguments of ${method}: expected at most ${carried}, got ${args.length}`);
    }
    const { query, body: argument } = routeRequest(route, args);
    // A write carries a JSON body even without arguments: the proxy refuses any other (a CSRF guard).
    const body = argument ?? (route.method === 'GET' ? undefined : {});
    const search = new URLSearchParams(query).toString();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${CONTROL_API_PREFIX}${route.path}${search ? `?${search}` : ''}`, {
        method: route.method,
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
    const result = controlMethods[method].result.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      throw new ApiError(response.status, 'invalid_response', `${method}: the proxy's answer does not match the contract${where}: ${issue?.message}`);
    }
    return result.data;
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
    const url = `${baseUrl}${CONTROL_API_PREFIX}${CONTROL_EVENTS_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
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
        // A frame that is not a valid event of its type is dropped, not shown half-right.
        const event = controlEventSchema.safeParse(safeJson((message as MessageEvent<string>).data));
        if (!event.success || event.data.type !== type) return;
        for (const listener of listeners) listener(event.data);
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

  // One request per method of the table; `request` checks each answer against its method's
  // result schema, which is what makes the typed signatures true.
  const methods = Object.fromEntries(
    controlMethodNames.map((method) => [method, (...args: unknown[]) => request(method, args)]),
  ) as unknown as ApiOf<typeof controlMethods>;

  return {
    ...methods,
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
    setToken(next) {
      token = next;
      // A stream refused without the token waits out its reconnect delay: reopen at once instead.
      if (listeners.size === 0) return;
      close();
      open();
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
