// Client tokens in the web dashboard, in real Chromium: created on the Settings page (the secret
// shown once), used by the official SDK (the list follows that use live), revoked after a
// confirmation (the next request with it is a 401). Needs `npm run build:renderer` first.
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_HEADER } from '../../contracts/tokens';
import type { RunningProxy } from '../../proxy/server';
import { ARTIFACTS, openSettingsPage, type SettingsPage } from './settings-page';

const HAIKU = 'claude-haiku-4-5-20251001';

let harness: SettingsPage;
let proxy: RunningProxy;
let page: Page;

beforeAll(async () => {
  harness = await openSettingsPage('tokens-dashboard', 420);
  ({ proxy, page } = harness);
}, 30_000);

afterAll(async () => harness?.close());

describe('Settings › Client tokens', () => {
  it('creates a token shown once, follows its use live, and revokes it after confirmation', async () => {
    await page.goto(`${proxy.url}/dashboard`);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const panel = page.getByTestId('client-tokens');
    await expect.poll(() => panel.getByTestId('no-tokens').innerText()).toBe('No client tokens yet.');

    await panel.getByLabel('Name').fill('ci-bot');
    await panel.getByLabel('Requests per minute').fill('5');
    await panel.getByRole('button', { name: 'Create token' }).click();
    const created = panel.getByTestId('created-token');
    await expect.poll(() => created.innerText()).toContain('it will not be shown again');
    const secret = (await created.locator('code').first().innerText()).trim();
    expect(secret).toMatch(/^cft_[A-Za-z0-9_-]{43}$/);
    await panel.screenshot({ path: path.join(ARTIFACTS, 'dashboard-client-tokens-created.png') });

    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-ant-test', maxRetries: 0, defaultHeaders: { [CLIENT_TOKEN_HEADER]: secret } });
    await client.messages.create({ model: HAIKU, max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] });
    const row = panel.getByTestId('token-list').getByRole('row').nth(1);
    await expect.poll(() => row.innerText(), { timeout: 5_000 }).toMatch(/ci-bot\s+5\/min\s+1 request, \$0\.\d+/);

    await panel.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(secret);
    await row.getByRole('button', { name: 'Revoke…' }).click();
    await row.getByRole('button', { name: 'Revoke ci-bot' }).click();
    await expect.poll(() => panel.getByTestId('no-tokens').isVisible()).toBe(true);
    const refused = await client.messages.create({ model: HAIKU, max_tokens: 64, messages: [{ role: 'user', content: 'Again.' }] }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 401 });
    await panel.screenshot({ path: path.join(ARTIFACTS, 'dashboard-client-tokens-revoked.png') });
  }, 60_000);
});
