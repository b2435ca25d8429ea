import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClaudeCodeState, DesktopApi } from '../../contracts/desktop';
import type { SettingsPatch } from '../../contracts/settings';
import { App } from './App';
import type { Transport } from './client/transport';
import { MemoryControlApi } from '../../test/fixtures/memory-api';
import { decisionRecord, spendCounts, spending, stats, totals } from '../../test/fixtures/contracts';
import { formatTime } from './lib/format';

afterEach(cleanup);
beforeEach(() => window.history.replaceState(null, '', '/'));

// Connected from the start, like the IPC bridge; the HTTP transport has its own tests.
async function renderApp(api: MemoryControlApi, desktop: DesktopApi | null = null) {
  const transport: Transport = { kind: 'ipc', api, desktop, onConnection: () => () => undefined };
  await act(async () => void render(<App transport={transport} />));
}

describe('overview', () => {
  it('guides a new user to the first request, with the exact lines on the web', async () => {
    await renderApp(new MemoryControlApi());
    expect(screen.getByRole('heading', { name: 'Get started' })).toBeTruthy();
    expect(screen.getByText('export ANTHROPIC_BASE_URL=http://127.0.0.1:8000')).toBeTruthy();
    expect(screen.getByText(/"ANTHROPIC_BASE_URL": "http:\/\/127.0.0.1:8000"/)).toBeTruthy();
  });

  it('offers Configure in the app, from the state of settings.json', async () => {
    let state: ClaudeCodeState = { settingsPath: '/home/u/.claude/settings.json', configured: false, baseUrl: null, error: null };
    const desktop: DesktopApi = {
      getClaudeCodeState: async () => state,
      configureClaudeCode: async () => (state = { ...state, configured: true, baseUrl: 'http://127.0.0.1:8000' }),
      removeClaudeCode: async () => (state = { ...state, configured: false, baseUrl: null }),
      copyBaseUrl: async () => 'http://127.0.0.1:8000',
      setStartAtLogin: async () => {
        throw new Error('not used');
      },
      startDemo: async () => {
        throw new Error('not used');
      },
      stopDemo: async () => null,
    };
    await renderApp(new MemoryControlApi(), desktop);
    expect(screen.queryByText(/export ANTHROPIC_BASE_URL/)).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Configure Claude Code' })));
    expect(screen.getByTestId('claude-code-state').textContent).toContain('Configured');
    expect((screen.getByRole('button', { name: 'Remove from Claude Code' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('updates live from stats events; negative savings and unknown costs are shown as such', async () => {
    const api = new MemoryControlApi();
    await renderApp(api);
    const today = totals({ queries: 3, cost: 0.004, baselineCost: 0.003, savings: -0.001, accepted: 1, escalated: 2, unpricedQueries: 1 });
    act(() => api.emit({ type: 'stats', stats: stats({ today, allTime: today }) }));
    const panel = screen.getByTestId('totals-today');
    expect(within(panel).getByTestId('Saved').textContent).toBe('-$0.001');
    expect(within(panel).getByText('-33.3%')).toBeTruthy();
    expect(within(panel).getByTestId('Draft acceptance').textContent).toBe('33.3%');
    expect(panel.textContent).toContain('Savings are negative');
    expect(panel.textContent).toContain('1 request used a model with no known price');
    expect(screen.queryByRole('heading', { name: 'Get started' })).toBeNull();

    const unpriced = totals({ queries: 2, unpricedQueries: 2, passthrough: 2 });
    act(() => api.emit({ type: 'stats', stats: stats({ today: unpriced, allTime: unpriced }) }));
    expect(within(screen.getByTestId('totals-today')).getByTestId('Actual cost').textContent).toBe('unknown');
    expect(within(screen.getByTestId('totals-today')).getByTestId('Saved').textContent).toBe('unknown');
  });
});

describe('one number, one name', () => {
  it('shows the draft acceptance and the share answered by a draft, each with what it counts, and failures when any', async () => {
    const api = new MemoryControlApi();
    // 27 accepted, 20 escalated, 3 draft errors, 6 passthroughs: 50 drafted of 56 requests.
    const today = totals({ queries: 56, accepted: 27, escalated: 20, draftErrors: 3, passthrough: 6 });
    api.stats = stats({ today, allTime: today });
    await renderApp(api);
    const panel = screen.getByTestId('totals-today');
    expect(within(panel).getByTestId('Draft acceptance').textContent).toBe('54.0%');
    expect(within(panel).getByText('27 of 50 drafted requests')).toBeTruthy();
    expect(within(panel).getByTestId('Answered by a draft').textContent).toBe('48.2%');
    expect(within(panel).getByText('27 of 56 requests')).toBeTruthy();
    expect(within(panel).getByTestId('Draft errors').textContent).toBe('3');
    expect(within(panel).getByTestId('Escalated').textContent).toBe('20');
    expect(within(panel).queryByTestId('Failed')).toBeNull();

    const failing = totals({ ...today, queries: 58, failed: 2 });
    act(() => api.emit({ type: 'stats', stats: stats({ today: failing, allTime: failing }) }));
    expect(within(screen.getByTestId('totals-today')).getByTestId('Failed').textContent).toBe('2');
  });
});

describe('latest decisions', () => {
  it('names the time, the models, the decision and what the amount is', async () => {
    const time = Date.now() - 60_000;
    const api = new MemoryControlApi(undefined, [
      decisionRecord({ id: 'saved', time, savings: 0.0123 }),
      decisionRecord({ id: 'more', time: time - 1, decision: 'escalated', answeringModel: 'claude-sonnet-4-5', savings: -0.004 }),
      decisionRecord({ id: 'unpriced', time: time - 2, decision: 'passthrough', requestedModel: 'my-model', answeringModel: 'my-model', cost: null, savings: null }),
      decisionRecord({
        id: 'failed',
        time: time - 3,
        decision: 'failed',
        requestedModel: 'claude-sonnet-4-6',
        answeringModel: 'claude-sonnet-4-6',
        status: 529,
        cost: 0,
        savings: 0,
        failure: { kind: 'http_status', message: '529 overloaded_error: Overloaded' },
      }),
    ]);
    const today = totals({ queries: 4, accepted: 1, escalated: 1, passthrough: 1, failed: 1 });
    api.stats = stats({ today, allTime: today });
    await renderApp(api);
    const [saved, more, unpriced, failed] = screen.getAllByTestId('recent-decision');
    expect(within(saved).getByText(formatTime(time))).toBeTruthy();
    expect(saved.textContent).toContain('claude-sonnet-4-5 → claude-haiku-4-5');
    expect(saved.textContent).toContain('Draft accepted');
    expect(within(saved).getByTestId('recent-amount').textContent).toBe('saved $0.0123');
    expect(within(more).getByTestId('recent-amount').textContent).toBe('cost $0.004 more');
    expect(within(more).getByTestId('recent-amount').className).toContain('negative');
    expect(within(unpriced).getByTestId('recent-amount').textContent).toBe('cost unknown');
    expect(failed.textContent).toContain('Failed');
    expect(failed.textContent).toContain('overloaded_error: Overloaded (HTTP 529)');
    expect(failed.textContent).not.toContain('→');
    expect(within(failed).getByTestId('recent-amount').textContent).toBe('cost $0.00');
  });
});

describe('charts', () => {
  it('say there is nothing yet instead of drawing empty axes, and list only models that answered', async () => {
    const api = new MemoryControlApi();
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Charts' }));
    for (const chart of ['chart-cumulative', 'chart-savings', 'chart-requests-by-model', 'chart-cost-by-model']) {
      expect(within(await screen.findByTestId(chart)).getByTestId('chart-empty').textContent).toBe('No requests yet');
    }
    expect(document.querySelector('.recharts-wrapper')).toBeNull();

    // Requests long ago, a failed one among them: none in the last hour; the model that never answered is not listed.
    const allTime = totals({ queries: 3, accepted: 2, failed: 1, modelsUsed: { 'claude-haiku-4-5': 2 }, costByModel: { 'claude-haiku-4-5': 0.01 } });
    act(() => api.emit({ type: 'stats', stats: stats({ allTime }) }));
    expect(within(screen.getByTestId('chart-cumulative')).getByTestId('chart-empty').textContent).toBe('No requests in the last hour');
    expect(within(screen.getByTestId('chart-savings')).getByTestId('chart-empty').textContent).toBe('No requests in the last hour');
    expect(within(screen.getByTestId('chart-requests-by-model')).queryByTestId('chart-empty')).toBeNull();
    expect(within(screen.getByTestId('chart-cost-by-model')).queryByTestId('chart-empty')).toBeNull();
  });
});

describe('reset statistics', () => {
  it('asks on the page, says what is kept, and empties the overview live', async () => {
    const today = totals({ queries: 2, accepted: 2, modelsUsed: { 'claude-haiku-4-5': 2 } });
    const api = new MemoryControlApi(undefined, [decisionRecord({ id: 'a' }), decisionRecord({ id: 'b' })]);
    api.stats = stats({ today, allTime: today });
    await renderApp(api);
    expect(screen.getAllByTestId('recent-decision')).toHaveLength(2);

    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    const section = await screen.findByTestId('statistics-settings');
    expect(section.textContent).toContain('Rules, settings and your API key are kept.');
    expect(within(section).getByTestId('statistics-recorded').textContent).toBe('2 requests recorded.');
    fireEvent.click(within(section).getByRole('button', { name: 'Reset statistics…' }));
    // Changing one's mind leaves everything as it was.
    fireEvent.click(within(section).getByRole('button', { name: 'Cancel' }));
    expect(api.callsTo('resetStats')).toHaveLength(0);
    fireEvent.click(within(section).getByRole('button', { name: 'Reset statistics…' }));
    await act(async () => fireEvent.click(within(section).getByRole('button', { name: 'Reset statistics' })));
    expect(api.callsTo('resetStats')).toEqual([[]]);
    expect(within(section).getByTestId('statistics-recorded').textContent).toBe('Statistics reset: nothing recorded since.');
    expect(api.rules).toHaveLength(1);

    fireEvent.click(screen.getByRole('link', { name: 'Overview' }));
    await screen.findByRole('heading', { name: 'Get started' });
    expect(within(screen.getByTestId('totals-all-time')).getByTestId('Requests').textContent).toBe('0');
    expect(screen.queryAllByTestId('recent-decision')).toHaveLength(0);
    fireEvent.click(screen.getByRole('link', { name: 'Log' }));
    await screen.findByText('No requests yet.');
  });

  it('empties the overview when the statistics were reset elsewhere (the tray)', async () => {
    const today = totals({ queries: 1, accepted: 1 });
    const api = new MemoryControlApi(undefined, [decisionRecord({ id: 'a' })]);
    api.stats = stats({ today, allTime: today });
    await renderApp(api);
    expect(screen.getAllByTestId('recent-decision')).toHaveLength(1);
    await act(async () => void (await api.resetStats()));
    expect(screen.queryAllByTestId('recent-decision')).toHaveLength(0);
    expect(screen.getByRole('heading', { name: 'Get started' })).toBeTruthy();
  });
});

describe('form validation', () => {
  it('flags a price override only once a field was left or Save was pressed', async () => {
    const api = new MemoryControlApi();
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Add override' }));
    const message = 'Every override needs a unique model name and non-negative prices.';
    expect(screen.queryByText(message)).toBeNull();
    const name = screen.getByPlaceholderText('my-model*');
    fireEvent.change(name, { target: { value: 'my-model*' } });
    fireEvent.blur(name);
    // The name is fine; the prices were not touched yet.
    expect(screen.queryByText(message)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save prices' }));
    expect(screen.getByText(message)).toBeTruthy();
    expect(api.callsTo('updateSettings')).toHaveLength(0);
    expect(screen.getByLabelText('Input').getAttribute('aria-invalid')).toBe('true');
    expect(name.getAttribute('aria-invalid')).toBeNull();
  });
});

describe('today at midnight', () => {
  afterEach(() => vi.useRealTimers());

  it('starts the Today panel again at local midnight without waiting for a request', async () => {
    vi.useFakeTimers({ now: new Date(2026, 5, 1, 23, 58), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const yesterday = totals({ queries: 4, accepted: 4 });
    const api = new MemoryControlApi();
    api.stats = stats({ today: yesterday, allTime: yesterday });
    await renderApp(api);
    expect(within(screen.getByTestId('totals-today')).getByTestId('Requests').textContent).toBe('4');
    // What the proxy answers once its day has rolled over.
    api.stats = stats({ today: totals(), allTime: yesterday });
    await act(async () => void (await vi.advanceTimersByTimeAsync(3 * 60_000)));
    expect(within(screen.getByTestId('totals-today')).getByTestId('Requests').textContent).toBe('0');
    expect(within(screen.getByTestId('totals-all-time')).getByTestId('Requests').textContent).toBe('4');
  });
});

describe('proxy warnings', () => {
  it('shows them above every view, and follows status events', async () => {
    const api = new MemoryControlApi();
    api.status = { ...api.status, warnings: ['config.json was corrupt: backed up and reset'] };
    await renderApp(api);
    expect(screen.getByRole('alert').textContent).toBe('config.json was corrupt: backed up and reset');
    act(() => api.emit({ type: 'status', status: { ...api.status, warnings: [] } }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('upstream reachability', () => {
  const refused = { at: Date.now() - 5_000, message: 'connect ECONNREFUSED 127.0.0.1:9' };

  it('puts a banner above every view while the upstream does not answer, live from status events', async () => {
    const api = new MemoryControlApi();
    await renderApp(api);
    expect(screen.queryByTestId('upstream-banner')).toBeNull();
    const lastSuccessAt = Date.now() - 60_000;
    const unreachableSince = Date.now() - 50_000;
    act(() => api.emit({ type: 'status', status: { ...api.status, upstream: { reachable: false, lastSuccessAt, lastError: refused, unreachableSince } } }));
    const expected =
      `Upstream https://api.anthropic.com unreachable since ${formatTime(unreachableSince)} (last answered ${formatTime(lastSuccessAt)}; ` +
      `latest failure ${formatTime(refused.at)}: connect ECONNREFUSED 127.0.0.1:9). Requests fail until it answers (checked every 30 s while idle).`;
    expect(screen.getByTestId('upstream-banner').textContent).toBe(expected);
    const nav = screen.getByRole('navigation', { name: 'Views' });
    for (const view of ['Rules', 'Log', 'Charts', 'Settings']) {
      fireEvent.click(within(nav).getByRole('link', { name: view }));
      expect(screen.getByTestId('upstream-banner').textContent).toBe(expected);
    }
    act(() => api.emit({ type: 'status', status: { ...api.status, upstream: { reachable: true, lastSuccessAt: Date.now(), lastError: refused, unreachableSince: null } } }));
    expect(screen.queryByTestId('upstream-banner')).toBeNull();
  });

  it('says "never" when it has not answered since the proxy started, and nothing while not known yet', async () => {
    const api = new MemoryControlApi();
    api.status = { ...api.status, upstream: { reachable: false, lastSuccessAt: null, lastError: refused, unreachableSince: refused.at } };
    await renderApp(api);
    expect(screen.getByTestId('upstream-banner').textContent).toMatch(/^Upstream https:\/\/api.anthropic.com unreachable since .+ \(last answered never; latest failure /);
    act(() => api.emit({ type: 'status', status: { ...api.status, upstream: { reachable: null, lastSuccessAt: null, lastError: null, unreachableSince: null } } }));
    expect(screen.queryByTestId('upstream-banner')).toBeNull();
  });
});

describe('network URLs', () => {
  it('gives other machines their export line and names the token header without showing a token, in setup and Settings', async () => {
    const api = new MemoryControlApi();
    api.status = { ...api.status, networkUrls: ['http://192.168.1.20:8000', 'http://10.0.0.5:8000'] };
    await renderApp(api);
    for (const where of ['Get started', 'Settings']) {
      if (where === 'Settings') fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
      const setup = screen.getByTestId('network-setup');
      expect(within(setup).getByText('export ANTHROPIC_BASE_URL=http://192.168.1.20:8000')).toBeTruthy();
      expect(setup.textContent).toContain('It also answers at http://10.0.0.5:8000.');
      expect(setup.textContent).toContain('export ANTHROPIC_CUSTOM_HEADERS="x-cascadeflow-admin-token: <token>"');
      // This machine keeps the loopback line.
      expect(screen.getByText('export ANTHROPIC_BASE_URL=http://127.0.0.1:8000')).toBeTruthy();
    }
  });

  it('shows nothing for other machines on loopback', async () => {
    await renderApp(new MemoryControlApi());
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    expect(screen.getByText('export ANTHROPIC_BASE_URL=http://127.0.0.1:8000')).toBeTruthy();
    expect(screen.queryByTestId('network-setup')).toBeNull();
  });
});

describe('navigation and live log', () => {
  it('switches views through the URL fragment and adds decisions as they arrive', async () => {
    const api = new MemoryControlApi(undefined, [decisionRecord({ id: 'old', time: Date.now() - 5000 })]);
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Log' }));
    expect(window.location.hash).toBe('#log');
    await screen.findByTestId('decision-log');
    expect(screen.getAllByTestId('decision-row')).toHaveLength(1);
    act(() => api.emit({ type: 'decision', record: decisionRecord({ id: 'new', time: Date.now(), decision: 'escalated' }) }));
    const rows = screen.getAllByTestId('decision-row');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('Escalated');
  });

  it('pauses the cascade from settings', async () => {
    const api = new MemoryControlApi();
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    await act(async () => fireEvent.click(await screen.findByRole('checkbox', { name: /Pause cascade/ })));
    expect(api.callsTo('updateSettings')).toEqual([[{ paused: true }]]);
    expect(screen.getByTestId('api-key-state').textContent).toBe('Not set');
    expect(screen.getByText(/only obfuscated on disk/)).toBeTruthy();
  });

  it('shows a switch or choice as clicked while its change is on its way, and as before when the change fails', async () => {
    const api = new MemoryControlApi();
    const answers: Array<() => void> = [];
    const update = api.updateSettings.bind(api);
    api.updateSettings = (patch: SettingsPatch) => new Promise((resolve, reject) => answers.push(() => (patch.logPrompts ? reject(new Error('disk full')) : resolve(update(patch)))));
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    const paused = (await screen.findByRole('checkbox', { name: /Pause cascade/ })) as HTMLInputElement;
    await act(async () => fireEvent.click(paused));
    expect(paused.checked).toBe(true);
    await act(async () => answers.shift()!());
    expect([paused.checked, api.settings.paused]).toEqual([true, true]);

    const logPrompts = screen.getByRole('checkbox', { name: /Log prompt text/ }) as HTMLInputElement;
    await act(async () => fireEvent.click(logPrompts));
    expect(logPrompts.checked).toBe(true);
    await act(async () => answers.shift()!());
    expect(logPrompts.checked).toBe(false);
    expect(screen.getByText(/disk full/)).toBeTruthy();

    const always = screen.getByRole('radio', { name: 'Always draft' });
    await act(async () => fireEvent.click(always));
    expect(always.getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('drafting-settings').textContent).toContain('Draft whenever a rule matches');
    await act(async () => answers.shift()!());
    expect([always.getAttribute('aria-checked'), api.settings.draftPolicy]).toEqual(['true', 'always']);
  });

  it('keeps a price override being typed when another setting changes elsewhere (e.g. the tray)', async () => {
    const api = new MemoryControlApi();
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Add override' }));
    fireEvent.change(screen.getByPlaceholderText('my-model*'), { target: { value: 'my-model*' } });
    act(() => api.emit({ type: 'settings', settings: { ...api.settings, paused: true, priceOverrides: {} } }));
    expect((screen.getByPlaceholderText('my-model*') as HTMLInputElement).value).toBe('my-model*');
  });

  it('names the models with no known price under the cost chart instead of drawing them at $0', async () => {
    const api = new MemoryControlApi();
    const allTime = totals({ queries: 3, modelsUsed: { 'claude-haiku-4-5': 2, 'my-local-model': 1 }, costByModel: { 'claude-haiku-4-5': 0.01 } });
    api.stats = stats({ allTime });
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Charts' }));
    expect((await screen.findByTestId('unpriced-models')).textContent).toContain('my-local-model');
    expect(screen.getByTestId('unpriced-models').textContent).not.toContain('claude-haiku-4-5');
  });
});

describe('agent sessions', () => {
  const session = 's:5b1e0c9d-2f4a-4e8b-a1c3-77aa00112233';
  const conversation = (id: string, cost: number, savings: number, project?: string) => ({
    conversationId: id,
    ...(project && { project }),
    firstSeen: Date.now() - 60_000,
    lastSeen: Date.now(),
    counts: spendCounts({ queries: 4, cost, baselineCost: cost + savings, savings, accepted: 2, escalated: 1, notWorthDrafting: 1 }),
  });

  it('shows the skips and what they avoided losing, and the top conversations and projects per period', async () => {
    const api = new MemoryControlApi();
    const today = totals({ queries: 5, notWorthDrafting: 2, skippedDraftLossAvoided: 0.0123, passthrough: 3 });
    api.stats = stats({ today, allTime: today });
    api.spending = {
      today: spending({
        conversations: { byCost: [conversation(session, 0.5, -0.02, '/home/ada/shop')], bySavings: [conversation(session, 0.5, -0.02, '/home/ada/shop')] },
        projects: { byCost: [{ project: '/home/ada/shop', firstSeen: 1, lastSeen: 2, counts: spendCounts({ queries: 4, cost: 0.5, savings: -0.02 }) }], bySavings: [] },
      }),
      '7d': spending({ period: '7d', conversations: { byCost: [conversation('h:0a1b2c3d4e5f', 1.25, 0.4)], bySavings: [] } }),
    };
    await renderApp(api);
    const panel = screen.getByTestId('totals-today');
    expect(within(panel).getByTestId('Not worth drafting').textContent).toBe('2');
    expect(panel.textContent).toContain('est. $0.0123 loss avoided');

    const top = screen.getByTestId('top-spending');
    const byCost = await within(top).findByTestId('top-conversations-by-cost');
    expect(api.callsTo('getSpending')).toEqual([[{ period: 'today', limit: 5 }]]);
    expect(byCost.textContent).toContain('s:5b1e0c9d shop$0.50-$0.024');
    expect(within(byCost).getByText('-$0.02').className).toContain('negative');
    expect(within(top).getByTestId('top-projects-by-cost').textContent).toContain('shop$0.50-$0.024');
    expect(within(top).getByTestId('top-projects-by-savings').textContent).toContain('None in this period.');

    await act(async () => fireEvent.click(within(top).getByRole('radio', { name: '7 days' })));
    expect(api.callsTo('getSpending').at(-1)).toEqual([{ period: '7d', limit: 5 }]);
    expect(within(top).getByTestId('top-conversations-by-cost').textContent).toContain('h:0a1b2c3d$1.25$0.404');
    await act(async () => fireEvent.click(within(top).getByRole('radio', { name: 'All time' })));
    expect(within(top).getByTestId('top-conversations-by-cost').textContent).toContain('None in this period.');
  });

  it('opens a conversation from the overview in the log, and comes back to every request', async () => {
    const turn = decisionRecord({ id: 'turn', conversationId: session, actionClass: 'read' });
    const api = new MemoryControlApi(undefined, [turn, decisionRecord({ id: 'elsewhere', conversationId: 's:other' })]);
    const today = totals({ queries: 2, accepted: 2 });
    api.stats = stats({ today, allTime: today });
    api.spending = { today: spending({ conversations: { byCost: [conversation(session, 0.1, 0.2)], bySavings: [] } }) };
    await renderApp(api);
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 's:5b1e0c9d' })));
    expect(window.location.hash).toBe(`#log?conversation=${encodeURIComponent(session)}`);
    await screen.findByTestId('conversation-view');
    expect((await screen.findAllByTestId('decision-row')).map((r) => r.textContent)).toEqual([expect.stringContaining('Read')]);
    expect(screen.getByRole('link', { name: 'Log' }).getAttribute('aria-current')).toBe('page');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: '← All requests' })));
    expect(window.location.hash).toBe('#log');
    // The view follows the hashchange event, which a loaded machine may deliver after the click's act().
    await waitFor(() => expect(screen.queryByTestId('conversation-view')).toBeNull());
    expect(screen.getAllByTestId('decision-row')).toHaveLength(2);
  });

  it('marks a record when its later failure and its shadow check arrive after it', async () => {
    const api = new MemoryControlApi(undefined, [decisionRecord({ id: 'draft', actionClass: 'write' })]);
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Log' }));
    const row = (await screen.findAllByTestId('decision-row'))[0];
    fireEvent.click(row);
    expect(within(row).queryByTestId('later-failed')).toBeNull();

    act(() => api.emit({ type: 'amend', amend: { id: 'draft', laterFailed: { time: Date.now(), reason: 'Edit came back is_error: String to replace not found' } } }));
    expect(within(row).getByTestId('later-failed').title).toBe('Edit came back is_error: String to replace not found');
    expect(screen.getByTestId('later-failed-detail').textContent).toContain('String to replace not found');
    act(() =>
      api.emit({ type: 'amend', amend: { id: 'draft', shadow: { model: 'claude-sonnet-4-5', agreed: true, reason: 'same tool Edit, same input', cost: 0.003, usage: null } } }),
    );
    expect(within(row).getByTestId('shadow-badge').textContent).toBe('shadow agreed');
    expect(screen.getByTestId('shadow-result').textContent).toContain('agreed: same tool Edit, same input');
  });

  it('sets the draft policy, grounding and how many requests to skip after a failure', async () => {
    const api = new MemoryControlApi();
    await renderApp(api);
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    const section = await screen.findByTestId('drafting-settings');
    expect(within(section).getByRole('radio', { name: 'Cost-aware' }).getAttribute('aria-checked')).toBe('true');
    await act(async () => fireEvent.click(within(section).getByRole('radio', { name: 'Always draft' })));
    expect(within(section).getByRole('radio', { name: 'Always draft' }).getAttribute('aria-checked')).toBe('true');
    expect(section.textContent).toContain('Draft whenever a rule matches');

    const grounding = within(section).getByRole('checkbox', { name: /grounding/ }) as HTMLInputElement;
    expect(grounding.checked).toBe(true);
    expect(section.textContent).toContain('loopback');
    expect(section.textContent).toContain('file contents are never sent anywhere');
    await act(async () => fireEvent.click(grounding));

    const skip = within(section).getByLabelText(/skip drafting this conversation’s next/);
    expect((skip as HTMLInputElement).value).toBe('2');
    fireEvent.change(skip, { target: { value: '4' } });
    await act(async () => fireEvent.blur(skip));
    expect(api.callsTo('updateSettings')).toEqual([[{ draftPolicy: 'always' }], [{ grounding: false }], [{ escalateAfterFailure: 4 }]]);
  });
});
