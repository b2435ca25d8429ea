import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CascadeRule } from '../../../contracts/rules';
import { MemoryControlApi } from '../../../test/fixtures/memory-api';
import { decisionRecord, rule, stats, totals } from '../../../test/fixtures/contracts';
import { Rules } from './Rules';

afterEach(cleanup);

const sonnet = rule();
const opus = rule({ id: 'opus', match: 'claude-opus-4*', draftModel: 'claude-sonnet-4-5', threshold: 0.75 });
const decisions = [0.95, 0.85, 0.78, 0.72, 0.66, 0.55].map((confidence) =>
  decisionRecord({ confidence, decision: confidence >= 0.7 ? 'accepted' : 'escalated' }),
);
const snapshot = stats({
  byRule: { sonnet: totals({ queries: 6, accepted: 4, escalated: 2, savings: 0.012, baselineCost: 0.02 }) },
});

function renderRules(api: MemoryControlApi) {
  const view = render(<Rules api={api} rules={api.rules} stats={snapshot} decisions={decisions} />);
  // Saved lists come back through the rules event, as from the proxy.
  api.subscribe((event) => {
    if (event.type === 'rules') view.rerender(<Rules api={api} rules={event.rules} stats={snapshot} decisions={decisions} />);
  });
  return view;
}

describe('rule cards', () => {
  it('shows the path, the rule’s own acceptance and savings', () => {
    renderRules(new MemoryControlApi([sonnet, opus]));
    const card = screen.getByTestId('rule-sonnet');
    expect(card.textContent).toContain('claude-sonnet-4*');
    expect(card.textContent).toContain('claude-haiku-4-5');
    expect(card.textContent).toContain('requested model');
    expect(within(card).getByTestId('rule-acceptance').textContent).toBe('66.7% of 6 drafts');
    expect(within(card).getByTestId('rule-savings').textContent).toBe('$0.012 60.0%');
    expect(within(screen.getByTestId('rule-opus')).getByTestId('projected-acceptance').textContent).toContain('no recent drafts');
  });

  it('projects acceptance at the slider value and saves the new threshold once the slider rests', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    renderRules(api);
    const card = screen.getByTestId('rule-sonnet');
    const projected = within(card).getByTestId('projected-acceptance');
    expect(projected.textContent).toBe('66.7% of the last 6 drafts would pass');

    const slider = within(card).getByRole('slider', { name: 'Threshold for claude-sonnet-4*' });
    fireEvent.change(slider, { target: { value: '0.8' } });
    fireEvent.change(slider, { target: { value: '0.84' } });
    expect(projected.textContent).toContain('33.3% of the last 6 drafts would pass (66.7% at 0.70)');
    expect(within(card).getByText('(near Conservative)')).toBeTruthy();
    expect(api.callsTo('saveRules')).toHaveLength(0);

    await waitFor(() => expect(api.callsTo('saveRules')).toHaveLength(1));
    const [saved] = api.callsTo('saveRules')[0] as [CascadeRule[]];
    expect(saved.map((r) => [r.id, r.threshold])).toEqual([
      ['sonnet', 0.84],
      ['opus', 0.75],
    ]);
    await waitFor(() => expect(screen.getByTestId('rules-save-state').textContent).toBe('Saved'));
  });

  it('reorders, disables and deletes through saveRules', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    renderRules(api);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Move claude-opus-4* up' })));
    expect((api.callsTo('saveRules')[0][0] as CascadeRule[]).map((r) => r.id)).toEqual(['opus', 'sonnet']);

    await act(async () => fireEvent.click(within(screen.getByTestId('rule-sonnet')).getByRole('checkbox', { name: 'Enabled' })));
    expect((api.callsTo('saveRules')[1][0] as CascadeRule[]).find((r) => r.id === 'sonnet')?.enabled).toBe(false);

    const opusCard = screen.getByTestId('rule-opus');
    fireEvent.click(within(opusCard).getByRole('button', { name: 'Delete…' }));
    await act(async () => fireEvent.click(within(opusCard).getByRole('button', { name: 'Delete rule' })));
    expect((api.callsTo('saveRules')[2][0] as CascadeRule[]).map((r) => r.id)).toEqual(['sonnet']);
  });

  it('adds a rule only once it is complete', async () => {
    const api = new MemoryControlApi([sonnet]);
    renderRules(api);
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const save = screen.getByRole('button', { name: 'Save rule' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(screen.getByText('Requested model is required.')).toBeTruthy();

    fireEvent.change(screen.getByLabelText(/Requested model/), { target: { value: ' claude-opus-4-1 ' } });
    fireEvent.change(screen.getByLabelText('Draft model'), { target: { value: 'claude-opus-4-1' } });
    expect(screen.getByText('The draft model must differ from the requested model.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Draft model'), { target: { value: 'claude-haiku-4-5' } });
    await act(async () => fireEvent.click(save));

    const [saved] = api.callsTo('saveRules')[0] as [CascadeRule[]];
    expect(saved).toHaveLength(2);
    expect(saved[1]).toMatchObject({ match: 'claude-opus-4-1', draftModel: 'claude-haiku-4-5', verifierModel: null, threshold: 0.7, enabled: true });
    expect(saved[1].id).toMatch(/^rule-[0-9a-f]{12}$/);
  });

  it('shows why the proxy refused a save', async () => {
    const api = new MemoryControlApi([sonnet]);
    api.saveRules = async () => {
      throw new Error('rules[0].draftModel: unknown model');
    };
    renderRules(api);
    await act(async () => fireEvent.click(screen.getByRole('checkbox', { name: 'Enabled' })));
    expect(screen.getByTestId('rules-save-state').textContent).toBe('Not saved: rules[0].draftModel: unknown model');
  });

  it('saves a threshold still waiting to be saved when the view goes away', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    const view = renderRules(api);
    fireEvent.change(within(screen.getByTestId('rule-sonnet')).getByRole('slider'), { target: { value: '0.9' } });
    view.unmount();
    expect(api.callsTo('saveRules')).toHaveLength(1);
    expect((api.callsTo('saveRules')[0][0] as CascadeRule[]).find((r) => r.id === 'sonnet')?.threshold).toBe(0.9);
  });

  it('builds each save on the previous one, even before the proxy has answered it', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    const answers: Array<() => void> = [];
    const save = api.saveRules.bind(api);
    api.saveRules = (rules) => new Promise((resolve) => answers.push(() => resolve(save(rules))));
    renderRules(api);
    await act(async () => fireEvent.click(within(screen.getByTestId('rule-sonnet')).getByRole('checkbox', { name: 'Enabled' })));
    await act(async () => fireEvent.click(within(screen.getByTestId('rule-opus')).getByRole('checkbox', { name: 'Enabled' })));
    await act(async () => answers.forEach((answer) => answer()));
    expect(api.rules.map((r) => [r.id, r.enabled])).toEqual([
      ['sonnet', false],
      ['opus', false],
    ]);
  });

  it('shows a rule’s savings as unknown when none of its requests had a known price', () => {
    const unpriced = stats({ byRule: { sonnet: totals({ queries: 2, accepted: 2, unpricedQueries: 2 }) } });
    render(<Rules api={new MemoryControlApi([sonnet])} rules={[sonnet]} stats={unpriced} decisions={[]} />);
    expect(screen.getByTestId('rule-savings').textContent).toBe('unknown —');
  });
});
