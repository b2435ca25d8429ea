import { useState } from 'react';
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { StatsSnapshot } from '../../../contracts/stats';
import { type ChartPoint, formatBucketTime, hasTraffic, modelCharts, RANGES, type Range, shapeHistory } from '../lib/chartData';
import { formatMoney, formatPercent } from '../lib/format';

const axisTick = { fill: 'var(--muted)', fontSize: 11 };
const tooltipStyle = { background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' };
const money = (value: unknown) => formatMoney(Number(value));

/** Before the first request every chart says so, instead of drawing made-up axes around nothing. */
export const NO_REQUESTS = 'No requests yet';

/**
 * Why a time chart has nothing to draw, or null when it has: no request ever, none in the
 * range, or none of the kind it plots (`what`, e.g. "known cost").
 */
export function emptyRange(stats: StatsSnapshot, points: readonly ChartPoint[], range: Range, drawable: boolean, what: string): string | null {
  const span = `the ${RANGES[range].label.toLowerCase()}`;
  if (stats.allTime.queries === 0) return NO_REQUESTS;
  if (!hasTraffic(points)) return `No requests in ${span}`;
  return drawable ? null : `No ${what} in ${span}`;
}

/** Money moved in the range (a range of unpriced requests has nothing to plot in dollars). */
const hasMoney = (points: readonly ChartPoint[]) => points.some((p) => p.cost !== 0 || p.baselineCost !== 0);

function ChartPanel({ title, children, testId, empty }: { title: string; children: React.ReactNode; testId: string; empty: string | null }) {
  return (
    <section className="panel chart" data-testid={testId}>
      <h2>{title}</h2>
      {empty === null ? (
        <div className="chart-body">
          <ResponsiveContainer width="100%" height="100%">
            {children as React.ReactElement}
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="chart-empty muted" data-testid="chart-empty">
          {empty}
        </p>
      )}
    </section>
  );
}

/** The gap between the two lines is what the cascade saved over the range. */
export function CumulativeCostChart({
  stats,
  points,
  range,
  title = 'Cumulative cost: actual vs without cascade',
}: {
  stats: StatsSnapshot;
  points: ChartPoint[];
  range: Range;
  title?: string;
}) {
  const tick = (start: number) => formatBucketTime(start, range);
  return (
    <ChartPanel title={title} testId="chart-cumulative" empty={emptyRange(stats, points, range, hasMoney(points), 'known cost')}>
      <ComposedChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis dataKey="start" tickFormatter={tick} tick={axisTick} minTickGap={24} />
        <YAxis tickFormatter={money} tick={axisTick} width={64} />
        <Tooltip labelFormatter={(v) => tick(Number(v))} formatter={money} contentStyle={tooltipStyle} />
        <Legend />
        <Area type="stepAfter" dataKey="cumulativeBaseline" name="Without cascade" stroke="var(--baseline)" fill="var(--baseline-fill)" isAnimationActive={false} />
        <Line type="stepAfter" dataKey="cumulativeCost" name="Actual" stroke="var(--accent)" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ChartPanel>
  );
}

export function Charts({ stats }: { stats: StatsSnapshot }) {
  const [range, setRange] = useState<Range>('hour');
  const points = shapeHistory(stats.history, range);
  const tick = (start: number) => formatBucketTime(start, range);
  const models = modelCharts(stats.allTime);
  const anyNegative = points.some((p) => p.savings < 0);
  const drafted = points.some((p) => p.savings !== 0 || p.acceptanceRate !== null);
  const never = stats.allTime.queries === 0 ? NO_REQUESTS : null;

  return (
    <div className="view charts">
      <div className="segmented" role="radiogroup" aria-label="Time range">
        {(Object.keys(RANGES) as Range[]).map((key) => (
          <button key={key} type="button" role="radio" aria-checked={range === key} onClick={() => setRange(key)}>
            {RANGES[key].label}
          </button>
        ))}
      </div>

      <CumulativeCostChart stats={stats} points={points} range={range} />

      <ChartPanel title="Savings and draft acceptance per bucket" testId="chart-savings" empty={emptyRange(stats, points, range, drafted, 'drafts')}>
        <ComposedChart data={points} margin={{ top: 8, right: 0, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="start" tickFormatter={tick} tick={axisTick} minTickGap={24} />
          <YAxis yAxisId="money" tickFormatter={money} tick={axisTick} width={64} />
          <YAxis yAxisId="rate" orientation="right" domain={[0, 1]} tickFormatter={(v) => formatPercent(v, 0)} tick={axisTick} width={40} />
          <Tooltip
            labelFormatter={(v) => tick(Number(v))}
            formatter={(value, name) => (name === 'Draft acceptance' ? formatPercent(Number(value)) : money(value))}
            contentStyle={tooltipStyle}
          />
          <Legend />
          <ReferenceLine yAxisId="money" y={0} stroke="var(--muted)" />
          <Bar yAxisId="money" dataKey="savings" name="Savings" fill="var(--good)" isAnimationActive={false}>
            {points.map((p) => (
              <Cell key={p.start} fill={p.savings < 0 ? 'var(--bad)' : 'var(--good)'} />
            ))}
          </Bar>
          <Line yAxisId="rate" type="monotone" dataKey="acceptanceRate" name="Draft acceptance" stroke="var(--accent)" dot={{ r: 2 }} connectNulls isAnimationActive={false} />
        </ComposedChart>
      </ChartPanel>
      {anyNegative && drafted ? (
        <p className="note">Red bars are buckets where escalations cost more than accepted drafts saved.</p>
      ) : null}

      <div className="chart-pair">
        <ChartPanel title="Requests by answering model" testId="chart-requests-by-model" empty={never ?? (models.requests.length === 0 ? 'No answered requests yet' : null)}>
          <BarChart data={models.requests} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 0 }}>
            <XAxis type="number" allowDecimals={false} tick={axisTick} />
            <YAxis type="category" dataKey="model" width={190} tick={axisTick} />
            <Tooltip contentStyle={tooltipStyle} />
            <Bar dataKey="requests" name="Requests" fill="var(--accent)" isAnimationActive={false} />
          </BarChart>
        </ChartPanel>
        <ChartPanel title="Cost by model" testId="chart-cost-by-model" empty={never ?? (models.costs.length === 0 ? 'No known cost yet' : null)}>
          <BarChart data={models.costs} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 0 }}>
            <XAxis type="number" tickFormatter={money} tick={axisTick} />
            <YAxis type="category" dataKey="model" width={190} tick={axisTick} />
            <Tooltip formatter={money} contentStyle={tooltipStyle} />
            <Bar dataKey="cost" name="Cost" fill="var(--baseline)" isAnimationActive={false} />
          </BarChart>
        </ChartPanel>
      </div>
      {models.unpriced.length > 0 ? (
        <p className="note" data-testid="unpriced-models">
          No known price, so no cost shown: {models.unpriced.join(', ')}. Add a price override in Settings.
        </p>
      ) : null}
    </div>
  );
}
