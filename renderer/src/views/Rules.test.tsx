import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CascadeRule } from '../../../contracts/rules';
import { MemoryControlApi } from '../../../test/fixtures/memory-api';
import { classQuality, decisionRecord, qualityStats, rule, ruleChecks, stats, status, totals } from '../../../test/fixtures/contracts';
import { Rules } from './Rules';

afterEach(cleanup);

const sonnet = rule();
const opus = rule({ id: 'opus', match: 'claude-opus-4*', draftModel: 'claude-sonnet-4-5', threshold: 0.75 });
const decisions = [0.95, 0.85, 0.78, 0.72, 0.66, 0.55].map((confidence) =>
  decisionRecord({ confidence, actionClass: 'answer', decision: confidence >= 0.7 ? 'accepted' : 'escalated' }),
);
/** What the proxy measures for `decisions` under the saved 0.70. */
const measuredReach = ruleChecks({ reach: [{ ruleId: 'sonnet', drafts: 6, passing: 4, highest: 0.95 }] });
const snapshot = stats({
  byRule: { sonnet: totals({ queries: 6, accepted: 4, escalated: 2, savings: 0.012, baselineCost: 0.02 }) },
});

function renderRules(api: MemoryControlApi, shown = decisions) {
  let current = { rules: api.rules, status: api.status };
  const page = () => <Rules api={api} rules={current.rules} stats={snapshot} status={current.status} decisions={shown} />;
  const view = render(page());
  // Saved lists and warnings come back through events, as from the proxy.
  api.subscribe((event) => {
    if (event.type === 'rules') current = { ...current, rules: event.rules };
    else if (event.type === 'status') current = { ...current, status: event.status };
    else return;
    view.rerender(page());
  });
  return view;
}

