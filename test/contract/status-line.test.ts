import { describe, expect, it } from 'vitest';
import { dollars, formatStatusLine } from '../../contracts/status-line';
import type { ConversationSummary, SpendCounts } from '../../contracts/stats';
import { conversationSummary, spendCounts } from '../fixtures/contracts';

function withSession(allTime: Partial<SpendCounts>, today: Partial<SpendCounts>): ConversationSummary {
  const counts = spendCounts(allTime);
  return conversationSummary({
    conversation: { conversationId: 's:abc', project: '/work/app', firstSeen: 1, lastSeen: 2, allTime: counts, today: counts },
    today: spendCounts(today),
  });
}

describe('formatStatusLine', () => {
  it("shows the session's savings with their share of the baseline, its drafts and today's spend", () => {
    // $0.42 saved of $1.10: 38 %.
    const summary = withSession({ queries: 16, cost: 0.68, baselineCost: 1.1, savings: 0.42, accepted: 12, escalated: 3, passthrough: 1 }, { queries: 40, cost: 1.9 });
    expect(formatStatusLine(summary)).toBe('⚡ saved $0.42 (38 %) this session · 12 drafts ✓ 3 ↑ · today $1.90');
  });

  it('shows a loss as a loss', () => {
    const summary = withSession({ queries: 2, cost: 0.016, baselineCost: 0.012, savings: -0.004, escalated: 2 }, { queries: 2, cost: 0.016 });
    expect(formatStatusLine(summary)).toBe('⚡ saved -$0.0040 (-33 %) this session · 0 drafts ✓ 2 ↑ · today $0.02');
  });

  it('shows unknown prices as unknown, never as $0', () => {
    const unknown = withSession({ queries: 3, passthrough: 3, unpricedQueries: 3 }, { queries: 3, unpricedQueries: 3 });
    expect(formatStatusLine(unknown)).toBe('⚡ savings unknown this session · 0 drafts ✓ 0 ↑ · today unknown');
    const partly = withSession({ queries: 3, cost: 0.002, baselineCost: 0.006, savings: 0.004, accepted: 1, passthrough: 2, unpricedQueries: 2 }, { queries: 5, cost: 0.01, unpricedQueries: 2 });
    expect(formatStatusLine(partly)).toBe('⚡ saved $0.0040 (67 %) this session (2 unpriced) · 1 draft ✓ 0 ↑ · today $0.01 (2 unpriced)');
  });

  it('counts the drafts the proxy chose not to make', () => {
    const summary = withSession({ queries: 5, cost: 0.05, baselineCost: 0.06, savings: 0.01, accepted: 2, notWorthDrafting: 3 }, { queries: 5, cost: 0.05 });
    expect(formatStatusLine(summary)).toBe('⚡ saved $0.01 (17 %) this session · 2 drafts ✓ 0 ↑ 3 skipped · today $0.05');
  });

  it('says so when the session has no request yet, and shows a quiet day as $0.00', () => {
    expect(formatStatusLine(conversationSummary())).toBe('⚡ no requests this session yet · today $0.00');
  });
});

describe('dollars', () => {
  it('keeps cents, and two significant digits below a cent', () => {
    expect([2.5, 0.42, 0.01, 0.0042, 0.00001234, 0, -0.5, -0.004].map(dollars)).toEqual([
      '$2.50',
      '$0.42',
      '$0.01',
      '$0.0042',
      '$0.000012',
      '$0.00',
      '-$0.50',
      '-$0.0040',
    ]);
  });
});
