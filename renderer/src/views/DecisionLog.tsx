import { useEffect, useState } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import { describeFailure, FAILURE_KINDS, type CallRecord, type DecisionRecord } from '../../../contracts/decision';
import {
  DECISION_LABELS,
  formatConfidence,
  formatCount,
  formatLatency,
  formatMoney,
  formatTime,
} from '../lib/format';
import { DECISION_FILTERS, type DecisionFilter, LOG_CAPACITY, decidingSignals, filterDecisions, summarizeDecision } from '../lib/logFilter';

const FILTER_LABELS: Record<DecisionFilter, string> = { all: 'All', ...DECISION_LABELS };

function tokensOf(record: DecisionRecord): number {
  const t = record.tokens;
  return t.input + t.output + t.cacheWrite + t.cacheRead;
}

function Call({ title, call }: { title: string; call: CallRecord }) {
  const usage = call.usage;
  return (
    <div className="call">
      <h4>
        {title}: <code>{call.model}</code>
      </h4>
      <dl className="pairs">
        <dt>Status</dt>
        <dd>{call.status === 0 ? 'no response' : call.status}</dd>
        <dt>Cost</dt>
        <dd>{formatMoney(call.cost)}</dd>
        <dt>Latency</dt>
        <dd>{formatLatency(call.latencyMs)}</dd>
        {usage ? (
          <>
            <dt>Tokens</dt>
            <dd>
              {formatCount(usage.input_tokens)} in · {formatCount(usage.output_tokens)} out
              {usage.cache_creation_input_tokens ? ` · ${formatCount(usage.cache_creation_input_tokens)} cache write` : ''}
              {usage.cache_read_input_tokens ? ` · ${formatCount(usage.cache_read_input_tokens)} cache read` : ''}
              {call.usageEstimated ? ' (output estimated: the call was cut off before the upstream reported usage)' : ''}
            </dd>
          </>
        ) : null}
        {call.failure ? (
          <>
            <dt>Failure</dt>
            <dd title={FAILURE_KINDS[call.failure.kind]}>{describeFailure(call.failure)}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

function DecisionDetail({ record, onClose }: { record: DecisionRecord; onClose: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const t = record.tokens;
  return (
    <aside className="panel detail" aria-label="Decision detail" data-testid="decision-detail">
      <div className="detail-head">
        <h3>
          <span className={`badge decision-${record.decision}`}>{DECISION_LABELS[record.decision]}</span>{' '}
          {new Date(record.time).toLocaleString()}
        </h3>
        <button type="button" className="button-small button-quiet" onClick={onClose} aria-label="Close detail">
          ✕
        </button>
      </div>
      <dl className="pairs">
        <dt>Requested</dt>
        <dd>
          <code>{record.requestedModel}</code>
        </dd>
        <dt>Answered by</dt>
        <dd>
          <code>{record.answeringModel}</code>
        </dd>
        <dt>Confidence</dt>
        <dd>
          {formatConfidence(record.confidence)}
          {record.threshold !== null ? ` (threshold ${record.threshold.toFixed(2)})` : ''}
        </dd>
        <dt>Cost</dt>
        <dd>{formatMoney(record.cost)}</dd>
        <dt>Without cascade</dt>
        <dd>{formatMoney(record.baselineCost)}</dd>
        <dt>Saved</dt>
        <dd className={record.savings !== null && record.savings < 0 ? 'negative' : undefined}>{formatMoney(record.savings)}</dd>
        <dt>Tokens</dt>
        <dd>
          {formatCount(t.input)} in · {formatCount(t.output)} out · {formatCount(t.cacheWrite)} cache write ·{' '}
          {formatCount(t.cacheRead)} cache read
        </dd>
        <dt>Latency</dt>
        <dd>
          {formatLatency(record.latencyMs)} (first byte {formatLatency(record.ttfbMs)}){record.stream ? ', streamed' : ''}
        </dd>
        <dt>Status</dt>
        <dd>{record.status}</dd>
        {record.unpricedModels?.length ? (
          <>
            <dt>No price for</dt>
            <dd>{record.unpricedModels.join(', ')}</dd>
          </>
        ) : null}
        {record.failure ? (
          <>
            <dt>Failure</dt>
            <dd title={FAILURE_KINDS[record.failure.kind]}>{describeFailure(record.failure)}</dd>
          </>
        ) : null}
      </dl>
      {record.signals.length > 0 ? (
        <>
          <h4>Quality signals</h4>
          <ul className="signals">
            {decidingSignals(record.signals).map((s) => (
              <li key={`${s.name}-${s.reason}`}>
                {s.reason}{' '}
                <span className="muted">
                  ({s.name}
                  {s.penalty > 0 ? `, −${s.penalty.toFixed(2)}` : ''}
                  {s.decisive ? ', decisive' : ''})
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {record.draft ? <Call title="Draft" call={record.draft} /> : null}
      {record.verifier ? <Call title={record.decision === 'passthrough' ? 'Upstream' : 'Verifier'} call={record.verifier} /> : null}
    </aside>
  );
}

export function DecisionLog({
  api,
  decisions,
  onMore,
}: {
  api: ControlApi;
  decisions: DecisionRecord[];
  onMore: (records: DecisionRecord[]) => void;
}) {
  const [filter, setFilter] = useState<DecisionFilter>('all');
  const [search, setSearch] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);

  // The live list holds the latest decisions of every kind; a filter also fetches older ones of its kind.
  useEffect(() => {
    if (filter === 'all') return;
    let cancelled = false;
    api.getDecisions({ decision: filter, limit: LOG_CAPACITY }).then(
      (records) => cancelled || onMore(records),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api, filter, onMore]);

  const shown = filterDecisions(decisions, filter, search);
  const selected = decisions.find((d) => d.id === selectedId) ?? null;

  return (
    <div className={`view log${selected ? ' with-detail' : ''}`}>
      <div className="log-tools">
        <div className="segmented" role="radiogroup" aria-label="Filter by decision">
          {DECISION_FILTERS.map((f) => (
            <button key={f} type="button" role="radio" aria-checked={filter === f} onClick={() => setFilter(f)}>
              {FILTER_LABELS[f]}
            </button>
          ))}
        </div>
        <input type="search" placeholder="Search models and reasons" value={search} onChange={(e) => setSearch(e.currentTarget.value)} aria-label="Search the log" />
      </div>
      <div className="log-body">
        {shown.length === 0 ? (
          <p className="muted">{decisions.length === 0 ? 'No requests yet.' : 'No decisions match this filter.'}</p>
        ) : (
          <table className="log-table" data-testid="decision-log">
            <thead>
              <tr>
                <th>Time</th>
                <th>Model</th>
                <th>Decision</th>
                <th className="num">Conf.</th>
                <th>Why</th>
                <th className="num">Tokens</th>
                <th className="num">Cost</th>
                <th className="num">Saved</th>
                <th className="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr
                  key={r.id}
                  className={r.id === selectedId ? 'selected' : undefined}
                  onClick={() => setSelectedId(r.id === selectedId ? null : r.id)}
                  onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setSelectedId(r.id)}
                  tabIndex={0}
                  data-testid="decision-row"
                >
                  <td data-label="Time">{formatTime(r.time)}</td>
                  <td data-label="Model" className="models">
                    <code>{r.requestedModel}</code>
                    {r.answeringModel !== r.requestedModel ? (
                      <>
                        {' '}
                        <span className="answered-by">
                          → <code>{r.answeringModel}</code>
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Decision">
                    <span className={`badge decision-${r.decision}`}>{DECISION_LABELS[r.decision]}</span>
                  </td>
                  <td data-label="Confidence" className="num">
                    {formatConfidence(r.confidence)}
                  </td>
                  <td data-label="Why" className="why">
                    {summarizeDecision(r)}
                  </td>
                  <td data-label="Tokens" className="num">
                    {formatCount(tokensOf(r))}
                  </td>
                  <td data-label="Cost" className="num">
                    {formatMoney(r.cost)}
                  </td>
                  <td data-label="Saved" className={`num${r.savings !== null && r.savings < 0 ? ' negative' : ''}`}>
                    {formatMoney(r.savings)}
                  </td>
                  <td data-label="Latency" className="num">
                    {formatLatency(r.latencyMs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {selected ? <DecisionDetail record={selected} onClose={() => setSelectedId(null)} /> : null}
      </div>
    </div>
  );
}
