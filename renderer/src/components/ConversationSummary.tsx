// The head of one conversation's view in the log: which conversation and project, and its
// money today and since it began, as the proxy totals it (the same numbers as Claude Code's
// status line).
import { useEffect, useState } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import type { DecisionRecord } from '../../../contracts/decision';
import type { ConversationSummary, SpendCounts } from '../../../contracts/stats';
import { formatCount, formatMoney, knownCost, shortConversationId } from '../lib/format';

function Money({ label, counts }: { label: string; counts: SpendCounts }) {
  const cost = knownCost(counts.cost, counts.queries, counts.unpricedQueries);
  const savings = cost === null ? null : counts.savings;
  return (
    <div data-testid={`conversation-${label.toLowerCase().replace(/\s+/g, '-')}`}>
      <dt>{label}</dt>
      <dd>
        {formatMoney(cost)} spent ·{' '}
        <span className={savings !== null && savings < 0 ? 'negative' : undefined}>{formatMoney(savings)} saved</span>
        <small>
          {' '}
          {formatCount(counts.queries)} requests: {formatCount(counts.accepted)} accepted, {formatCount(counts.escalated)} escalated,{' '}
          {formatCount(counts.notWorthDrafting)} not worth drafting
          {counts.draftErrors ? `, ${formatCount(counts.draftErrors)} with a draft error` : ''}
          {counts.failed ? `, ${formatCount(counts.failed)} failed` : ''}
          {counts.unpricedQueries ? `, ${formatCount(counts.unpricedQueries)} of unknown price (not in the sums)` : ''}
        </small>
      </dd>
    </div>
  );
}

export function ConversationSummaryPanel({ api, id, turns }: { api: ControlApi; id: string; turns: readonly DecisionRecord[] | null }) {
  const [summary, setSummary] = useState<ConversationSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Once the turns are there, and again when one arrives or is amended (its cost may change).
  const version = turns ? `${turns.length}:${turns.filter((t) => t.shadow || t.laterFailed).length}` : null;
  useEffect(() => {
    if (version === null) return;
    let cancelled = false;
    api.getConversationSummary({ id }).then(
      (answer) => cancelled || (setSummary(answer), setError(null)),
      (e: Error) => cancelled || setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [api, id, version]);

  const conversation = summary?.conversation ?? null;
  return (
    <div className="conversation-summary">
      <h2>
        Conversation <code title={id}>{shortConversationId(id)}</code>
      </h2>
      {conversation?.project ? (
        <p className="muted">
          Project <code>{conversation.project}</code>
        </p>
      ) : null}
      {error ? <p className="note note-bad">Could not load its totals: {error}</p> : null}
      {summary === null ? null : conversation === null ? (
        <p className="muted">
          The proxy keeps no totals for this conversation: not seen since it started counting, or forgotten (it keeps the
          most recently active ones).
        </p>
      ) : (
        <dl className="conversation-money">
          <Money label="Today" counts={conversation.today} />
          <Money label="Since it began" counts={conversation.allTime} />
          <div>
            <dt>Active</dt>
            <dd>
              {new Date(conversation.firstSeen).toLocaleString()} – {new Date(conversation.lastSeen).toLocaleString()}
            </dd>
          </div>
        </dl>
      )}
    </div>
  );
}
