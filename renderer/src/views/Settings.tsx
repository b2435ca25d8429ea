import { useEffect, useState } from 'react';
import type { ProxyStatus } from '../../../contracts/status';
import type { PublicSettings, Settings as SettingsShape, SettingsPatch } from '../../../contracts/settings';
import type { StatsSnapshot } from '../../../contracts/stats';
import type { ModelPrice } from '../../../contracts/pricing';
import type { Transport } from '../client/transport';
import { ClaudeCodeSetup } from '../components/ClaudeCodeSetup';
import { ClientTokens } from '../components/ClientTokens';
import { CopyButton } from '../components/CopyButton';
import { KeyLimits } from '../components/KeyLimits';
import { NumberField } from '../components/NumberField';
import { formatCount } from '../lib/format';
import { useAction } from '../state/useAction';
import { useChosen } from '../state/useChosen';
import { ErrorNote } from '../components/ErrorNote';

const PRICE_FIELDS: Array<{ key: keyof ModelPrice; label: string }> = [
  { key: 'input', label: 'Input' },
  { key: 'output', label: 'Output' },
  { key: 'cacheWrite5m', label: 'Cache write 5m' },
  { key: 'cacheWrite1h', label: 'Cache write 1h' },
  { key: 'cacheRead', label: 'Cache read' },
];

const STORAGE_TEXT: Record<PublicSettings['apiKeyStorage'], { text: string; warn: boolean }> = {
  'os-keyring': { text: 'encrypted by the operating system keyring', warn: false },
  env: { text: 'taken from the ANTHROPIC_API_KEY environment variable', warn: false },
  basic_text: {
    text: 'this system offers no keyring: the saved key is only obfuscated on disk, not encrypted',
    warn: true,
  },
  memory: { text: 'kept in memory only: it is forgotten when the proxy stops', warn: true },
};

/** A setting's checkbox: the click shows at once (useChosen). */
function Switch(props: { checked: boolean; disabled: boolean; onChange: (checked: boolean) => Promise<boolean>; label: string }) {
  const [checked, choose] = useChosen(props.checked);
  return (
    <label className="switch">
      <input
        type="checkbox"
        checked={checked}
        disabled={props.disabled}
        onChange={(e) => choose(e.currentTarget.checked, props.onChange(e.currentTarget.checked))}
      />
      {props.label}
    </label>
  );
}

function ProxySection({ status, settings, transport }: { status: ProxyStatus; settings: PublicSettings; transport: Transport }) {
  const locked = (key: keyof SettingsShape) => settings.lockedByEnv.includes(key);
  const [port, setPort] = useState(String(settings.port));
  const [upstream, setUpstream] = useState(settings.upstreamUrl);
  const { error, busy, run } = useAction();
  useEffect(() => setPort(String(settings.port)), [settings.port]);
  useEffect(() => setUpstream(settings.upstreamUrl), [settings.upstreamUrl]);

  const patch: SettingsPatch = {};
  if (!locked('port') && Number(port) !== settings.port) patch.port = Number(port);
  if (!locked('upstreamUrl') && upstream.trim() !== settings.upstreamUrl) patch.upstreamUrl = upstream.trim();
  const dirty = Object.keys(patch).length > 0;
  const portValid = Number.isInteger(Number(port)) && Number(port) >= 1 && Number(port) <= 65535;
  const listening = new URL(status.baseUrl).port;

  return (
    <section className="panel" aria-labelledby="proxy-title">
      <h2 id="proxy-title">Proxy</h2>
      <p data-testid="proxy-status">
        <span className={`badge status-${status.paused && status.state === 'running' ? 'paused' : status.state}`}>
          {status.state === 'running' ? (status.paused ? 'Paused' : 'Running') : status.state}
        </span>{' '}
        <code>{status.baseUrl}</code>{' '}
        <CopyButton text={status.baseUrl} copy={transport.desktop ? () => transport.desktop!.copyBaseUrl() : undefined} label="Copy base URL" />
      </p>
      {status.error ? <p className="note note-bad">{status.error}</p> : null}
      <p className="muted">
        Version {status.version}
        {status.startedAt ? `, up since ${new Date(status.startedAt).toLocaleString()}` : ''}.
      </p>
      <Switch
        checked={settings.paused}
        disabled={busy || locked('paused')}
        onChange={(paused) => run(() => transport.api.updateSettings({ paused }))}
        label="Pause cascade (every request passes through to the model it asked for)"
      />
      <form
        className="fields"
        onSubmit={(e) => {
          e.preventDefault();
          if (dirty && portValid) void run(() => transport.api.updateSettings(patch));
        }}
      >
        <label>
          Port{locked('port') ? ' (set by PORT)' : ''}
          <input type="number" min={1} max={65535} value={port} readOnly={locked('port')} onChange={(e) => setPort(e.currentTarget.value)} />
        </label>
        <label>
          Upstream{locked('upstreamUrl') ? ' (set by CASCADEFLOW_UPSTREAM_URL)' : ''}
          <input type="url" value={upstream} readOnly={locked('upstreamUrl')} onChange={(e) => setUpstream(e.currentTarget.value)} />
        </label>
        {String(settings.port) !== listening ? (
          <p className="note">The proxy listens on port {listening}; port {settings.port} applies when it restarts.</p>
        ) : null}
        <button type="submit" disabled={!dirty || !portValid || busy}>
          Save
        </button>
      </form>
      <Switch
        checked={settings.logPrompts}
        disabled={busy || locked('logPrompts')}
        onChange={(logPrompts) => run(() => transport.api.updateSettings({ logPrompts }))}
        label="Log prompt text (off by default)"
      />
      {transport.desktop ? (
        <Switch
          checked={settings.startAtLogin}
          disabled={busy}
          onChange={(enabled) => run(() => transport.desktop!.setStartAtLogin(enabled))}
          label="Start at login"
        />
      ) : null}
      <ErrorNote error={error} />
    </section>
  );
}