describe('rule cards', () => {
  it('shows the path, the rule’s own acceptance and savings', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    api.ruleChecks = ruleChecks({ reach: [...measuredReach.reach, { ruleId: 'opus', drafts: 0, passing: 0, highest: null }] });
    renderRules(api);
    const card = screen.getByTestId('rule-sonnet');
    expect(card.textContent).toContain('claude-sonnet-4*');
    expect(card.textContent).toContain('claude-haiku-4-5');
    expect(card.textContent).toContain('requested model');
    expect(within(card).getByTestId('rule-acceptance').textContent).toBe('66.7% of 6 drafted requests');
    expect(within(card).getByTestId('rule-savings').textContent).toBe('$0.012 60.0%');
    await waitFor(() =>
      expect(within(screen.getByTestId('rule-opus')).getByTestId('threshold-reach').textContent).toBe('No recent drafts to measure 0.75 against yet.'),
    );
  });

  it('says how many recent drafts the threshold lets through, follows a drag, and saves once the slider rests', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    api.ruleChecks = measuredReach;
    renderRules(api);
    const card = screen.getByTestId('rule-sonnet');
    const reach = within(card).getByTestId('threshold-reach');
    await waitFor(() => expect(reach.textContent).toBe('At 0.70: 4 of 6 recent drafts pass (highest 0.95)'));

    const slider = within(card).getByRole('slider', { name: 'Threshold for claude-sonnet-4*' });
    fireEvent.change(slider, { target: { value: '0.8' } });
    fireEvent.change(slider, { target: { value: '0.84' } });
    // Worked out from the page's own records until the proxy has measured the new value.
    expect(reach.textContent).toBe('At 0.84: 2 of 6 recent drafts would pass (highest 0.95)');
    expect(within(card).getByText('(near Conservative)')).toBeTruthy();
    expect(api.callsTo('saveRules')).toHaveLength(0);
    // What the proxy measures once 0.84 is saved.
    api.ruleChecks = ruleChecks({ reach: [{ ruleId: 'sonnet', drafts: 6, passing: 2, highest: 0.95 }] });

    await waitFor(() => expect(api.callsTo('saveRules')).toHaveLength(1));
    const [saved] = api.callsTo('saveRules')[0] as [CascadeRule[]];
    expect(saved.map((r) => [r.id, r.threshold])).toEqual([
      ['sonnet', 0.84],
      ['opus', 0.75],
    ]);
    await waitFor(() => expect(screen.getByTestId('rules-save-state').textContent).toBe('Saved'));
    // Saving asks for the checks again: the proxy's measure of the saved value replaces the projection.
    await waitFor(() => expect(reach.textContent).toBe('At 0.84: 2 of 6 recent drafts pass (highest 0.95)'));
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

  it('adds a rule only once it is complete, saying what is missing only after a field was left or on submit', async () => {
    const api = new MemoryControlApi([sonnet]);
    renderRules(api);
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    // Nothing typed yet: nothing in red.
    expect(screen.queryByText('Requested model is required.')).toBeNull();
    expect(document.querySelectorAll('.field-error')).toHaveLength(0);

    const requested = screen.getByLabelText(/Requested model/);
    fireEvent.focus(requested);
    fireEvent.blur(requested);
    expect(screen.getByText('Requested model is required.')).toBeTruthy();
    expect(requested.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByText('Draft model is required.')).toBeNull();

    // Submitting shows every problem and saves nothing.
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save rule' })));
    expect(screen.getByText('Draft model is required.')).toBeTruthy();
    expect(api.callsTo('saveRules')).toHaveLength(0);

    fireEvent.change(requested, { target: { value: ' claude-opus-4-1 ' } });
    expect(screen.queryByText('Requested model is required.')).toBeNull();
    fireEvent.change(screen.getByLabelText('Draft model'), { target: { value: 'claude-opus-4-1' } });
    expect(screen.getByText('The draft model must differ from the requested model.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Draft model'), { target: { value: 'claude-haiku-4-5' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save rule' })));

    const [saved] = api.callsTo('saveRules')[0] as [CascadeRule[]];
    expect(saved).toHaveLength(2);
    expect(saved[1]).toMatchObject({ match: 'claude-opus-4-1', draftModel: 'claude-haiku-4-5', verifierModel: null, threshold: 0.7, enabled: true });
    expect(saved[1].id).toMatch(/^rule-[0-9a-f]{12}$/);
  });

  it('offers the model ids the proxy knows in the model fields', async () => {
    const api = new MemoryControlApi([sonnet]);
    api.ruleChecks = ruleChecks({
      models: [
        { id: 'claude-haiku-4-5', listed: true, priced: true },
        { id: 'claude-opus-4-1', listed: true, priced: false },
        { id: 'claude-sonnet-4-6', listed: false, priced: true },
      ],
    });
    renderRules(api);
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const draft = screen.getByLabelText('Draft model') as HTMLInputElement;
    await waitFor(() => expect(draft.list?.querySelectorAll('option')).toHaveLength(3));
    expect([...draft.list!.querySelectorAll('option')].map((o) => o.value)).toEqual(['claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4-6']);
    expect((screen.getByLabelText(/Verifier model/) as HTMLInputElement).list).toBe(draft.list);
  });

  it('shows the proxy’s warning on a mistyped model beside the rule, live, and fixes it in one click', async () => {
    const typo = rule({ draftModel: 'claude-haiku-4.5' });
    const api = new MemoryControlApi([typo, opus]);
    renderRules(api);
    const card = screen.getByTestId('rule-sonnet');
    expect(within(card).queryByTestId('rule-warning')).toBeNull();

    const warning = {
      ruleId: 'sonnet',
      kind: 'unknown_model' as const,
      field: 'draftModel' as const,
      message: 'Unknown draft model: claude-haiku-4.5 is not a model the upstream lists or the price table knows.',
      suggestion: 'claude-haiku-4-5',
    };
    act(() => api.emit({ type: 'status', status: status({ ruleWarnings: [warning] }) }));
    expect(within(card).getByTestId('rule-warning').textContent).toContain('claude-haiku-4.5 is not a model the upstream lists');
    expect(within(screen.getByTestId('rule-opus')).queryByTestId('rule-warning')).toBeNull();

    // In the form, beside the field, while it holds the value the warning is about: the suggestion fills it.
    fireEvent.click(within(card).getByRole('button', { name: 'Edit' }));
    const field = within(card).getByLabelText('Draft model') as HTMLInputElement;
    fireEvent.click(within(card).getByRole('button', { name: 'Did you mean claude-haiku-4-5?' }));
    expect(field.value).toBe('claude-haiku-4-5');
    expect(within(card).queryByTestId('rule-warning')).toBeNull();
    fireEvent.click(within(card).getByRole('button', { name: 'Cancel' }));

    // On the card: one click saves the suggestion.
    await act(async () => fireEvent.click(within(card).getByRole('button', { name: 'Did you mean claude-haiku-4-5?' })));
    expect((api.callsTo('saveRules')[0][0] as CascadeRule[])[0]).toEqual({ ...typo, draftModel: 'claude-haiku-4-5' });
  });

  it('warns when no recent draft reaches the threshold, and offers the highest one reached', async () => {
    const api = new MemoryControlApi([{ ...sonnet, threshold: 0.95 }]);
    api.ruleChecks = ruleChecks({ reach: [{ ruleId: 'sonnet', drafts: 40, passing: 0, highest: 0.93 }] });
    renderRules(api, []);
    const card = screen.getByTestId('rule-sonnet');
    await waitFor(() => expect(within(card).getByTestId('threshold-reach').textContent).toBe('At 0.95: 0 of 40 recent drafts pass (highest 0.93)'));
    const warning = within(card).getByTestId('threshold-warning');
    expect(warning.textContent).toContain('No recent draft reaches 0.95: every request this rule drafts for pays for the draft and then for the requested model.');

    // The proxy's own words, once it says so.
    const words = 'No recent draft reaches 0.95 (highest 0.93 of 40 drafts): every request pays for the draft and the verifier.';
    act(() => api.emit({ type: 'status', status: status({ ruleWarnings: [{ ruleId: 'sonnet', kind: 'threshold_unreachable', field: 'threshold', message: words }] }) }));
    expect(within(card).getByTestId('threshold-warning').textContent).toContain(words);

    fireEvent.click(within(card).getByRole('button', { name: 'Set 0.93, the highest reached' }));
    expect((within(card).getByRole('slider') as HTMLInputElement).value).toBe('0.93');
    await waitFor(() => expect(api.callsTo('saveRules')).toHaveLength(1));
    expect((api.callsTo('saveRules')[0][0] as CascadeRule[])[0].threshold).toBe(0.93);
  });

  it('shows why the proxy refused a save', async () => {
    const api = new MemoryControlApi([sonnet]);
    api.saveRules = async () => {
      throw new Error('rules[0].draftModel: unknown model');
    };
    renderRules(api);
    const enabled = screen.getByRole('checkbox', { name: 'Enabled' }) as HTMLInputElement;
    await act(async () => fireEvent.click(enabled));
    expect(screen.getByTestId('rules-save-state').textContent).toBe('Not saved: rules[0].draftModel: unknown model');
    // The card goes back to what the proxy holds.
    expect(enabled.checked).toBe(true);
  });

  it('saves a threshold still waiting to be saved when the view goes away', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    const view = renderRules(api);
    fireEvent.change(within(screen.getByTestId('rule-sonnet')).getByRole('slider'), { target: { value: '0.9' } });
    view.unmount();
    expect(api.callsTo('saveRules')).toHaveLength(1);
    expect((api.callsTo('saveRules')[0][0] as CascadeRule[]).find((r) => r.id === 'sonnet')?.threshold).toBe(0.9);
  });

  it('builds each save on the previous one and shows it before the proxy has answered it', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    const answers: Array<() => void> = [];
    const save = api.saveRules.bind(api);
    api.saveRules = (rules) => new Promise((resolve) => answers.push(() => resolve(save(rules))));
    renderRules(api);
    const enabled = (id: string) => within(screen.getByTestId(`rule-${id}`)).getByRole('checkbox', { name: 'Enabled' }) as HTMLInputElement;
    await act(async () => fireEvent.click(enabled('sonnet')));
    await act(async () => fireEvent.click(enabled('opus')));
    expect([enabled('sonnet').checked, enabled('opus').checked]).toEqual([false, false]);
    expect(screen.getByTestId('rules-save-state').textContent).toBe('Saving…');
    await act(async () => answers.forEach((answer) => answer()));
    expect([enabled('sonnet').checked, enabled('opus').checked]).toEqual([false, false]);
    expect(api.rules.map((r) => [r.id, r.enabled])).toEqual([
      ['sonnet', false],
      ['opus', false],
    ]);
  });

  it('shows another window’s change that came after its own saved list, when the answer to its save comes last', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    const save = api.saveRules.bind(api);
    let answer!: () => void;
    // As the proxy does: the saved list goes out as an event, then the answer.
    api.saveRules = async (rules) => {
      const saved = await save(rules);
      await new Promise<void>((resolve) => (answer = resolve));
      return saved;
    };
    renderRules(api);
    const enabled = (id: string) => within(screen.getByTestId(`rule-${id}`)).getByRole('checkbox', { name: 'Enabled' }) as HTMLInputElement;
    await act(async () => fireEvent.click(enabled('sonnet')));
    // Another window disables opus before this one has its answer.
    await act(async () => void (await save([{ ...sonnet, enabled: false }, { ...opus, enabled: false }])));
    await act(async () => answer());
    expect([enabled('sonnet').checked, enabled('opus').checked]).toEqual([false, false]);
  });

  it('shows a rule’s savings as unknown when none of its requests had a known price', () => {
    const unpriced = stats({ byRule: { sonnet: totals({ queries: 2, accepted: 2, unpricedQueries: 2 }) } });
    render(<Rules api={new MemoryControlApi([sonnet])} rules={[sonnet]} stats={unpriced} status={status()} decisions={[]} />);
    expect(screen.getByTestId('rule-savings').textContent).toBe('unknown —');
  });
});

