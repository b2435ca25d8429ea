// Display formatting. Unknown values stay visibly unknown; negative values keep their sign.
import type { ActionClass, DecisionRecord } from '../../../contracts/decision';

export const UNKNOWN = 'unknown';
export const NOT_APPLICABLE = '—';

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
// A request often costs a fraction of a cent: keep three significant digits there.
const fractionsOfCent = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });

export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  if (value === 0) return dollars.format(0);
  const magnitude = Math.abs(value);
  if (magnitude >= 1) return dollars.format(value);
  return magnitude >= 0.01 ? cents.format(value) : fractionsOfCent.format(value);
}

/** Ratio (0.42) as a percentage ("42.0%"); null when there is nothing to divide by. */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NOT_APPLICABLE;
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Savings as a share of what the requested models would have cost. */
export function savingsRatio(savings: number | null, baselineCost: number | null): number | null {
  if (savings === null || baselineCost === null || baselineCost <= 0) return null;
  return savings / baselineCost;
}

/**
 * A request's money with its meaning spelled out, for places without column headings: what it
 * saved, what the cascade cost on top, or just its cost when it saved nothing (passthroughs).
 */
export function amountInWords({ savings, cost }: Pick<DecisionRecord, 'savings' | 'cost'>): { text: string; tone: 'good' | 'bad' | null } {
  if (savings === null) return { text: `cost ${UNKNOWN}`, tone: null };
  if (savings > 0) return { text: `saved ${formatMoney(savings)}`, tone: 'good' };
  if (savings < 0) return { text: `cost ${formatMoney(-savings)} more`, tone: 'bad' };
  return { text: `cost ${formatMoney(cost)}`, tone: null };
}

/** Totals' cost sums only priced requests: when none was priced the cost is unknown, not $0. */
export function knownCost(total: number, queries: number, unpricedQueries: number): number | null {
  return queries > 0 && unpricedQueries >= queries ? null : total;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return value < 10_000 ? value.toLocaleString('en-US') : compact.format(value);
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return NOT_APPLICABLE;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatConfidence(value: number | null | undefined): string {
  return value === null || value === undefined ? NOT_APPLICABLE : value.toFixed(2);
}

/** Clock time for today's entries, date and time for older ones. */
export function formatTime(epochMs: number, now: number = Date.now()): string {
  const date = new Date(epochMs);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export const ACTION_CLASS_LABELS: Record<ActionClass, string> = { read: 'Read', write: 'Write', answer: 'Answer' };

/** What each class covers, for tooltips and the Rules view. */
export const ACTION_CLASS_HINTS: Record<ActionClass, string> = {
  read: 'tool calls that only read (Read, Grep, Glob, read-only Bash): cheap to get wrong, the next turn corrects them',
  write: 'edits, writes, commands not proven read-only, unknown tools',
  answer: 'text for the user, no tool call',
};

/** "s:1f0c2a9e" for "s:1f0c2a9e-…": the kind prefix (session or hash) and enough of the id to tell them apart. */
export function shortConversationId(id: string): string {
  const colon = id.indexOf(':');
  return colon >= 0 && colon < 3 ? id.slice(0, colon + 9) : id.slice(0, 8);
}

/** The last folder of a working directory, which is how people name their projects. */
export function projectName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.at(-1) ?? path;
}