const DRAFT_POLICIES: Array<{ value: SettingsShape['draftPolicy']; label: string; hint: string }> = [
  {
    value: 'cost_aware',
    label: 'Cost-aware',
    hint: 'Draft only when drafting is expected to cost clearly less than going straight to the requested model, given both models’ prompt caches and how often this conversation’s drafts are accepted. Skipped requests show as “Not worth drafting” with both estimates.',
  },
  { value: 'always', label: 'Always draft', hint: 'Draft whenever a rule matches, whatever it is expected to cost.' },
];

function DraftingSection({ settings, api }: { settings: PublicSettings; api: Transport['api'] }) {
  const locked = (key: keyof SettingsShape) => settings.lockedByEnv.includes(key);
  const { error, busy, run } = useAction();
  const [draftPolicy, chooseDraftPolicy] = useChosen(settings.draftPolicy);
  const policy = DRAFT_POLICIES.find((p) => p.value === draftPolicy) ?? DRAFT_POLICIES[0];
  return (
    <section className="panel" aria-labelledby="drafting-title" data-testid="drafting-settings">
      <h2 id="drafting-title">Drafting</h2>
      <div className="segmented" role="radiogroup" aria-label="When to draft">
        {DRAFT_POLICIES.map((p) => (
          <button
            key={p.value}
            type="button"
            role="radio"
            aria-checked={draftPolicy === p.value}
            disabled={busy || locked('draftPolicy')}
            onClick={() => chooseDraftPolicy(p.value, run(() => api.updateSettings({ draftPolicy: p.value })))}
          >
            {p.label}
          </button>
        ))}
      </div>
      <p className="muted">{policy.hint}</p>
      <Switch
        checked={settings.grounding}
        disabled={busy || locked('grounding')}
        onChange={(grounding) => run(() => api.updateSettings({ grounding }))}
        label="Check drafts’ tool calls against your files (grounding)"
      />
      <p className="muted">
        For clients on this machine only (loopback), in the working directory the request states: the file a Read or Edit
        names must exist and an Edit’s text must occur once in it; search patterns must compile; a shell command must parse.
        Read-only and bounded in size and time; nothing is executed, and file contents are never sent anywhere.
      </p>
      <div className="fields">
        <NumberField
          label="After an accepted draft’s tool call fails, skip drafting this conversation’s next"
          value={settings.escalateAfterFailure}
          min={0}
          max={50}
          step={1}
          suffix="requests"
          disabled={busy || locked('escalateAfterFailure')}
          onCommit={(value) => value !== null && void run(() => api.updateSettings({ escalateAfterFailure: value }))}
        />
      </div>
      <ErrorNote error={error} />
    </section>
  );
}

