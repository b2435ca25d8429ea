import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../../contracts/decision';
import { MemoryControlApi } from '../../../test/fixtures/memory-api';
import { conversationSummary, decisionRecord, spendCounts } from '../../../test/fixtures/contracts';
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
    render(<DecisionLog api={new MemoryControlApi()} decisions={records} onMore={() => undefined} onConversation={() => undefined} />);
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
    render(<DecisionLog api={api} decisions={records} onMore={(r) => fetched.push(...r)} onConversation={() => undefined} />);
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: 'Escalated' })));
    expect(screen.getAllByTestId('decision-row').map((r) => r.textContent)).toHaveLength(1);
    expect(api.callsTo('getDecisions')).toEqual([[{ decision: 'escalated', limit: 500 }]]);
    expect(fetched).toHaveLength(1);

    fireEvent.click(screen.getByRole('radio', { name: 'Draft error' }));
    expect(screen.getByText('No decisions match this filter.')).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'All' }));
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'my-model' } });
    expect(screen.getAllByTestId('decision-row')).toHaveLength(1);
  });

  it('opens a detail panel with both calls and the signals', () => {
    render(<DecisionLog api={new MemoryControlApi()} decisions={records} onMore={() => undefined} onConversation={() => undefined} />);
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

  it('names the replica that answered in the detail, only when the record has one', () => {
    const team = [decisionRecord({ id: 'team', replica: 'replica-2' }), decisionRecord({ id: 'solo' })];
    render(<DecisionLog api={new MemoryControlApi()} decisions={team} onMore={() => undefined} onConversation={() => undefined} />);
    fireEvent.click(screen.getAllByTestId('decision-row')[0]);
    const detail = screen.getByTestId('decision-detail');
    expect(within(detail).getByTestId('replica').textContent).toBe('replica-2');
    expect(within(detail).getByText('Replica').nextElementSibling?.textContent).toBe('replica-2');
    fireEvent.click(screen.getAllByTestId('decision-row')[1]);
    expect(within(screen.getByTestId('decision-detail')).queryByTestId('replica')).toBeNull();
    expect(screen.getByTestId('decision-detail').textContent).not.toContain('Replica');
  });
});

const session = 's:1f0c2a9e-77aa-4c1b-9d3e-0123456789ab';
const project = '/home/ada/shop';
const agent = [
  decisionRecord({
    id: 'read',
    time: now - 30_000,
    actionClass: 'read',
    unverified: true,
    conversationId: session,
    project,
    signals: [
      { name: 'policy', penalty: 0, reason: 'confidence 0.90 ≥ threshold 0.55 (read)' },
      { name: 'tool_fit', penalty: 0, support: 0.4, reason: 'Read fits the request' },
    ],
    laterFailed: { time: now - 20_000, reason: 'Read came back is_error: File does not exist.' },
  }),
  decisionRecord({
    id: 'skip',
    time: now - 20_000,
    decision: 'not_worth_drafting',
    answeringModel: 'claude-sonnet-4-5',
    confidence: null,
    threshold: null,
    conversationId: session,
    project,
    savings: 0,
    baselineCost: 0.006,
    cost: 0.006,
    signals: [{ name: 'after_failure', penalty: 0, reason: 'Read came back is_error: File does not exist.: the requested model answers, 1 more request to go' }],
    estimate: { direct: 0.0061, draft: 0.0094, acceptance: 0.25, acceptanceBasis: 'conversation (1 of 4)' },
  }),
  decisionRecord({
    id: 'edit',
    time: now - 10_000,
    actionClass: 'write',
    conversationId: 'h:9a8b7c6d5e4f',
    shadow: { model: 'claude-sonnet-4-5', agreed: false, reason: 'different old_string for src/app.ts', method: 'tool_calls', cost: 0.0042, usage: null },
  }),
];

function renderLog(api: MemoryControlApi, decisions: DecisionRecord[], props: { conversation?: string | null; onConversation?: (id: string | null) => void } = {}) {
  const onConversation = props.onConversation ?? (() => undefined);
  const view = render(<DecisionLog api={api} decisions={decisions} onMore={() => undefined} conversation={props.conversation} onConversation={onConversation} />);
  return { ...view, update: (next: DecisionRecord[]) => view.rerender(<DecisionLog api={api} decisions={next} onMore={() => undefined} conversation={props.conversation} onConversation={onConversation} />) };
}

