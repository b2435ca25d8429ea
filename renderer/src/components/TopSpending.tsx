// The conversations and projects that cost and saved the most, today, over 7 days or all time,
// as the proxy totals them. A conversation opens its turns in the decision log.
import { useState, type ReactNode } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import { SPEND_PERIODS, type ConversationSpend, type ProjectSpend, type SpendCounts, type SpendPeriod, type StatsSnapshot } from '../../../contracts/stats';
import { formatCount, formatMoney, knownCost, projectName, shortConversationId } from '../lib/format';
import { useRefreshed } from '../state/useRefreshed';

const PERIOD_LABELS: Record<SpendPeriod, string> = { today: 'Today', '7d': '7 days', all: 'All time' };

/** Entries per list: the overview shows the few that matter. */
const TOP = 5;

function Amounts({ counts }: { counts: SpendCounts }) {
  const cost = knownCost(counts.cost, counts.queries, counts.unpricedQueries);
  const savings = cost === null ? null : counts.savings;
  return (
    <>
      <span className="num">{formatMoney(cost)}</span>
      <span className={`num${savings !== null && savings < 0 ? ' negative' : ''}`}>{formatMoney(savings)}</span>
      <span className="num muted">{formatCount(counts.queries)}</span>
    </>
  );
}

/** One top list: a heading, the column names, and a row per entry (its label, then its amounts). */
function SpendList<T extends { counts: SpendCounts }>({
  title,
  entries,
  keyOf,
  label,
}: {
  title: string;
  entries: T[];
  keyOf: (entry: T) => string;
  label: (entry: T) => ReactNode;
}) {
  return (
    <div className="top-list" data-testid={`top-${title.toLowerCase().replace(/\s+/g, '-')}`}>
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p className="muted">None in this period.</p>
      ) : (
        <ol>
          <li className="top-head muted" aria-hidden="true">
            <span />
            <span className="num">Cost</span>
            <span className="num">Saved</span>
            <span className="num">Req.</span>
          </li>
          {entries.map((entry) => (
            <li key={keyOf(entry)}>
              {label(entry)}
              <Amounts counts={entry.counts} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ConversationList({ title, entries, onConversation }: { title: string; entries: ConversationSpend[]; onConversation: (id: string) => void }) {
  return (
    <SpendList
      title={title}
      entries={entries}
      keyOf={(c) => c.conversationId}
      label={(c) => (
        <span>
          <button type="button" className="link-button" title={`Show the turns of ${c.conversationId}`} onClick={() => onConversation(c.conversationId)}>
            {shortConversationId(c.conversationId)}
          </button>
          {c.project ? (
            <>
              {' '}
              <small className="muted" title={c.project}>
                {projectName(c.project)}
              </small>
            </>
          ) : null}
        </span>
      )}
    />
  );
}

function ProjectList({ title, entries }: { title: string; entries: ProjectSpend[] }) {
  return <SpendList title={title} entries={entries} keyOf={(p) => p.project} label={(p) => <span title={p.project}>{projectName(p.project)}</span>} />;
}

export function TopSpending({ api, stats, onConversation }: { api: ControlApi; stats: StatsSnapshot; onConversation: (id: string) => void }) {
  const [period, setPeriod] = useState<SpendPeriod>('today');
  // Asked again with every stats event: a request changed some conversation's money.
  const { value: spending, error } = useRefreshed(() => api.getSpending({ period, limit: TOP }), [api, period, stats]);
  const current = spending?.period === period ? spending : null;
  return (
    <section className="panel top-spending" aria-labelledby="top-title" data-testid="top-spending">
      <div className="panel-head">
        <h2 id="top-title">Conversations and projects</h2>
        <div className="segmented" role="radiogroup" aria-label="Period">
          {SPEND_PERIODS.map((p) => (
            <button key={p} type="button" role="radio" aria-checked={period === p} onClick={() => setPeriod(p)}>
              {PERIOD_LABELS[p]}
            </button>
          ))}
        </div>
      </div>
      {error ? <p className="note note-bad">Could not load them: {error}</p> : null}
      {current === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <div className="top-lists">
            <ConversationList title="Conversations by cost" entries={current.conversations.byCost} onConversation={onConversation} />
            <ConversationList title="Conversations by savings" entries={current.conversations.bySavings} onConversation={onConversation} />
            <ProjectList title="Projects by cost" entries={current.projects.byCost} />
            <ProjectList title="Projects by savings" entries={current.projects.bySavings} />
          </div>
          {current.kept.conversations >= current.kept.conversationCap || current.kept.projects >= current.kept.projectCap ? (
            <p className="muted">
              The proxy keeps the {formatCount(current.kept.conversationCap)} most recently active conversations and{' '}
              {formatCount(current.kept.projectCap)} projects; older ones are left out here but still counted in the totals.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
