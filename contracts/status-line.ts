// The one line Claude Code's status line shows: this session's savings and drafts, today's
// spend. The proxy builds it (the control API's getStatusLine) and every status line command
// prints it as it comes, so there is one formatter. Money is never made up: a loss is shown as
// a loss, and requests of unknown price as unknown, never as $0.
import type { ConversationSummary, SpendCounts } from './stats';

/** $1.90, $0.42; below a cent two significant digits ($0.0042), so a small amount never reads as $0.00. */
export function dollars(amount: number): string {
  const abs = Math.abs(amount);
  const text = abs === 0 || abs >= 0.01 ? abs.toFixed(2) : abs.toPrecision(2);
  return `${amount < 0 ? '-' : ''}$${text}`;
}

/** Requests whose money is known. */
const priced = (counts: SpendCounts) => counts.queries - counts.unpricedQueries;

function unpricedNote(counts: SpendCounts): string {
  return counts.unpricedQueries > 0 && priced(counts) > 0 ? ` (${counts.unpricedQueries} unpriced)` : '';
}

function sessionPart(counts: SpendCounts): string {
  if (priced(counts) === 0) return 'savings unknown this session';
  const pct = counts.baselineCost > 0 ? ` (${Math.round((counts.savings / counts.baselineCost) * 100)} %)` : '';
  return `saved ${dollars(counts.savings)}${pct} this session${unpricedNote(counts)}`;
}

function draftsPart(counts: SpendCounts): string {
  const skipped = counts.notWorthDrafting > 0 ? ` ${counts.notWorthDrafting} skipped` : '';
  return `${counts.accepted} draft${counts.accepted === 1 ? '' : 's'} ✓ ${counts.escalated} ↑${skipped}`;
}

function todayPart(counts: SpendCounts): string {
  if (counts.queries > 0 && priced(counts) === 0) return 'today unknown';
  return `today ${dollars(counts.cost)}${unpricedNote(counts)}`;
}

export function formatStatusLine({ conversation, today }: ConversationSummary): string {
  const parts = conversation ? [sessionPart(conversation.allTime), draftsPart(conversation.allTime)] : ['no requests this session yet'];
  return `⚡ ${[...parts, todayPart(today)].join(' · ')}`;
}