function ApiKeySection({ settings, api }: { settings: PublicSettings; api: Transport['api'] }) {
  const [key, setKey] = useState('');
  const { error, busy, run } = useAction();
  const storage = STORAGE_TEXT[settings.apiKeyStorage];
  const fromEnv = settings.apiKeyStorage === 'env';
  return (
    <section className="panel" aria-labelledby="key-title">
      <h2 id="key-title">API key</h2>
      <p>
        Used only for requests that arrive without their own key (Claude Code sends its own).{' '}
        <span className={`badge${settings.apiKeySet ? ' badge-good' : ''}`} data-testid="api-key-state">
          {settings.apiKeySet ? 'Set' : 'Not set'}
        </span>
      </p>
      {settings.apiKeySet || settings.apiKeyStorage !== 'os-keyring' ? (
        <p className={storage.warn ? 'note note-bad' : 'muted'}>Storage: {storage.text}.</p>
      ) : null}
      {fromEnv ? null : (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const value = key.trim();
            if (value) void run(async () => {
              await api.setApiKey(value);
              setKey('');
            });
          }}
        >
          <input
            type="password"
            autoComplete="off"
            placeholder={settings.apiKeySet ? 'Replace the saved key' : 'sk-ant-…'}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            aria-label="API key"
          />
          <button type="submit" disabled={busy || key.trim() === ''}>
            Save key
          </button>
          {settings.apiKeySet ? (
            <button type="button" className="button-quiet" disabled={busy} onClick={() => void run(() => api.setApiKey(null))}>
              Clear
            </button>
          ) : null}
        </form>
      )}
      <ErrorNote error={error} />
    </section>
  );
}

/** One field of the override rows: the model name, or one of its prices. */
type PriceField = 'name' | keyof ModelPrice;

