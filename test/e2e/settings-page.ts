// What the Settings-page end-to-end tests share: a proxy on its own data folder in front of the
// simulator, and real Chromium (/usr/bin/chromium) with one page at a given width. Needs
// `npm run build:renderer` first.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import type { ProxyContext } from '../../proxy/context';
import { createProxyContext } from '../../proxy/runtime';
import { type RunningProxy, startProxyServer } from '../../proxy/server';
import { createSimulator, type Simulator } from '../../simulator/server';

export const ARTIFACTS = path.resolve('test-artifacts');

export interface SettingsPage {
  simulator: Simulator;
  ctx: ProxyContext;
  proxy: RunningProxy;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openSettingsPage(name: string, width: number): Promise<SettingsPage> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), `cascadeflow-${name}-`));
  const simulator = await createSimulator({ host: '127.0.0.1', port: 0 });
  const ctx = await createProxyContext({ dataDir, env: { CASCADEFLOW_UPSTREAM_URL: simulator.url }, logger: { info: () => undefined, warn: () => undefined } });
  const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.setDefaultTimeout(10_000);
  return {
    simulator,
    ctx,
    proxy,
    browser,
    page,
    async close() {
      await browser.close();
      await proxy.close();
      await ctx.close();
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
