import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryControlApi } from '../../../test/fixtures/memory-api';
import { ClientTokens } from './ClientTokens';

afterEach(cleanup);

const click = (name: string) => act(async () => void fireEvent.click(screen.getByRole('button', { name })));
const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('ClientTokens', () => {
  it('lists tokens with their limits, today’s use and last use', async () => {
    const api = new MemoryControlApi();
    api.tokens = [
      { name: 'ci', createdAt: 1, lastUsedAt: Date.now(), limits: { requestsPerMinute: 30, dailySpendUsd: 2 }, allowFallbackKey: true, today: { queries: 3, cost: 0.5, savings: 0.1, limited: 2 } },
      { name: 'laptop', createdAt: 1, limits: {}, allowFallbackKey: false, today: { queries: 0, cost: 0, savings: 0, limited: 0 } },
    ];
    await act(async () => void render(<ClientTokens api={api} requests={0} />));
    const rows = within(screen.getByTestId('token-list')).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(rows[0]).toMatch(/^ci30\/min, \$2\.00\/day; may use the proxy’s key3 requests, \$0\.50; 2 refused by a limit.+Revoke…$/);
    expect(rows[1]).toBe('laptopno limits0 requests, $0.00neverRevoke…');
  });

  it('creates a token and shows its secret once, with a copy button', async () => {
    const api = new MemoryControlApi();
    await act(async () => void render(<ClientTokens api={api} requests={0} />));
    expect(screen.getByTestId('no-tokens')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Create token' }) as HTMLButtonElement).disabled).toBe(true);
    type('Name', 'ci');
    type('Requests per minute', '30');
    type('Streams at once', '1');
    await click('Create token');
    expect(api.callsTo('createToken')).toEqual([[{ name: 'ci', limits: { requestsPerMinute: 30, concurrentStreams: 1 }, allowFallbackKey: false }]]);
    const shown = screen.getByTestId('created-token');
    // The memory API's made-up secret.
    const secret = `cft_${'A'.repeat(43)}`;
    expect(shown.textContent).toContain('it will not be shown again');
    expect(within(shown).getByRole('button', { name: `Copy token: ${secret}` })).toBeTruthy();
    expect(screen.getByTestId('token-list').textContent).toContain('30/min, 1 stream at once');
    await click('Done');
    expect(screen.queryByTestId('created-token')).toBeNull();
    expect(document.body.textContent).not.toContain(secret);
  });

  it('revokes only after confirmation; a refusal is shown', async () => {
    const api = new MemoryControlApi();
    await api.createToken({ name: 'old' });
    await act(async () => void render(<ClientTokens api={api} requests={0} />));
    await click('Revoke…');
    await click('Cancel');
    expect(api.callsTo('revokeToken')).toEqual([]);
    await click('Revoke…');
    await click('Revoke old');
    expect(api.callsTo('revokeToken')).toEqual([['old']]);
    expect(screen.getByTestId('no-tokens')).toBeTruthy();
    type('Name', 'has space');
    await click('Create token');
    expect(screen.getByRole('alert').textContent).toMatch(/Invalid arguments to createToken/);
  });
});
