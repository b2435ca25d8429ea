import type { ProxyStatus } from '../../../contracts/status';
import type { StatsSnapshot, Totals } from '../../../contracts/stats';
import type { DecisionRecord } from '../../../contracts/decision';
import { shapeHistory } from '../lib/chartData';
import {
  acceptanceRate,
  DECISION_LABELS,
  formatCount,
  formatMoney,
  formatPercent,
  knownCost,
  savingsRatio,
} from '../lib/format';
import type { Transport } from '../client/transport';
import { summarizeDecision } from '../lib/logFilter';
import { TopSpending } from '../components/TopSpending';
import { CumulativeCostChart } from './Charts';
import { GettingStarted } from './GettingStarted';

function Metric({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: 'good' | 'bad' }) {
  return (
    <div className={`metric${tone ? ` metric-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd data-testid={label}>{value}</dd>
      {hint ? <small>{hint}</small> : null}
    </div>
  );
}

function TotalsPanel({ title, totals, id }: { title: string; totals: Totals; id: string }) {
  const cost = knownCost(totals.cost, totals.queries, totals.unpricedQueries);
  const baseline = knownCost(totals.baselineCost, totals.queries, totals.unpricedQueries);
  const savings = cost === null || baseline === null ? null : totals.savings;
  const ratio = savingsRatio(savings, baseline);
  const negative = savings !== null && savings < 0;
  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid={`totals-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <dl className="metrics">
        <Metric label="Saved" value={formatMoney(savings)} hint={formatPercent(ratio)} tone={negative ? 'bad' : savings ? 'good' : undefined} />
        <Metric label="Requests" value={formatCount(totals.queries)} />
        <Metric label="Actual cost" value={formatMoney(cost)} />
        <Metric label="Without cascade" value={formatMoney(baseline)} />
        <Metric
          label="Drafts accepted"
          value={formatPercent(acceptanceRate(totals))}
          hint={`${formatCount(totals.accepted)} accepted`}
        />
        <Metric label="Escalations" value={formatCount(totals.escalated)} />
        <Metric label="Draft errors" value={formatCount(totals.draftErrors)} />
        <Metric label="Passthrough" value={formatCount(totals.passthrough)} />
        <Metric
          label="Not worth drafting"
          value={formatCount(totals.notWorthDrafting)}
          hint={`est. ${formatMoney(totals.skippedDraftLossAvoided)} loss avoided`}
        />
      </dl>
      {negative ? (
        <p className="note note-bad">
          Savings are negative: escalated requests paid for the draft and then for the requested model (and shadow
          checks, when sampling is on, pay the verifier once more), and that outweighed what the accepted drafts saved.
          Check the decision log for why drafts were escalated, or disable the rule for that model.
        </p>
      ) : null}
      {totals.unpricedQueries > 0 ? (
        <p className="note">
          {formatCount(totals.unpricedQueries)} request{totals.unpricedQueries === 1 ? '' : 's'} used a model with no
          known price: {totals.unpricedQueries === 1 ? 'its' : 'their'} cost is unknown and not included above. Add a
          price override in Settings.
        </p>
      ) : null}
    </section>
  );
}

function RecentDecisions({ decisions }: { decisions: readonly DecisionRecord[] }) {
  return (
    <section className="panel recent" aria-labelledby="recent-title">
      <h2 id="recent-title">Latest decisions</h2>
      <ul>
        {decisions.slice(0, 5).map((r) => (
          <li key={r.id}>
            <span className={`badge decision-${r.decision}`}>{DECISION_LABELS[r.decision]}</span>{' '}
            <code>{r.answeringModel}</code> <span className="muted">{summarizeDecision(r)}</span>{' '}
            <span className={r.savings !== null && r.savings < 0 ? 'negative' : 'muted'}>{formatMoney(r.savings)}</span>
          </li>
        ))}
      </ul>
      <a href="#log">Open the decision log</a>
    </section>
  );
}

export function Overview({
  stats,
  status,
  decisions,
  transport,
  onConversation,
}: {
  stats: StatsSnapshot;
  status: ProxyStatus;
  decisions: readonly DecisionRecord[];
  transport: Transport;
  /** Open a conversation's turns in the decision log. */
  onConversation: (id: string) => void;
}) {
  const started = stats.allTime.queries > 0;
  return (
    <div className="view overview">
      {started ? null : <GettingStarted status={status} transport={transport} />}
      <TotalsPanel title="Today" totals={stats.today} id="today" />
      <TotalsPanel title="All time" totals={stats.allTime} id="all-time" />
      {started ? (
        <div className="overview-wide">
          <CumulativeCostChart points={shapeHistory(stats.history, 'day')} range="day" title="Last 24 hours: actual vs without cascade" />
        </div>
      ) : null}
      {started ? (
        <div className="overview-wide">
          <TopSpending api={transport.api} stats={stats} onConversation={onConversation} />
        </div>
      ) : null}
      {decisions.length > 0 ? (
        <div className="overview-wide">
          <RecentDecisions decisions={decisions} />
        </div>
      ) : null}
    </div>
  );
}