describe('per action class', () => {
  const lastSaved = (api: MemoryControlApi) => (api.callsTo('saveRules').at(-1)![0] as CascadeRule[]).find((r) => r.id === 'sonnet')!;
  const commit = (field: HTMLElement, value: string) => {
    fireEvent.change(field, { target: { value } });
    fireEvent.keyDown(field, { key: 'Enter' });
  };

  it('derives each class’s threshold from the slider and says so, following a drag before it is saved', () => {
    renderRules(new MemoryControlApi([sonnet]));
    const card = screen.getByTestId('rule-sonnet');
    const read = within(card).getByTestId('class-read');
    expect((within(read).getByLabelText('Read threshold') as HTMLInputElement).value).toBe('0.55');
    expect(within(read).getByTestId('threshold-origin').textContent).toBe("default: the slider's 0.70 − 0.15");
    expect((within(card).getByLabelText('Write threshold') as HTMLInputElement).value).toBe('0.7');
    expect(within(within(card).getByTestId('class-write')).getByTestId('threshold-origin').textContent).toBe('default: the slider');

    fireEvent.change(within(card).getByRole('slider'), { target: { value: '0.8' } });
    expect((within(read).getByLabelText('Read threshold') as HTMLInputElement).value).toBe('0.65');
    expect((within(card).getByLabelText('Answer threshold') as HTMLInputElement).value).toBe('0.8');
  });

  it('saves a class’s own threshold on Enter, not while typing, and resets it to the derived one', async () => {
    const api = new MemoryControlApi([sonnet, opus]);
    renderRules(api);
    const write = within(screen.getByTestId('rule-sonnet')).getByTestId('class-write');
    const field = within(write).getByLabelText('Write threshold');
    fireEvent.change(field, { target: { value: '0.' } });
    fireEvent.change(field, { target: { value: '1.5' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(within(write).getByText('0–1')).toBeTruthy();
    expect(api.callsTo('saveRules')).toHaveLength(0);

    await act(async () => commit(field, '0.82'));
    expect(lastSaved(api)).toEqual({ ...sonnet, classThresholds: { write: 0.82 } });
    expect(within(write).getByTestId('threshold-origin').textContent).toBe('own value Reset to 0.70');
    await act(async () => fireEvent.click(within(write).getByRole('button', { name: 'Reset to 0.70' })));
    expect(lastSaved(api)).toEqual(sonnet);
    expect((field as HTMLInputElement).value).toBe('0.7');
  });

  it('accepts unverified drafts per class, from the contract’s defaults, and resets the choice', async () => {
    const api = new MemoryControlApi([sonnet]);
    renderRules(api);
    const card = screen.getByTestId('rule-sonnet');
    const read = within(card).getByRole('checkbox', { name: 'Accept unverified read drafts' }) as HTMLInputElement;
    const answer = within(card).getByRole('checkbox', { name: 'Accept unverified answer drafts' }) as HTMLInputElement;
    expect(read.checked).toBe(true);
    expect(answer.checked).toBe(false);
    expect(within(within(card).getByTestId('class-answer')).getByTestId('unverified-origin').textContent).toBe('default (escalated: waits for evidence)');

    await act(async () => fireEvent.click(answer));
    expect(lastSaved(api)).toEqual({ ...sonnet, acceptUnverified: { answer: true } });
    expect(answer.checked).toBe(true);
    const origin = within(within(card).getByTestId('class-answer')).getByTestId('unverified-origin');
    expect(origin.textContent).toBe('your choice Reset to default (escalate)');
    await act(async () => fireEvent.click(within(origin).getByRole('button')));
    expect(lastSaved(api)).toEqual(sonnet);
  });

  it('builds two quick edits of one rule on each other', async () => {
    const api = new MemoryControlApi([sonnet]);
    const answers: Array<() => void> = [];
    const save = api.saveRules.bind(api);
    api.saveRules = (rules) => new Promise((resolve) => answers.push(() => resolve(save(rules))));
    renderRules(api);
    const card = screen.getByTestId('rule-sonnet');
    await act(async () => fireEvent.click(within(card).getByRole('checkbox', { name: 'Accept unverified write drafts' })));
    await act(async () => commit(within(card).getByLabelText('Write threshold'), '0.9'));
    await act(async () => answers.forEach((answer) => answer()));
    expect(api.rules).toEqual([{ ...sonnet, acceptUnverified: { write: true }, classThresholds: { write: 0.9 } }]);
  });

  it('shows per-class acceptance in the recent log and what the unverified choice did, as the proxy measured it', async () => {
    const records = [
      decisionRecord({ actionClass: 'answer', unverified: true }),
      decisionRecord({ actionClass: 'answer', decision: 'escalated', savings: -0.001 }),
      decisionRecord({ actionClass: 'answer', decision: 'escalated', unverified: true }),
      decisionRecord({ actionClass: 'answer', decision: 'not_worth_drafting' }),
      decisionRecord({ actionClass: 'answer', ruleId: 'opus' }),
    ];
    const api = new MemoryControlApi([sonnet]);
    api.quality = qualityStats({
      byRule: {
        sonnet: {
          sampleCostPerDay: 0,
          classes: {
            read: classQuality(),
            write: classQuality(),
            answer: classQuality({ accepted: 12, unverified: { accepted: 12, savings: 0.31, laterFailed: 1, sampled: 5, agreed: 4, escalated: 3, forgone: 0.05 } }),
          },
        },
      },
    });
    render(<Rules api={api} rules={[sonnet]} stats={snapshot} status={status()} decisions={records} />);
    const answer = screen.getByTestId('class-answer');
    expect(within(answer).getByTestId('class-acceptance').textContent).toBe('Recent log: 1 of 3 answer drafts accepted (33.3%)');
    expect((await within(answer).findByTestId('class-unverified')).textContent).toBe(
      'Unverified answer drafts: 12 accepted (saved $0.31; 1 later failed; 4 of 5 sampled matched) · 3 escalated (accepting them would have saved $0.05 more)',
    );
    expect(within(answer).getByTestId('class-acceptance').textContent).toBe('Recent log: 1 of 3 answer drafts accepted (33.3%) · 0 of 12 accepted answer drafts later failed.');
    expect(within(screen.getByTestId('class-write')).getByTestId('class-unverified').textContent).toBe('No unverified write drafts yet.');
  });
});

describe('measured quality and shadow verification', () => {
  const measured = qualityStats({
    byRule: {
      sonnet: {
        sampleCostPerDay: 2.4,
        classes: {
          read: classQuality({ accepted: 30 }),
          write: classQuality({
            accepted: 50,
            laterFailed: 3,
            laterFailedShare: 0.06,
            shadow: { n: 120, agreed: 109, rate: 109 / 120, low: 0.87, high: 0.95, cost: 0.83, unpriced: 0, failed: 0, byWording: 0, model: 'claude-opus-5-5' },
            target: 0.95,
            suggestion: { kind: 'threshold', threshold: 0.82, agreement: 0.96, n: 40 },
          }),
          answer: classQuality(),
        },
      },
    },
  });

  it('says what each class measured and, below the target, suggests a threshold to apply in one click', async () => {
    const api = new MemoryControlApi([{ ...sonnet, targetAgreement: 0.95, shadowRate: 0.1 }]);
    api.quality = measured;
    renderRules(api);
    const cls = screen.getByTestId('class-write');
    await within(cls).findByText(/^Measured:/);
    expect(within(cls).getByTestId('class-agreement').textContent).toBe('Measured: 91 % of sampled drafts matched claude-opus-5-5 (±4 %, n = 120, cost $0.83)');
    expect(within(cls).getByTestId('class-acceptance').textContent).toContain('3 of 50 accepted write drafts later failed (6 %)');
    const target = within(cls).getByTestId('class-target');
    expect(target.textContent).toContain('Below your 95 % target. A threshold of 0.82 would have met it: 96 % of the 40 sampled drafts at 0.82 or above matched.');
    expect(screen.getByTestId('below-target').textContent).toContain('Write drafts are below your agreement target');
    expect(within(screen.getByTestId('class-answer')).getByTestId('class-agreement').textContent).toBe('Not measured yet: no sampled draft compared.');

    await act(async () => fireEvent.click(within(target).getByRole('button', { name: 'Use 0.82 for write' })));
    expect((api.callsTo('saveRules').at(-1)![0] as CascadeRule[])[0].classThresholds).toEqual({ write: 0.82 });
    // Saving the rules asks for the measurements again: the suggestion is measured against the new threshold.
    await waitFor(() => expect(api.callsTo('qualityStats').length).toBeGreaterThanOrEqual(2));
  });

  it('sets the sample rate and the target, with what sampling costs at recent traffic', async () => {
    const api = new MemoryControlApi([sonnet]);
    api.quality = measured;
    renderRules(api);
    const shadow = screen.getByTestId('shadow-settings');
    await within(shadow).findByText('Off. Checking every accepted draft would cost about $2.40/day at recent traffic.');

    const rate = within(shadow).getByLabelText('Sample rate');
    fireEvent.change(rate, { target: { value: '25' } });
    await act(async () => fireEvent.blur(rate));
    expect((api.callsTo('saveRules').at(-1)![0] as CascadeRule[])[0]).toEqual({ ...sonnet, shadowRate: 0.25 });
    expect(within(shadow).getByTestId('shadow-cost').textContent).toBe('At recent traffic this costs about $0.60/day (every accepted draft: $2.40/day).');

    const target = within(shadow).getByLabelText('Target agreement');
    expect((target as HTMLInputElement).placeholder).toBe('no target');
    fireEvent.change(target, { target: { value: '90' } });
    await act(async () => fireEvent.keyDown(target, { key: 'Enter' }));
    expect((api.callsTo('saveRules').at(-1)![0] as CascadeRule[])[0]).toEqual({ ...sonnet, shadowRate: 0.25, targetAgreement: 0.9 });
    fireEvent.change(target, { target: { value: '' } });
    await act(async () => fireEvent.blur(target));
    fireEvent.change(rate, { target: { value: '0' } });
    await act(async () => fireEvent.blur(rate));
    expect((api.callsTo('saveRules').at(-1)![0] as CascadeRule[])[0]).toEqual(sonnet);
  });

  it('says when the measurements cannot be had', async () => {
    const api = new MemoryControlApi([sonnet]);
    api.qualityStats = async () => {
      throw new Error('proxy unreachable');
    };
    renderRules(api);
    expect(await screen.findByText('Measured quality is not available: proxy unreachable')).toBeTruthy();
    expect(screen.getByTestId('shadow-cost').textContent).toBe('What sampling costs is not known yet.');
  });
});