function PricesSection({ settings, stats, api }: { settings: PublicSettings; stats: StatsSnapshot; api: Transport['api'] }) {
  const [rows, setRows] = useState(() => Object.entries(settings.priceOverrides));
  // Fields the user has left, as "row:field"; a problem shows only there, or everywhere after Save.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [tried, setTried] = useState(false);
  const { error, busy, run } = useAction();
  // Every settings event carries a new object: reset the rows only when the saved prices changed.
  const saved = JSON.stringify(settings.priceOverrides);
  useEffect(() => {
    setRows(Object.entries(JSON.parse(saved) as PublicSettings['priceOverrides']));
    setTouched(new Set());
    setTried(false);
  }, [saved]);
  const locked = settings.lockedByEnv.includes('priceOverrides');
  const names = rows.map(([name]) => name.trim());
  const wrong = (index: number, field: PriceField) => {
    if (field === 'name') return names[index] === '' || names.indexOf(names[index]) !== index;
    const value = rows[index][1][field];
    return !Number.isFinite(value) || value < 0;
  };
  const fields: PriceField[] = ['name', ...PRICE_FIELDS.map((f) => f.key)];
  const invalid = rows.some((_, index) => fields.some((field) => wrong(index, field)));
  const flagged = (index: number, field: PriceField) => (tried || touched.has(`${index}:${field}`)) && wrong(index, field);
  const anyFlagged = rows.some((_, index) => fields.some((field) => flagged(index, field)));

  const edited = Object.fromEntries(rows.map(([n, p]) => [n.trim(), p]));
  const changed = JSON.stringify(edited) !== saved;

  function update(index: number, name: string, price: ModelPrice) {
    setRows(rows.map((row, i) => (i === index ? [name, price] : row)));
  }
  const leave = (index: number, field: PriceField) => () => setTouched(new Set(touched).add(`${index}:${field}`));

  return (
    <section className="panel" aria-labelledby="prices-title">
      <h2 id="prices-title">Price overrides</h2>
      <p className="muted">
        US dollars per million tokens, for a model id or a family pattern with <code>*</code>. Built-in prices cover the
        current Claude models; a model with no price has an unknown cost.
      </p>
      <div className="price-table">
        {rows.map(([name, price], index) => (
          <fieldset key={index} className="price-row" disabled={locked}>
            <legend className="sr-only">Override {index + 1}</legend>
            <label>
              Model
              <input
                value={name}
                placeholder="my-model*"
                aria-invalid={flagged(index, 'name') || undefined}
                onChange={(e) => update(index, e.currentTarget.value, price)}
                onBlur={leave(index, 'name')}
              />
            </label>
            {PRICE_FIELDS.map(({ key, label }) => (
              <label key={key}>
                {label}
                <input
                  type="number"
                  min={0}
                  step="any"
                  value={Number.isFinite(price[key]) ? price[key] : ''}
                  aria-invalid={flagged(index, key) || undefined}
                  onChange={(e) => update(index, name, { ...price, [key]: e.currentTarget.value === '' ? NaN : Number(e.currentTarget.value) })}
                  onBlur={leave(index, key)}
                />
              </label>
            ))}
            <button
              type="button"
              className="button-small button-quiet"
              onClick={() => {
                setRows(rows.filter((_, i) => i !== index));
                setTouched(new Set());
              }}
            >
              Remove
            </button>
          </fieldset>
        ))}
      </div>
      <div className="row">
        <button
          type="button"
          className="button-quiet"
          disabled={locked}
          onClick={() => setRows([...rows, ['', { input: NaN, output: NaN, cacheWrite5m: NaN, cacheWrite1h: NaN, cacheRead: NaN }]])}
        >
          Add override
        </button>
        <button
          type="button"
          disabled={busy || locked || !changed}
          onClick={() => (invalid ? setTried(true) : void run(() => api.updateSettings({ priceOverrides: edited })))}
        >
          Save prices
        </button>
      </div>
      {anyFlagged ? <p className="field-error">Every override needs a unique model name and non-negative prices.</p> : null}
      <ErrorNote error={error} />
      <details>
        <summary>Effective price table</summary>
        <table className="prices">
          <thead>
            <tr>
              <th>Model</th>
              {PRICE_FIELDS.map(({ key, label }) => (
                <th key={key} className="num">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Object.entries(stats.prices).map(([model, price]) => (
              <tr key={model}>
                <td>
                  <code>{model}</code>
                </td>
                {PRICE_FIELDS.map(({ key }) => (
                  <td key={key} className="num">
                    {price[key]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

/**
 * Reset statistics, confirmed on the page itself (window.confirm does not exist in the app's
 * sandboxed window). The overview empties through the proxy's stats event, here and everywhere.
 */
function StatisticsSection({ stats, api }: { stats: StatsSnapshot; api: Transport['api'] }) {
  const [confirming, setConfirming] = useState(false);
  const [reset, setReset] = useState(false);
  const { error, busy, run } = useAction();
  const recorded = stats.allTime.queries;
  return (
    <section className="panel" aria-labelledby="statistics-title" data-testid="statistics-settings">
      <h2 id="statistics-title">Statistics</h2>
      <p role="status" data-testid="statistics-recorded">
        {reset && recorded === 0
          ? 'Statistics reset: nothing recorded since.'
          : `${formatCount(recorded)} ${recorded === 1 ? 'request' : 'requests'} recorded.`}
      </p>
      <p className="muted">
        Resetting forgets the totals, the charts, the decision log, the spending per conversation and project, and the
        quality measurements. <strong>Rules, settings and your API key are kept.</strong>
      </p>
      {confirming ? (
        <div className="confirm" role="group" aria-label="Confirm the reset">
          <p>Forget every recorded request? This cannot be undone.</p>
          <div className="row">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await api.resetStats();
                  setConfirming(false);
                  setReset(true);
                })
              }
            >
              Reset statistics
            </button>
            <button type="button" className="button-quiet" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button-quiet" onClick={() => setConfirming(true)}>
          Reset statistics…
        </button>
      )}
      <ErrorNote error={error} />
    </section>
  );
}

export function Settings({
  status,
  settings,
  stats,
  transport,
}: {
  status: ProxyStatus;
  settings: PublicSettings;
  stats: StatsSnapshot;
  transport: Transport;
}) {
  return (
    <div className="view settings">
      <ProxySection status={status} settings={settings} transport={transport} />
      <DraftingSection settings={settings} api={transport.api} />
      <section className="panel" aria-labelledby="claude-title">
        <h2 id="claude-title">Claude Code</h2>
        <ClaudeCodeSetup desktop={transport.desktop} baseUrl={status.baseUrl} networkUrls={status.networkUrls} />
      </section>
      <ApiKeySection settings={settings} api={transport.api} />
      <ClientTokens api={transport.api} requests={stats.allTime.queries} />
      <KeyLimits limits={settings.keyLimits} api={transport.api} />
      <PricesSection settings={settings} stats={stats} api={transport.api} />
      <StatisticsSection stats={stats} api={transport.api} />
    </div>
  );
}
