// The decision log: every request with its decision, the draft's action class and why; a
// detail panel with the signals, the cost estimate a skip was based on, and what was learned
// later (a failed tool call, a shadow check), also when that arrives after the row. One
// conversation's turns on their own, oldest first, from the proxy's conversation query.
import { useEffect, useState } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import {
  DECISION_LABELS,
  describeFailure,
  FAILURE_KINDS,
  type CallRecord,
  type CostEstimate,
  type DecisionRecord,
  type QualitySignal,
  type ShadowResult,
} from '../../../contracts/decision';
import { ConversationSummaryPanel } from '../components/ConversationSummary';
import { ModelPath } from '../components/ModelPath';
import {
  ACTION_CLASS_HINTS,
  ACTION_CLASS_LABELS,
  formatConfidence,
  formatCount,
  formatLatency,
  formatMoney,
  formatPercent,
  formatTime,
  projectName,
  shortConversationId,
} from '../lib/format';
import {
  DECISION_FILTERS,
  type DecisionFilter,
  LOG_CAPACITY,
  failedInWords,
  filterDecisions,
  groupSignals,
  mergeDecisions,
  summarizeDecision,
} from '../lib/logFilter';

const FILTER_LABELS: Record<DecisionFilter, string> = { all: 'All', ...DECISION_LABELS };

/** The most turns one conversation's view asks for: the contract's cap on one query. */
const CONVERSATION_LIMIT = 1_000;

const SHADOW_METHODS: Record<NonNullable<ShadowResult['method']>, string> = {
  tool_calls: 'tool calls (tool and normalised input)',
  number: 'final numbers',
  wording: 'wording only (the weakest comparison: it cannot tell a right answer from a wrong one that reads alike)',
};

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

/** The call that answered (or failed to): the rule's verifier after a draft, else simply the upstream. */
function verifierTitle(record: DecisionRecord): string {
  const drafted = record.decision === 'failed' ? record.draft !== undefined : record.decision !== 'passthrough' && record.decision !== 'not_worth_drafting';
  return drafted ? 'Verifier' : 'Upstream';
}

