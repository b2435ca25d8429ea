// Limits per API key in the web dashboard, in real Chromium: set on the Settings page (a value
// out of bounds flagged, never sent), read back through GET /api/settings, enforced on the
// official SDK's next request with the same key (429) but not on another key's, followed live
// when changed through PATCH /api/settings; the panel at the tray window's width and at 360 px.
// Needs `npm run build:renderer` first.
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicSettings } from '../../contracts/settings';
import type { RunningProxy } from '../../proxy/server';
import { ARTIFACTS, openSettingsPage, type SettingsPage } from './settings-page';

const HAIKU = 'claude-haiku-4-5-20251001';

let harness: SettingsPage;
let proxy: RunningProxy;
let page: Page;

beforeAll(async () => {
  harness = await openSettingsPage('key-limits-dashboard', 440);
  ({ proxy, page } = harness);
}, 30_000);

afterAll(async () => harness?.close());

async function keyLimits(): Promise<PublicSettings['keyLimits']> {
  const response = await fetch(`${proxy.url}/api/settings`);
  expect(response.status).toBe(200);
  return ((await response.json()) as PublicSettings).keyLimits;
}

function ask(apiKey: string, prompt: string) {
  const client = new Anthropic({ baseURL: proxy.url, apiKey, maxRetries: 0 });
  return client.messages.create({ model: HAIKU, max_tokens: 64, messages: [{ role: 'user', content: prompt }] }).catch((e: unknown) => e);
}

describe('Settings › Limits per API key', () => {
  it('sets limits that the proxy enforces per key, and follows a change made elsewhere', async () => {
    await page.goto(`${proxy.url}/dashboard`);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const panel = page.getByTestId('key-limits');
    await expect.poll(() => panel.getByTestId('key-limits-now').innerText()).toBe('Now: no limits.');

    // Out of bounds: flagged once the field is left, nothing sent.
    const rpm = panel.getByLabel('Requests per minute');
    await rpm.fill('0');
    await panel.getByLabel('Streams at once').focus();
    await expect.poll(() => panel.locator('.field-error').allInnerTexts()).toEqual(['a whole number from 1 to 1,000,000, or empty for no limit']);
    for (const width of [440, 360]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      const box = (await panel.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await panel.screenshot({ path: path.join(ARTIFACTS, `dashboard-key-limits-invalid-${width}.png`) });
    }
    expect(await keyLimits()).toEqual({});

    await rpm.fill('1');
    await panel.getByLabel('Streams at once').fill('3');
    await panel.getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(() => panel.getByTestId('key-limits-now').innerText()).toBe('Now: 1/min, 3 streams at once.');
    expect(await panel.locator('.field-error').count()).toBe(0);
    expect(await keyLimits()).toEqual({ requestsPerMinute: 1, concurrentStreams: 3 });

    expect(await ask('sk-ant-key-a', 'Say hello.')).toMatchObject({ type: 'message' });
    const refused = await ask('sk-ant-key-a', 'Again.');
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect(refused).toMatchObject({ status: 429 });
    expect(String((refused as Error).message)).toContain('This API key: limit of 1 request');
    // Another key has its own minute.
    expect(await ask('sk-ant-key-b', 'Hello from b.')).toMatchObject({ type: 'message' });

    for (const width of [440, 360]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await panel.screenshot({ path: path.join(ARTIFACTS, `dashboard-key-limits-${width}.png`) });
    }

    // Lifted elsewhere: the page follows, and the refused key passes again.
    const patched = await fetch(`${proxy.url}/api/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyLimits: {} }) });
    expect(patched.status).toBe(200);
    await expect.poll(() => panel.getByTestId('key-limits-now').innerText()).toBe('Now: no limits.');
    // The fields follow right after (an effect after that render).
    await expect.poll(() => rpm.inputValue()).toBe('');
    expect(await ask('sk-ant-key-a', 'Once more.')).toMatchObject({ type: 'message' });
  }, 60_000);
});
