import { useState } from 'react';
import type { DemoSession, DesktopApi } from '../../../contracts/desktop';
import { Snippet } from './CopyButton';
import { ErrorNote } from './ErrorNote';

type DemoState = { kind: 'idle' } | { kind: 'starting' } | { kind: 'running'; session: DemoSession } | { kind: 'failed'; message: string };

/**
 * "Try a demo" on the empty state: see a saving before pointing a real client here. In the app,
 * a button starts the demo (a second proxy on its own temporary data, in front of the API
 * simulator, with scripted Claude Code traffic) and opens its dashboard in the browser; this
 * proxy and its totals are untouched. On the web, where nothing can start it, the command that does.
 */
export function TryDemo({ desktop }: { desktop: DesktopApi | null }) {
  const [state, setState] = useState<DemoState>({ kind: 'idle' });

  if (!desktop) {
    return (
      <div data-testid="try-demo">
        <p>
          No client at hand? See a saving in one command, without an API key: in the project folder, run the demo (a
          separate proxy on temporary data, in front of the API simulator, with scripted Claude Code traffic).
        </p>
        <Snippet text="npm run demo" label="Copy demo command" />
      </div>
    );
  }

  async function start(api: DesktopApi) {
    setState({ kind: 'starting' });
    try {
      setState({ kind: 'running', session: await api.startDemo() });
    } catch (error) {
      setState({ kind: 'failed', message: `The demo could not start: ${(error as Error).message}` });
    }
  }

  async function stop(api: DesktopApi) {
    try {
      await api.stopDemo();
      setState({ kind: 'idle' });
    } catch (error) {
      setState({ kind: 'failed', message: `The demo could not stop: ${(error as Error).message}` });
    }
  }

  return (
    <div data-testid="try-demo">
      <p>
        No client at hand? The demo runs a separate proxy on temporary data, in front of the API simulator, with scripted
        Claude Code traffic, and opens its dashboard in your browser. No API key needed; this proxy&apos;s totals stay as
        they are.
      </p>
      {state.kind === 'running' ? (
        <>
          <p role="status">
            Demo running at <code>{state.session.baseUrl}</code>.{' '}
            {state.session.opened ? 'Its dashboard is open in your browser:' : 'Open its dashboard in your browser:'}{' '}
            <code>{state.session.dashboardUrl}</code>
          </p>
          <div className="row">
            <button type="button" onClick={() => void start(desktop)}>
              Open demo dashboard
            </button>
            <button type="button" onClick={() => void stop(desktop)}>
              Stop demo
            </button>
          </div>
        </>
      ) : (
        <div className="row">
          <button type="button" disabled={state.kind === 'starting'} onClick={() => void start(desktop)}>
            {state.kind === 'starting' ? 'Starting demo…' : 'Try a demo'}
          </button>
        </div>
      )}
      <ErrorNote error={state.kind === 'failed' ? state.message : null} />
    </div>
  );
}
