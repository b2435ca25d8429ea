import { useCallback, useEffect, useState } from 'react';
import type { ClaudeCodeState, DesktopApi } from '../../../contracts/desktop';
import { Snippet } from './CopyButton';

export function exportLine(baseUrl: string): string {
  return `export ANTHROPIC_BASE_URL=${baseUrl}`;
}

export function settingsSnippet(baseUrl: string): string {
  return JSON.stringify({ env: { ANTHROPIC_BASE_URL: baseUrl } }, null, 2);
}

/**
 * The offer to show savings in Claude Code's status line, where the app can install it: before
 * Configure it is part of what Configure does; after, the box installs or removes it at once.
 */
function StatusLineChoice({
  state,
  wanted,
  disabled,
  onChange,
}: {
  state: ClaudeCodeState;
  wanted: boolean;
  disabled: boolean;
  onChange: (wanted: boolean) => void;
}) {
  const line = state.statusLine;
  if (!line || state.error) return null;
  const checked = state.configured ? line.installed : wanted;
  const own = line.command !== null && !line.installed ? line.command : null;
  return (
    <>
      <label className="switch">
        <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.currentTarget.checked)} />
        Show this session’s savings in Claude Code’s status line
      </label>
      {own && checked && !state.configured ? (
        <p className="muted">
          It replaces your status line (<code>{own}</code>), which comes back when you remove this from Claude Code.
        </p>
      ) : null}
    </>
  );
}

/** In the app: the state of ~/.claude/settings.json with Configure / Remove. */
function DesktopSetup({ desktop, baseUrl }: { desktop: DesktopApi; baseUrl: string }) {
  const [state, setState] = useState<ClaudeCodeState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [wantStatusLine, setWantStatusLine] = useState(true);

  const run = useCallback(async (action: () => Promise<ClaudeCodeState>) => {
    setBusy(true);
    try {
      setState(await action());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    const refresh = () => void run(() => desktop.getClaudeCodeState());
    refresh();
    // The tray menu or a hand edit may change the file while the window is hidden.
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, [desktop, run, baseUrl]);

  if (!state) return <p className="muted">{error ?? 'Checking Claude Code settings…'}</p>;
  return (
    <div className="claude-setup" data-testid="claude-code-state">
      {state.error ? (
        <p className="note note-bad">{state.error}</p>
      ) : state.configured ? (
        <p>
          <span className="badge badge-good">Configured</span> Claude Code sends its requests through this proxy (
          <code>{state.settingsPath}</code>).
        </p>
      ) : (
        <p>
          <span className="badge">Not configured</span>{' '}
          {state.baseUrl ? (
            <>
              Claude Code points at <code>{state.baseUrl}</code> instead.
            </>
          ) : (
            <>Claude Code talks to Anthropic directly.</>
          )}
        </p>
      )}
      <StatusLineChoice
        state={state}
        wanted={wantStatusLine}
        disabled={busy}
        onChange={(wanted) =>
          state.configured ? void run(() => desktop.configureClaudeCode({ statusLine: wanted })) : setWantStatusLine(wanted)
        }
      />
      <div className="row">
        <button
          type="button"
          disabled={busy || Boolean(state.error) || state.configured}
          onClick={() => void run(() => desktop.configureClaudeCode(state.statusLine ? { statusLine: wantStatusLine } : undefined))}
        >
          Configure Claude Code
        </button>
        <button type="button" disabled={busy || Boolean(state.error) || !state.configured} onClick={() => void run(() => desktop.removeClaudeCode())}>
          Remove from Claude Code
        </button>
      </div>
      {error ? <p className="note note-bad">{error}</p> : null}
    </div>
  );
}

/** On the web: the exact lines to paste. */
function WebSetup({ baseUrl }: { baseUrl: string }) {
  return (
    <div className="claude-setup">
      <p>In the shell that runs Claude Code (or any Anthropic SDK client):</p>
      <Snippet text={exportLine(baseUrl)} label="Copy export line" />
      <p>
        Or for every Claude Code session, merge this into <code>~/.claude/settings.json</code>:
      </p>
      <Snippet text={settingsSnippet(baseUrl)} label="Copy settings snippet" />
    </div>
  );
}

/**
 * Listening beyond loopback (ProxyStatus.networkUrls): the lines for other machines. Their
 * clients bring their own key; the proxy's key needs its admin token, which is named, never shown.
 */
function NetworkSetup({ networkUrls }: { networkUrls: readonly string[] }) {
  const [first, ...others] = networkUrls;
  return (
    <div className="claude-setup" data-testid="network-setup">
      <p>From other machines:</p>
      <Snippet text={exportLine(first)} label="Copy export line for other machines" />
      {others.length > 0 ? (
        <p className="muted">
          It also answers at{' '}
          {others.map((url, i) => (
            <span key={url}>
              {i > 0 ? ', ' : null}
              <code>{url}</code>
            </span>
          ))}
          .
        </p>
      ) : null}
      <p className="muted">
        Clients there send their own Anthropic key. To use this proxy’s key instead, they need its admin token
        (printed when it started) in a header: <code>{'export ANTHROPIC_CUSTOM_HEADERS="x-cascadeflow-admin-token: <token>"'}</code>
      </p>
    </div>
  );
}

export function ClaudeCodeSetup({ desktop, baseUrl, networkUrls = [] }: { desktop: DesktopApi | null; baseUrl: string; networkUrls?: readonly string[] }) {
  return (
    <>
      {desktop ? <DesktopSetup desktop={desktop} baseUrl={baseUrl} /> : <WebSetup baseUrl={baseUrl} />}
      {networkUrls.length > 0 ? <NetworkSetup networkUrls={networkUrls} /> : null}
    </>
  );
}
