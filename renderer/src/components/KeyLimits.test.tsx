import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyLimits as KeyLimitsShape } from '../../../contracts/settings';
import { MemoryControlApi } from '../../../test/fixtures/memory-api';
import { KeyLimits } from './KeyLimits';

afterEach(cleanup);

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
const save = () => act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Save limits' })));
const errors = () => screen.queryAllByText(/whole number/).map((e) => e.textContent);

/** The component as Settings renders it: its limits follow the API's settings events. */
function renderLive(api: MemoryControlApi) {
  const view = render(<KeyLimits limits={api.settings.keyLimits} api={api} />);
  const rerender = (limits: KeyLimitsShape) => view.rerender(<KeyLimits limits={limits} api={api} />);
  api.subscribe((event) => event.type === 'settings' && rerender(event.settings.keyLimits));
  return rerender;
}

describe('KeyLimits', () => {
  it('starts off, saves both limits with updateSettings and shows them as saved', async () => {
    const api = new MemoryControlApi();
    renderLive(api);
    expect(screen.getByTestId('key-limits-now').textContent).toBe('Now: no limits.');
    expect(field('Requests per minute').value).toBe('');
    expect((screen.getByRole('button', { name: 'Save limits' }) as HTMLButtonElement).disabled).toBe(true);
    type('Requests per minute', '60');
    type('Streams at once', '4');
    await save();
    expect(api.callsTo('updateSettings')).toEqual([[{ keyLimits: { requestsPerMinute: 60, concurrentStreams: 4 } }]]);
    expect(screen.getByTestId('key-limits-now').textContent).toBe('Now: 60/min, 4 streams at once.');
    expect((screen.getByRole('button', { name: 'Save limits' }) as HTMLButtonElement).disabled).toBe(true);

    // Emptying a field lifts that limit.
    type('Streams at once', '');
    await save();
    expect(api.callsTo('updateSettings')[1]).toEqual([{ keyLimits: { requestsPerMinute: 60 } }]);
    expect(api.settings.keyLimits).toEqual({ requestsPerMinute: 60 });
  });

  it('flags a value outside the schema’s bounds once the field is left, and never sends it', async () => {
    const api = new MemoryControlApi();
    renderLive(api);
    type('Requests per minute', '0');
    expect(errors()).toEqual([]);
    fireEvent.blur(field('Requests per minute'));
    expect(errors()).toEqual(['a whole number from 1 to 1,000,000, or empty for no limit']);
    expect(field('Requests per minute').getAttribute('aria-invalid')).toBe('true');
    type('Streams at once', '100001');
    expect(errors()).toHaveLength(1);
    await save();
    expect(errors()).toEqual(['a whole number from 1 to 1,000,000, or empty for no limit', 'a whole number from 1 to 100,000, or empty for no limit']);
    type('Requests per minute', '2.5');
    type('Streams at once', '100000');
    await save();
    expect(errors()).toEqual(['a whole number from 1 to 1,000,000, or empty for no limit']);
    expect(api.callsTo('updateSettings')).toEqual([]);
  });

  it('follows a change made elsewhere, and keeps what is typed when other settings change', async () => {
    const api = new MemoryControlApi();
    api.settings = { ...api.settings, keyLimits: { concurrentStreams: 2 } };
    renderLive(api);
    expect(field('Streams at once').value).toBe('2');
    expect(screen.getByTestId('key-limits-now').textContent).toBe('Now: 2 streams at once.');
    await act(() => api.updateSettings({ keyLimits: { requestsPerMinute: 5 } }));
    expect(field('Requests per minute').value).toBe('5');
    expect(field('Streams at once').value).toBe('');
    type('Requests per minute', '7');
    await act(() => api.updateSettings({ paused: true }));
    expect(field('Requests per minute').value).toBe('7');
  });
});
