// Settings' "Client tokens": the named tokens clients send in x-cascadeflow-token (required when
// the proxy listens beyond localhost), with their limits, today's use and last use; create one
// (its secret shown once, with a copy button) or revoke one, confirmed on the page (window.confirm
// does not exist in the app's sandboxed window). Today's use is re-read whenever the request
// count changes (each stats event), so the list follows traffic without a timer.
import { useEffect, useState, type FormEvent } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import { CLIENT_TOKEN_HEADER, type CreatedToken, type TokenInfo, type TokenLimits } from '../../../contracts/tokens';
import { formatCount, formatMoney, formatTime } from '../lib/format';
import { CopyButton, Snippet } from './CopyButton';
import { useAction } from '../state/useAction';
import { ErrorNote } from './ErrorNote';

export function limitsText({ requestsPerMinute, concurrentStreams, dailySpendUsd }: TokenLimits): string {
  const parts = [
    requestsPerMinute !== undefined ? `${formatCount(requestsPerMinute)}/min` : null,
    concurrentStreams !== undefined ? `${formatCount(concurrentStreams)} ${concurrentStreams === 1 ? 'stream' : 'streams'} at once` : null,
    dailySpendUsd !== undefined ? `${formatMoney(dailySpendUsd)}/day` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : 'no limits';
}

function todayText(token: TokenInfo): string {
  const today = token.today;
  if (!today) return '—';
  const requests = `${formatCount(today.queries)} ${today.queries === 1 ? 'request' : 'requests'}, ${formatMoney(today.cost)}`;
  return today.limited > 0 ? `${requests}; ${formatCount(today.limited)} refused by a limit` : requests;
}

/** A positive number from a field, undefined when empty (no limit). */
export function limitOf(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

export function ClientTokens({ api, requests }: { api: ControlApi; requests: number }) {
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const { error, setError, busy, run } = useAction();
  const [name, setName] = useState('');
  const [rpm, setRpm] = useState('');
  const [streams, setStreams] = useState('');
  const [daily, setDaily] = useState('');
  const [fallback, setFallback] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.listTokens().then(
      (list) => live && setTokens(list),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [api, requests]);


  function onCreate(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const limits = { requestsPerMinute: limitOf(rpm), concurrentStreams: limitOf(streams), dailySpendUsd: limitOf(daily) };
      const result = await api.createToken({ name: name.trim(), limits, allowFallbackKey: fallback });
      setCreated(result);
      setName('');
      setRpm('');
      setStreams('');
      setDaily('');
      setFallback(false);
      setTokens(await api.listTokens());
    });
  }

  return (
    <section className="panel" aria-labelledby="tokens-title" data-testid="client-tokens">
      <h2 id="tokens-title">Client tokens</h2>
      <p className="muted">
        Clients send a token in the <code>{CLIENT_TOKEN_HEADER}</code> header. When the proxy listens beyond localhost every request
        needs one; on localhost a token is optional and names the client in the decision log and statistics. Limits are off unless set.
      </p>
      {created ? (
        <div className="note" role="status" data-testid="created-token">
          <p>
            Token <strong>{created.info.name}</strong> created. Copy it now: <strong>it will not be shown again.</strong>
          </p>
          <div className="snippet">
            <pre>
              <code>{created.token}</code>
            </pre>
            <CopyButton text={created.token} label="Copy token" />
          </div>
          <p>For Claude Code:</p>
          <Snippet text={`export ANTHROPIC_CUSTOM_HEADERS="${CLIENT_TOKEN_HEADER}: ${created.token}"`} label="Copy" />
          <button type="button" className="button-quiet" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      {tokens === null ? null : tokens.length === 0 ? (
        <p data-testid="no-tokens">No client tokens yet.</p>
      ) : (
        <table className="prices" data-testid="token-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Limits</th>
              <th>Today</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.name}>
                <td>{token.name}</td>
                <td>
                  {limitsText(token.limits)}
                  {token.allowFallbackKey ? '; may use the proxy’s key' : ''}
                </td>
                <td>{todayText(token)}</td>
                <td>{token.lastUsedAt === undefined ? 'never' : formatTime(token.lastUsedAt)}</td>
                <td>
                  {confirming === token.name ? (
                    <span className="confirm" role="group" aria-label={`Confirm revoking ${token.name}`}>
                      <button
                        type="button"
                        className="button-danger"
                        disabled={busy}
                        onClick={() =>
                          void run(async () => {
                            setTokens(await api.revokeToken(token.name));
                            setConfirming(null);
                          })
                        }
                      >
                        Revoke {token.name}
                      </button>
                      <button type="button" className="button-quiet" disabled={busy} onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button-quiet" onClick={() => setConfirming(token.name)}>
                      Revoke…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="token-form" onSubmit={onCreate} aria-label="Create a client token">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.currentTarget.value)} placeholder="laptop" maxLength={64} />
        </label>
        <label>
          Requests per minute
          <input type="number" min={1} step={1} value={rpm} onChange={(e) => setRpm(e.currentTarget.value)} placeholder="no limit" />
        </label>
        <label>
          Streams at once
          <input type="number" min={1} step={1} value={streams} onChange={(e) => setStreams(e.currentTarget.value)} placeholder="no limit" />
        </label>
        <label>
          Dollars per day
          <input type="number" min={0.01} step={0.01} value={daily} onChange={(e) => setDaily(e.currentTarget.value)} placeholder="no limit" />
        </label>
        <label className="switch">
          <input type="checkbox" checked={fallback} onChange={(e) => setFallback(e.currentTarget.checked)} />
          May use the proxy’s API key
        </label>
        <button type="submit" disabled={busy || name.trim() === ''}>
          Create token
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