describe('agent decisions in the log', () => {
  it('shows class, unverified, conversation and project, a later failure and a shadow result in the rows', () => {
    renderLog(new MemoryControlApi(), [...agent].reverse());
    const [edit, skip, read] = screen.getAllByTestId('decision-row');
    expect(within(read).getByText('Read').title).toContain('only read');
    expect(within(read).getByText('unverified')).toBeTruthy();
    expect(within(read).getByRole('button', { name: 's:1f0c2a9e' }).title).toBe(`Show the turns of ${session}`);
    expect(within(read).getByText('shop').title).toBe(project);
    expect(within(read).getByTestId('later-failed').title).toBe('Read came back is_error: File does not exist.');
    // With nothing against the draft, the row says why the policy let it through.
    expect(within(read).getByText('confidence 0.90 ≥ threshold 0.55 (read)')).toBeTruthy();
    expect(skip.textContent).toContain('Not worth drafting');
    expect(skip.textContent).toContain('1 more request to go');
    expect(within(edit).getByTestId('shadow-badge').textContent).toBe('shadow disagreed');
    expect(within(edit).getByText('Write')).toBeTruthy();
  });

  it('details a skip with both estimates, p and its basis', () => {
    renderLog(new MemoryControlApi(), agent);
    fireEvent.click(screen.getAllByTestId('decision-row')[1]);
    const estimate = within(screen.getByTestId('decision-detail')).getByTestId('estimate');
    expect(estimate.textContent).toContain('Going direct$0.0061');
    expect(estimate.textContent).toContain('Drafting$0.0094');
    expect(estimate.textContent).toContain('25% from conversation (1 of 4)');
    expect(within(estimate).getByText('cost $0.0033 more').className).toBe('negative');
    expect(screen.getByTestId('decision-detail').textContent).toContain('WhyRead came back is_error: File does not exist.: the requested model answers');
  });

  it('details the policy, the evidence, the later failure and the shadow check', () => {
    renderLog(new MemoryControlApi(), agent);
    fireEvent.click(screen.getAllByTestId('decision-row')[0]);
    const detail = screen.getByTestId('decision-detail');
    expect(within(detail).getByTestId('later-failed-detail').textContent).toContain('Read came back is_error: File does not exist.');
    expect(detail.textContent).toContain('ClassRead (tool calls that only read');
    expect(detail.textContent).toContain('unverified: no check found evidence for or against it');
    expect(detail.textContent).toMatch(/Why.*confidence 0\.90 ≥ threshold 0\.55 \(read\) \(policy\)/);
    expect(detail.textContent).toContain('For the draftRead fits the request (tool_fit, +0.40 evidence)');
    expect(detail.textContent).toContain(`Project${project}`);

    fireEvent.click(screen.getAllByTestId('decision-row')[2]);
    const shadow = screen.getByTestId('shadow-result');
    expect(shadow.textContent).toContain('Shadow check by claude-sonnet-4-5');
    expect(within(shadow).getByText('disagreed: different old_string for src/app.ts').className).toBe('negative');
    expect(shadow.textContent).toContain('Compared bytool calls');
    expect(shadow.textContent).toContain('Cost$0.0042');
  });

  it('filters to the skips and asks the proxy for older ones', async () => {
    const api = new MemoryControlApi(undefined, agent);
    renderLog(api, agent);
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: 'Not worth drafting' })));
    expect(api.callsTo('getDecisions')).toEqual([[{ decision: 'not_worth_drafting', limit: 500 }]]);
    expect(screen.getAllByTestId('decision-row').map((r) => r.textContent)).toEqual([expect.stringContaining('Not worth drafting')]);
  });

  it('opens a conversation from its row without selecting the row', () => {
    const opened: Array<string | null> = [];
    renderLog(new MemoryControlApi(), agent, { onConversation: (id) => opened.push(id) });
    fireEvent.click(within(screen.getAllByTestId('decision-row')[0]).getByRole('button', { name: 's:1f0c2a9e' }));
    expect(opened).toEqual([session]);
    expect(screen.queryByTestId('decision-detail')).toBeNull();
  });

  it('shows one conversation’s turns oldest first with its money, new turns live, and goes back', async () => {
    const older = decisionRecord({ id: 'first', time: now - 3_600_000, conversationId: session, project });
    const api = new MemoryControlApi(undefined, [...agent, older]);
    api.summary = conversationSummary({
      conversation: {
        conversationId: session,
        project,
        firstSeen: older.time,
        lastSeen: now,
        allTime: spendCounts({ queries: 3, cost: 0.01, baselineCost: 0.008, savings: -0.002, accepted: 2, notWorthDrafting: 1 }),
        today: spendCounts({ queries: 1, cost: 0.006, baselineCost: 0.006, notWorthDrafting: 1 }),
      },
    });
    const opened: Array<string | null> = [];
    // The live list holds only the latest records; the proxy has the rest of the conversation.
    const live = agent.slice(0, 2);
    const view = renderLog(api, live, { conversation: session, onConversation: (id) => opened.push(id) });
    await screen.findByTestId('decision-log');
    const head = screen.getByTestId('conversation-view');
    await within(head).findByText(project);
    expect(api.callsTo('getDecisions')).toEqual([[{ conversationId: session, limit: 1000 }]]);
    expect(api.callsTo('getConversationSummary')).toEqual([[{ id: session }]]);
    expect(within(head).getByTestId('conversation-since-it-began').textContent).toContain('$0.01 spent');
    expect(within(within(head).getByTestId('conversation-since-it-began')).getByText('-$0.002 saved').className).toBe('negative');
    expect(within(head).getByTestId('conversation-today').textContent).toContain('1 not worth drafting');
    let rows = screen.getAllByTestId('decision-row');
    expect(rows.map((r) => r.firstElementChild?.textContent)).toEqual(['1', '2', '3']);
    expect(rows[2].textContent).toContain('Not worth drafting');

    // A new turn of this conversation arrives live (other conversations' do not show).
    const next = decisionRecord({ id: 'next', time: now, conversationId: session, decision: 'escalated' });
    await act(async () => view.update([next, decisionRecord({ id: 'other', time: now, conversationId: 's:other' }), ...live]));
    rows = screen.getAllByTestId('decision-row');
    expect(rows).toHaveLength(4);
    expect(rows[3].textContent).toContain('Escalated');
    expect(api.callsTo('getConversationSummary')).toHaveLength(2);

    fireEvent.click(screen.getByRole('button', { name: '← All requests' }));
    expect(opened).toEqual([null]);
  });

  it('says when the proxy keeps no totals for the conversation', async () => {
    renderLog(new MemoryControlApi(undefined, agent), agent, { conversation: 'h:9a8b7c6d5e4f' });
    expect((await screen.findByTestId('conversation-view')).textContent).toContain('Conversation h:9a8b7c6d');
    await screen.findByText(/keeps no totals for this conversation/);
    expect(screen.getAllByTestId('decision-row')).toHaveLength(1);
  });
});

