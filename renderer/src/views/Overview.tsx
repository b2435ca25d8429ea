import type { ProxyStatus, StatsSnapshot } from '../../../proxy/control/api';
import type { Totals } from '../../../proxy/types';
import {
  acceptanceRate,
  formatCount,
  formatMoney,
  formatPercent,
  knownCost,
  savingsRatio,
} from '../lib/format';
import type { Transport } from '../client/transport';
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
      </dl>
      {negative ? (
        <p className="note note-bad">
          Savings are negative: escalated requests paid for the draft and then for the requested model, and that
          outweighed what the accepted drafts saved. Check the decision log for why drafts were escalated, or disable the
          rule for that model.
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

export function Overview({ stats, status, transport }: { stats: StatsSnapshot; status: ProxyStatus; transport: Transport }) {
  return (
    <div className="view overview">
      {stats.allTime.queries === 0 ? <GettingStarted status={status} transport={transport} /> : null}
      <TotalsPanel title="Today" totals={stats.today} id="today" />
      <TotalsPanel title="All time" totals={stats.allTime} id="all-time" />
    </div>
  );
}
