import type { ProxyStatus } from '../../../contracts/status';
import { answeredByDraftShare, draftAcceptanceRate, draftedRequests, type StatsSnapshot, type Totals } from '../../../contracts/stats';
import { DECISION_LABELS, type DecisionRecord } from '../../../contracts/decision';
import { shapeHistory } from '../lib/chartData';
import { amountInWords, formatCount, formatMoney, formatPercent, formatTime, knownCost, savingsRatio } from '../lib/format';
import type { Transport } from '../client/transport';
import { summarizeDecision } from '../lib/logFilter';
import { ModelPath } from '../components/ModelPath';
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
          label="Draft acceptance"
          value={formatPercent(draftAcceptanceRate(totals))}
          hint={`${formatCount(totals.accepted)} of ${formatCount(draftedRequests(totals))} drafted requests`}
        />
        <Metric
          label="Answered by a draft"
          value={formatPercent(answeredByDraftShare(totals))}
          hint={`${formatCount(totals.accepted)} of ${formatCount(totals.queries)} requests`}
        />
        <Metric label={DECISION_LABELS.escalated} value={formatCount(totals.escalated)} />
        <Metric label={`${DECISION_LABELS.draft_error}s`} value={formatCount(totals.draftErrors)} />
        <Metric label={DECISION_LABELS.passthrough} value={formatCount(totals.passthrough)} />
        <Metric
          label={DECISION_LABELS.not_worth_drafting}
          value={formatCount(totals.notWorthDrafting)}
          hint={`est. ${formatMoney(totals.skippedDraftLossAvoided)} loss avoided`}
        />
        {totals.failed > 0 ? (
          <Metric label={DECISION_LABELS.failed} value={formatCount(totals.failed)} hint="the client got an error" tone="bad" />
        ) : null}
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

/** One line per request, readable at tray width: the amount is labelled and never the part cut off. */
function RecentDecisions({ decisions }: { decisions: readonly DecisionRecord[] }) {
  return (
    <section className="panel recent" aria-labelledby="recent-title">
      <h2 id="recent-title">Latest decisions</h2>
      <ul>
        {decisions.slice(0, 5).map((r) => {
          const amount = amountInWords(r);
          return (
            <li key={r.id} data-testid="recent-decision">
              <time className="muted" dateTime={new Date(r.time).toISOString()}>
                {formatTime(r.time)}
              </time>
              <span className={`badge decision-${r.decision}`}>{DECISION_LABELS[r.decision]}</span>
              <span className={`recent-amount${amount.tone === 'bad' ? ' negative' : ''}`} data-testid="recent-amount">
                {amount.text}
              </span>
              <ModelPath record={r} />
              <span className="recent-why muted" title={summarizeDecision(r)}>
                {summarizeDecision(r)}
              </span>
            </li>
          );
        })}
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
          <CumulativeCostChart stats={stats} points={shapeHistory(stats.history, 'day')} range="day" title="Last 24 hours: actual vs without cascade" />
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
