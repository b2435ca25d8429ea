import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryControlApi } from '../../../test/fixtures/memory-api';
import { decisionRecord } from '../../../test/fixtures/contracts';
import { DecisionLog } from './DecisionLog';

afterEach(cleanup);

const now = Date.now();
const records = [
  decisionRecord({ id: 'acc', time: now - 1000, cost: 0.00035, savings: 0.0007 }),
  decisionRecord({
    id: 'esc',
    time: now - 2000,
    decision: 'escalated',
    answeringModel: 'claude-sonnet-4-5',
    confidence: 0.4,
    cost: 0.0021,
    baselineCost: 0.0018,
    savings: -0.0003,
    signals: [{ name: 'tool_schema', penalty: 0.6, reason: "tool input failed schema: missing 'command'" }],
    draft: { model: 'claude-haiku-4-5', status: 200, usage: { input_tokens: 100, output_tokens: 20 }, cost: 0.0003, latencyMs: 200, usageEstimated: true },
    verifier: { model: 'claude-sonnet-4-5', status: 200, usage: { input_tokens: 100, output_tokens: 100 }, cost: 0.0018, latencyMs: 900 },
  }),
  decisionRecord({ id: 'unp', time: now - 3000, decision: 'passthrough', ruleId: null, requestedModel: 'my-model', answeringModel: 'my-model', confidence: null, cost: null, baselineCost: null, savings: null, unpricedModels: ['my-model'] }),
];

describe('decision log', () => {
  it('lists decisions with the reason in words, unknown and negative money as such', () => {
    render(<DecisionLog api={new MemoryControlApi()} decisions={records} onMore={() => undefined} />);
    const rows = screen.getAllByTestId('decision-row');
    expect(rows).toHaveLength(3);
    expect(rows[1].textContent).toContain("tool input failed schema: missing 'command'");
    expect(within(rows[1]).getByText('-$0.0003').className).toContain('negative');
    expect(within(rows[2]).getAllByText('unknown')).toHaveLength(2);
    expect(rows[0].textContent).toContain('claude-sonnet-4-5 → claude-haiku-4-5');
  });

  it('filters by decision and asks the proxy for older ones of that kind', async () => {
    const api = new MemoryControlApi(undefined, records);
    const fetched: unknown[] = [];
    render(<DecisionLog api={api} decisions={records} onMore={(r) => fetched.push(...r)} />);
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: 'Escalated' })));
    expect(screen.getAllByTestId('decision-row').map((r) => r.textContent)).toHaveLength(1);
    expect(api.callsTo('getDecisions')).toEqual([[{ decision: 'escalated', limit: 500 }]]);
    expect(fetched).toHaveLength(1);

    fireEvent.click(screen.getByRole('radio', { name: 'Draft failed' }));
    expect(screen.getByText('No decisions match this filter.')).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'All' }));
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'my-model' } });
    expect(screen.getAllByTestId('decision-row')).toHaveLength(1);
  });

  it('opens a detail panel with both calls and the signals', () => {
    render(<DecisionLog api={new MemoryControlApi()} decisions={records} onMore={() => undefined} />);
    fireEvent.click(screen.getAllByTestId('decision-row')[1]);
    const detail = screen.getByTestId('decision-detail');
    expect(detail.textContent).toContain('0.40 (threshold 0.70)');
    expect(detail.textContent).toContain('tool_schema, −0.60');
    expect(within(detail).getByText('Draft:').parentElement?.textContent).toContain('claude-haiku-4-5');
    expect(detail.textContent).toContain('20 out (output estimated');
    expect(detail.textContent).toContain('Verifier: claude-sonnet-4-5');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('decision-detail')).toBeNull();
  });
});