describe('failed requests', () => {
  // Both calls made, the requested model refused with 529: the client got that error.
  const failed = decisionRecord({
    id: 'failed',
    time: now,
    decision: 'failed',
    requestedModel: 'claude-sonnet-4-6',
    answeringModel: 'claude-sonnet-4-6',
    confidence: null,
    status: 529,
    cost: 0,
    baselineCost: 0,
    savings: 0,
    failure: { kind: 'http_status', message: '529 overloaded_error: Overloaded' },
    verifier: { model: 'claude-sonnet-4-6', status: 529, usage: null, cost: 0, latencyMs: 30, failure: { kind: 'http_status', message: '529 overloaded_error: Overloaded' } },
  });
  const drafted = decisionRecord({
    id: 'drafted',
    time: now - 1000,
    decision: 'failed',
    // The rule's verifier, asked after the draft, failed mid-stream.
    answeringModel: 'claude-opus-4-1',
    status: 200,
    failure: { kind: 'error_event', message: 'overloaded_error: Overloaded' },
    draft: { model: 'claude-haiku-4-5', status: 200, usage: { input_tokens: 100, output_tokens: 20 }, cost: 0.0002, latencyMs: 200 },
  });

  it('shows a failure as a failure, with the requested model and what the client got, never as an answer', () => {
    renderLog(new MemoryControlApi(), [failed, drafted, ...records]);
    const [row, streamed] = screen.getAllByTestId('decision-row');
    expect(within(row).getByText('Failed').className).toContain('decision-failed');
    expect(row.textContent).toContain('overloaded_error: Overloaded (HTTP 529)');
    expect(row.querySelector('.answered-by')).toBeNull();
    // A stream that had started fails with an error event in it; the draft model is not named as answering.
    expect(streamed.textContent).toContain('overloaded_error: Overloaded (error in the stream)');
    expect(streamed.textContent).not.toContain('claude-opus-4-1');

    fireEvent.click(row);
    const detail = screen.getByTestId('decision-detail');
    expect(within(detail).getByTestId('failed-detail').textContent).toBe('Failed: overloaded_error: Overloaded (HTTP 529); claude-sonnet-4-6 did not answer');
    expect(detail.textContent).not.toContain('Answered by');
    expect(detail.textContent).toContain('Upstream: claude-sonnet-4-6');
  });

  it('has its own filter', async () => {
    const api = new MemoryControlApi(undefined, [failed, ...records]);
    renderLog(api, [failed, ...records]);
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: 'Failed' })));
    expect(api.callsTo('getDecisions')).toEqual([[{ decision: 'failed', limit: 500 }]]);
    expect(screen.getAllByTestId('decision-row').map((r) => r.dataset.id)).toEqual(['failed']);
  });
});

describe('the API a client spoke', () => {
  it('marks a request that came in on the OpenAI endpoint in its detail', () => {
    const openai = decisionRecord({ id: 'openai', clientApi: 'openai' });
    renderLog(new MemoryControlApi(), [openai, ...records]);
    fireEvent.click(screen.getAllByTestId('decision-row')[0]);
    expect(within(screen.getByTestId('decision-detail')).getByTestId('client-api').textContent).toBe('OpenAI API');
    fireEvent.click(screen.getAllByTestId('decision-row')[1]);
    expect(within(screen.getByTestId('decision-detail')).queryByTestId('client-api')).toBeNull();
  });
});