function SignalList({ title, signals }: { title: string; signals: QualitySignal[] }) {
  if (signals.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul className="signals">
        {signals.map((s) => (
          <li key={`${s.name}-${s.reason}`}>
            {s.reason}{' '}
            <span className="muted">
              ({s.name}
              {s.penalty > 0 ? `, −${s.penalty.toFixed(2)}` : ''}
              {s.support ? `, +${s.support.toFixed(2)} evidence` : ''}
              {s.decisive ? ', decisive' : ''})
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The two costs compared before drafting, and what the comparison said. */
function EstimateSection({ estimate }: { estimate: CostEstimate }) {
  const difference = estimate.draft - estimate.direct;
  return (
    <div className="call" data-testid="estimate">
      <h4>Cost estimate before drafting</h4>
      <dl className="pairs">
        <dt>Going direct</dt>
        <dd>{formatMoney(estimate.direct)}</dd>
        <dt>Drafting</dt>
        <dd>
          {formatMoney(estimate.draft)} <span className="muted">(the draft, plus the requested model for the share escalated)</span>
        </dd>
        <dt>Acceptance p</dt>
        <dd>
          {formatPercent(estimate.acceptance, 0)} <span className="muted">from {estimate.acceptanceBasis}</span>
        </dd>
        <dt>Drafting would</dt>
        <dd className={difference > 0 ? 'negative' : undefined}>
          {difference > 0 ? `cost ${formatMoney(difference)} more` : `save ${formatMoney(-difference)}`}
        </dd>
      </dl>
    </div>
  );
}

function ShadowSection({ shadow }: { shadow: ShadowResult }) {
  return (
    <div className="call" data-testid="shadow-result">
      <h4>
        Shadow check by <code>{shadow.model}</code>
      </h4>
      <dl className="pairs">
        <dt>Result</dt>
        <dd className={shadow.failure || shadow.agreed ? undefined : 'negative'}>
          {shadow.failure ? 'no comparison: the shadow call failed' : shadow.agreed ? `agreed: ${shadow.reason}` : `disagreed: ${shadow.reason}`}
        </dd>
        {shadow.method ? (
          <>
            <dt>Compared by</dt>
            <dd>{SHADOW_METHODS[shadow.method]}</dd>
          </>
        ) : null}
        <dt>Cost</dt>
        <dd>{formatMoney(shadow.cost)}</dd>
        {shadow.failure ? (
          <>
            <dt>Failure</dt>
            <dd title={FAILURE_KINDS[shadow.failure.kind]}>{describeFailure(shadow.failure)}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

function ClassBadge({ record }: { record: DecisionRecord }) {
  if (!record.actionClass) return null;
  return (
    <>
      <span className={`badge class-${record.actionClass}`} title={ACTION_CLASS_HINTS[record.actionClass]}>
        {ACTION_CLASS_LABELS[record.actionClass]}
      </span>
      {record.unverified ? (
        <span className="badge flag-unverified" title="No check found evidence for or against the draft">
          unverified
        </span>
      ) : null}
    </>
  );
}

/** What was learned after the answer went out. */
function LaterBadges({ record }: { record: DecisionRecord }) {
  const { laterFailed, shadow } = record;
  return (
    <>
      {laterFailed ? (
        <span className="badge flag-bad" title={laterFailed.reason} data-testid="later-failed">
          later failed
        </span>
      ) : null}
      {shadow ? (
        <span
          className={`badge ${shadow.failure ? '' : shadow.agreed ? 'badge-good' : 'flag-bad'}`}
          title={shadow.failure ? describeFailure(shadow.failure) : shadow.reason}
          data-testid="shadow-badge"
        >
          {shadow.failure ? 'shadow failed' : shadow.agreed ? 'shadow agreed' : 'shadow disagreed'}
        </span>
      ) : null}
    </>
  );
}

function DecisionDetail({
  record,
  onClose,
  onConversation,
}: {
  record: DecisionRecord;
  onClose: () => void;
  /** Absent when the log already shows that conversation. */
  onConversation?: (id: string) => void;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const t = record.tokens;
  const signals = groupSignals(record.signals);
  return (
    <aside className="panel detail" aria-label="Decision detail" data-testid="decision-detail">
      <div className="detail-head">
        <h3>
          <span className={`badge decision-${record.decision}`}>{DECISION_LABELS[record.decision]}</span>{' '}
          {new Date(record.time).toLocaleString()}
          {record.clientApi === 'openai' ? (
            <>
              {' '}
              <span className="badge" title="The client spoke the OpenAI Chat Completions API (/v1/chat/completions)" data-testid="client-api">
                OpenAI API
              </span>
            </>
          ) : null}
        </h3>
        <button type="button" className="button-small button-quiet" onClick={onClose} aria-label="Close detail">
          ✕
        </button>
      </div>
      {record.laterFailed ? (
        <p className="note note-bad" data-testid="later-failed-detail">
          Later failed ({new Date(record.laterFailed.time).toLocaleTimeString()}): {record.laterFailed.reason}
        </p>
      ) : null}
      <dl className="pairs">
        <dt>Requested</dt>
        <dd>
          <code>{record.requestedModel}</code>
        </dd>
        {record.decision === 'failed' ? (
          <>
            <dt>Answer</dt>
            <dd className="negative" data-testid="failed-detail">
              Failed: {failedInWords(record)}; <code>{record.answeringModel}</code> did not answer
            </dd>
          </>
        ) : (
          <>
            <dt>Answered by</dt>
            <dd>
              <code>{record.answeringModel}</code>
            </dd>
          </>
        )}
        {record.actionClass ? (
          <>
            <dt>Class</dt>
            <dd>
              {ACTION_CLASS_LABELS[record.actionClass]} <span className="muted">({ACTION_CLASS_HINTS[record.actionClass]})</span>
              {record.unverified ? <>; unverified: no check found evidence for or against it</> : null}
            </dd>
          </>
        ) : null}
        {record.conversationId ? (
          <>
            <dt>Conversation</dt>
            <dd>
              {onConversation ? (
                <button type="button" className="button-small link-button" onClick={() => onConversation(record.conversationId!)}>
                  {shortConversationId(record.conversationId)}: show its turns
                </button>
              ) : (
                <code title={record.conversationId}>{shortConversationId(record.conversationId)}</code>
              )}
            </dd>
          </>
        ) : null}
        {record.project ? (
          <>
            <dt>Project</dt>
            <dd>
              <code>{record.project}</code>
            </dd>
          </>
        ) : null}
        {record.replica ? (
          <>
            <dt>Replica</dt>
            <dd>
              <code data-testid="replica">{record.replica}</code>
            </dd>
          </>
        ) : null}
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
      <SignalList title="Why" signals={signals.notes} />
      <SignalList title="Against the draft" signals={signals.against} />
      <SignalList title="For the draft" signals={signals.support} />
      {record.estimate ? <EstimateSection estimate={record.estimate} /> : null}
      {record.shadow ? <ShadowSection shadow={record.shadow} /> : null}
      {record.draft ? <Call title="Draft" call={record.draft} /> : null}
      {record.verifier ? <Call title={verifierTitle(record)} call={record.verifier} /> : null}
    </aside>
  );
}

/**
 * One conversation's turns: what the proxy has of it (up to the query cap), overlaid with the
 * live list, whose copies carry amendments and whose new records belong to it.
 */
function useConversationTurns(api: ControlApi, conversation: string | null, live: readonly DecisionRecord[]) {
  const [fetched, setFetched] = useState<{ id: string; records: DecisionRecord[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (conversation === null) return;
    let cancelled = false;
    setError(null);
    api.getDecisions({ conversationId: conversation, limit: CONVERSATION_LIMIT }).then(
      (records) => cancelled || setFetched({ id: conversation, records }),
      (e: Error) => cancelled || setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [api, conversation]);
  if (conversation === null) return { turns: null, error: null };
  const own = live.filter((r) => r.conversationId === conversation);
  const base = fetched?.id === conversation ? fetched.records : [];
  const loaded = fetched?.id === conversation || error !== null;
  return { turns: loaded ? mergeDecisions(base, own, CONVERSATION_LIMIT).reverse() : null, error };
}

export function DecisionLog({
  api,
  decisions,
  onMore,
  conversation = null,
  onConversation,
}: {
  api: ControlApi;
  decisions: DecisionRecord[];
  onMore: (records: DecisionRecord[]) => void;
  /** Show only this conversation's turns; null: every request. */
  conversation?: string | null;
  /** Open a conversation's turns (null: back to every request). */
  onConversation: (id: string | null) => void;
}) {
  const [filter, setFilter] = useState<DecisionFilter>('all');
  const [search, setSearch] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const { turns, error } = useConversationTurns(api, conversation, decisions);

  // The live list holds the latest decisions of every kind; a filter also fetches older ones of its kind.
  useEffect(() => {
    if (filter === 'all' || conversation !== null) return;
    let cancelled = false;
    api.getDecisions({ decision: filter, limit: LOG_CAPACITY }).then(
      (records) => cancelled || onMore(records),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api, filter, onMore, conversation]);

  const source = turns ?? decisions;
  const shown = filterDecisions(source, filter, search);
  const selected = source.find((d) => d.id === selectedId) ?? null;
  const turnOf = new Map(turns?.map((r, index) => [r.id, index + 1]));

  return (
    <div className={`view log${selected ? ' with-detail' : ''}`}>
      {conversation !== null ? (
        <div className="panel conversation-head" data-testid="conversation-view">
          <button type="button" className="button-small button-quiet" onClick={() => onConversation(null)}>
            ← All requests
          </button>
          <ConversationSummaryPanel api={api} id={conversation} turns={turns} />
          {error ? (
            <p className="note note-bad" role="alert">
              Could not load this conversation: {error}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="log-tools">
        <div className="chips" role="radiogroup" aria-label="Filter by decision">
          {DECISION_FILTERS.map((f) => (
            <button key={f} type="button" role="radio" aria-checked={filter === f} onClick={() => setFilter(f)}>
              {FILTER_LABELS[f]}
            </button>
          ))}
        </div>
        <input
          type="search"
          placeholder="Search models, reasons, conversations, projects"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          aria-label="Search the log"
        />
      </div>
      <div className="log-body">
        {conversation !== null && turns === null ? (
          <p className="muted">Loading the conversation…</p>
        ) : shown.length === 0 ? (
          <p className="muted">{source.length === 0 ? 'No requests yet.' : 'No decisions match this filter.'}</p>
        ) : (
          <div className="log-scroll">
            <table className="log-table" data-testid="decision-log">
              <thead>
                <tr>
                  {turns ? <th className="num">Turn</th> : null}
                  <th>Time</th>
                  <th>Model</th>
                  <th>Decision</th>
                  <th>Class</th>
                  <th className="num">Conf.</th>
                  <th>Why</th>
                  {turns ? null : <th>Conversation</th>}
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
                    onKeyDown={(e) => e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ') && setSelectedId(r.id)}
                    tabIndex={0}
                    data-testid="decision-row"
                    data-id={r.id}
                  >
                    {turns ? (
                      <td data-label="Turn" className="num">
                        {turnOf.get(r.id)}
                      </td>
                    ) : null}
                    <td data-label="Time">{formatTime(r.time)}</td>
                    <td data-label="Model" className="models">
                      <ModelPath record={r} />
                    </td>
                    <td data-label="Decision" className="decision-cell">
                      <span className={`badge decision-${r.decision}`}>{DECISION_LABELS[r.decision]}</span>
                      <LaterBadges record={r} />
                    </td>
                    <td data-label="Class" className="class-cell">
                      <ClassBadge record={r} />
                    </td>
                    <td data-label="Confidence" className="num">
                      {formatConfidence(r.confidence)}
                    </td>
                    <td data-label="Why" className="why">
                      {summarizeDecision(r)}
                    </td>
                    {turns ? null : (
                      <td data-label="Conversation" className="conversation-cell">
                        {r.conversationId ? (
                          <button
                            type="button"
                            className="link-button"
                            title={`Show the turns of ${r.conversationId}`}
                            onClick={(e) => (e.stopPropagation(), onConversation(r.conversationId!))}
                          >
                            {shortConversationId(r.conversationId)}
                          </button>
                        ) : null}
                        {r.project ? (
                          <small className="muted" title={r.project}>
                            {projectName(r.project)}
                          </small>
                        ) : null}
                      </td>
                    )}
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
          </div>
        )}
        {selected ? (
          <DecisionDetail
            record={selected}
            onClose={() => setSelectedId(null)}
            onConversation={conversation === null ? (id) => (setSelectedId(null), onConversation(id)) : undefined}
          />
        ) : null}
      </div>
    </div>
  );
}
