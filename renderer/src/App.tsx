import { useEffect, useState } from 'react';
import type { Transport } from './client/transport';
import { parseRoute, routeHash, VIEWS, type Route } from './lib/route';
import { AdminTokenForm } from './components/AdminTokenForm';
import { UpstreamBanner } from './components/UpstreamBanner';
import { useDashboard } from './state/useDashboard';
import { Charts } from './views/Charts';
import { DecisionLog } from './views/DecisionLog';
import { Overview } from './views/Overview';
import { Rules } from './views/Rules';
import { Settings } from './views/Settings';

/** The current view lives in the URL fragment, so reloads, links and Back keep it. */
function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [route, (next) => (window.location.hash = routeHash(next))];
}

export function App({ transport }: { transport: Transport }) {
  const { data, connected, loadError, reload, addDecisions } = useDashboard(transport);
  const [route, navigate] = useRoute();
  const view = route.view;
  const openConversation = (conversation: string | null) => navigate({ view: 'log', conversation });

  const status = data?.status;
  const pill = !connected
    ? { tone: 'error', text: data ? 'Reconnecting…' : 'Connecting…' }
    : !status
      ? { tone: 'starting', text: 'Loading…' }
      : status.state !== 'running'
        ? { tone: status.state, text: status.error ?? status.state }
        : status.paused
          ? { tone: 'paused', text: 'Paused' }
          : { tone: 'running', text: 'Running' };

  return (
    <div className="app">
      <header className="app-header">
        <h1>CascadeFlow</h1>
        <span className={`status-pill status-${pill.tone}`} role="status" title={pill.text} data-testid="connection">
          {pill.text}
        </span>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <a key={v.id} href={`#${v.id}`} aria-current={view === v.id ? 'page' : undefined} onClick={(e) => (e.preventDefault(), navigate({ view: v.id, conversation: null }))}>
              {v.label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {data ? <UpstreamBanner status={data.status} /> : null}
        {data?.status.warnings?.map((warning) => (
          <p key={warning} className="note warning-banner" role="alert">
            {warning}
          </p>
        ))}
        {data === null ? (
          loadError?.needsToken && transport.adminToken ? (
            <AdminTokenForm slot={transport.adminToken} onSubmit={reload} />
          ) : loadError ? (
            <section className="panel">
              <h2>Cannot reach the proxy</h2>
              <p>{loadError.message}</p>
              <p className="muted">Start it with <code>npm run serve</code> (or the tray app), then retry.</p>
              <button type="button" onClick={reload}>
                Retry
              </button>
            </section>
          ) : (
            <p className="muted">Loading…</p>
          )
        ) : view === 'overview' ? (
          <Overview stats={data.stats} status={data.status} decisions={data.decisions} transport={transport} onConversation={openConversation} />
        ) : view === 'charts' ? (
          <Charts stats={data.stats} />
        ) : view === 'rules' ? (
          <Rules api={transport.api} rules={data.rules} stats={data.stats} status={data.status} decisions={data.decisions} />
        ) : view === 'log' ? (
          <DecisionLog
            api={transport.api}
            decisions={data.decisions}
            onMore={addDecisions}
            conversation={route.conversation}
            onConversation={openConversation}
          />
        ) : (
          <Settings status={data.status} settings={data.settings} stats={data.stats} transport={transport} />
        )}
      </main>
    </div>
  );
}
