import { useCallback, useEffect, useReducer, useState } from 'react';
import { ApiError } from '../client/http';
import type { Transport } from '../client/transport';
import { LOG_CAPACITY } from '../lib/logFilter';
import { type DashboardData, dashboardReducer } from './dashboardState';

export interface LoadError {
  message: string;
  /** The proxy refused the admin token, or was sent none (HTTP 401 on /api). */
  needsToken: boolean;
}

export interface DashboardState {
  data: DashboardData | null;
  /** Live updates are flowing. */
  connected: boolean;
  /** Why the snapshot could not be loaded. */
  loadError: LoadError | null;
  reload(): void;
  /** Fold records fetched elsewhere (e.g. a filtered query) into the log. */
  addDecisions(records: DashboardData['decisions']): void;
}

async function loadSnapshot(transport: Transport): Promise<DashboardData> {
  const { api } = transport;
  const [status, stats, rules, settings, decisions] = await Promise.all([
    api.getStatus(),
    api.getStats(),
    api.getRules(),
    api.getSettings(),
    api.getDecisions({ limit: LOG_CAPACITY }),
  ]);
  return { status, stats, rules, settings, decisions };
}

export function useDashboard(transport: Transport): DashboardState {
  const [data, dispatch] = useReducer(dashboardReducer, null);
  const [connected, setConnected] = useState(transport.kind === 'ipc');
  const [loadError, setLoadError] = useState<LoadError | null>(null);
  const [generation, setGeneration] = useState(0);
  // The last error stays until this load answers otherwise: cleared here, a retry shows as loading.
  const reload = useCallback(() => {
    setLoadError(null);
    setGeneration((g) => g + 1);
  }, []);

  // Subscribe before loading so nothing that happens in between is missed.
  useEffect(() => transport.api.subscribe((event) => dispatch({ type: 'event', event })), [transport]);

  useEffect(
    () =>
      transport.onConnection((isConnected) => {
        setConnected(isConnected);
        // Back after a drop (e.g. the proxy restarted): events may have been missed.
        if (isConnected) reload();
      }),
    [transport, reload],
  );

  useEffect(() => {
    let cancelled = false;
    loadSnapshot(transport).then(
      (snapshot) => {
        if (cancelled) return;
        setLoadError(null);
        dispatch({ type: 'loaded', data: snapshot });
      },
      (error: Error) => {
        if (cancelled) return;
        setLoadError({ message: error.message, needsToken: error instanceof ApiError && error.status === 401 });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [transport, generation]);

  // "Today" starts again at local midnight, whether or not a request arrives then.
  useEffect(() => {
    const next = new Date();
    next.setHours(24, 0, 0, 0);
    const timer = setTimeout(reload, next.getTime() - Date.now() + 1000);
    return () => clearTimeout(timer);
  }, [generation, reload]);

  const addDecisions = useCallback((records: DashboardData['decisions']) => dispatch({ type: 'decisions', records }), []);
  return { data, connected, loadError, reload, addDecisions };
}
