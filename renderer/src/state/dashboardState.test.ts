import { describe, expect, it } from 'vitest';
import { decisionRecord, rule, settings, stats, status, totals } from '../../../test/fixtures/contracts';
import { type DashboardData, dashboardReducer } from './dashboardState';

const base: DashboardData = { status: status(), stats: stats(), rules: [rule()], settings: settings(), decisions: [] };

describe('dashboardReducer', () => {
  it('ignores events until the snapshot is loaded', () => {
    expect(dashboardReducer(null, { type: 'event', event: { type: 'rules', rules: [] } })).toBeNull();
  });

  it('keeps decisions that arrived live while the snapshot loaded', () => {
    const live = { ...base, decisions: [decisionRecord({ id: 'live', time: 20 })] };
    const loaded = dashboardReducer(live, { type: 'loaded', data: { ...base, decisions: [decisionRecord({ id: 'old', time: 10 })] } });
    expect(loaded?.decisions.map((d) => d.id)).toEqual(['live', 'old']);
  });

  it('applies each kind of event', () => {
    let state = dashboardReducer(base, { type: 'event', event: { type: 'decision', record: decisionRecord({ id: 'a' }) } });
    expect(state?.decisions.map((d) => d.id)).toEqual(['a']);
    const next = stats({ today: totals({ queries: 9 }) });
    state = dashboardReducer(state, { type: 'event', event: { type: 'stats', stats: next } });
    expect(state?.stats).toBe(next);
    state = dashboardReducer(state, { type: 'event', event: { type: 'status', status: status({ state: 'error', error: 'Port 8000 is already in use' }) } });
    expect(state?.status.error).toBe('Port 8000 is already in use');
    state = dashboardReducer(state, { type: 'event', event: { type: 'rules', rules: [] } });
    expect(state?.rules).toEqual([]);
    state = dashboardReducer(state, { type: 'event', event: { type: 'settings', settings: settings({ paused: true }) } });
    expect(state?.settings.paused).toBe(true);
    expect(state?.decisions).toHaveLength(1);
    const laterFailed = { time: 5, reason: 'Edit came back is_error' };
    state = dashboardReducer(state, { type: 'event', event: { type: 'amend', amend: { id: 'a', laterFailed } } });
    expect(state?.decisions[0].laterFailed).toEqual(laterFailed);
  });
});

describe('a reset of the statistics', () => {
  const counted = stats({ allTime: totals({ queries: 3 }), today: totals({ queries: 3 }) });
  const before: DashboardData = { ...base, stats: counted, decisions: [decisionRecord({ id: 'a' }), decisionRecord({ id: 'b' })] };

  it('forgets the records held when the all-time count goes down, wherever the reset came from', () => {
    const after = dashboardReducer(before, { type: 'event', event: { type: 'stats', stats: stats() } });
    expect(after?.decisions).toEqual([]);
    expect(after?.stats.allTime.queries).toBe(0);
    // Growing counts keep them.
    const grown = stats({ allTime: totals({ queries: 4 }), today: totals({ queries: 4 }) });
    expect(dashboardReducer(before, { type: 'event', event: { type: 'stats', stats: grown } })?.decisions).toHaveLength(2);
  });

  it('does not bring old records back when the snapshot is loaded again after a reset', () => {
    const reloaded = dashboardReducer(before, { type: 'loaded', data: { ...base, decisions: [decisionRecord({ id: 'new' })] } });
    expect(reloaded?.decisions.map((d) => d.id)).toEqual(['new']);
  });
});
