// The web dashboard end to end, in real Chromium: the headless proxy (temp data dir)
// in front of the upstream simulator, requests sent with the official SDK, the page
// watched for live updates; a threshold dragged on the page, then the next request and
// a proxy restart; per-class thresholds, unverified drafts and shadow sampling set on the
// page and decided by, a later failure and a skipped turn seen live, one conversation's
// turns; a request that failed for its client; a cross-origin page trying to change the admin
// API; the layout at the tray window's width; statistics reset from Settings; the admin token
// asked for on a proxy that needs one.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyContext } from '../../proxy/context';
import type { Logger } from '../../proxy/log/logger';
import { type RunningProxy, startProxyServer } from '../../proxy/server';
import { createSimulator, type Simulator } from '../../simulator/server';
import { createProxyContext } from '../../proxy/runtime';
import { formatMoney } from '../../renderer/src/lib/format';
import { eventually } from '../wait';

const ARTIFACTS = path.resolve('test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Live means within a second of the answer; the stream batches stats every 250 ms. */
const LIVE_MS = 1000;
const SONNET = 'claude-sonnet-4-6';
const RULE = 'sonnet-4';

const quiet: Logger = { info: () => undefined, warn: () => undefined };
const READ: Anthropic.Tool = {
  name: 'Read',
  description: 'Reads a file from the local filesystem.',
  input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
};
const BASH: Anthropic.Tool = {
  name: 'Bash',
  description: 'Runs a shell command.',
  input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
};
const SESSION_ID = '7c0f3a51-9e2d-4b6a-8f10-2a4c6e8b0d13';
/** Claude Code's way of naming its session. */
const SESSION = { user_id: JSON.stringify({ device_id: 'd', account_uuid: '', session_id: SESSION_ID }) };

let dataDir: string;
let simulator: Simulator;
let ctx: ProxyContext;
let proxy: RunningProxy;
let browser: Browser;
let page: Page;
let client: Anthropic;
/** Every response the dashboard page received: nothing it asks for may be missing (e.g. /favicon.ico). */
const responses: Array<{ url: string; status: number }> = [];

async function startProxy(port = 0): Promise<void> {
  ctx = await createProxyContext({
    dataDir,
    env: { CASCADEFLOW_UPSTREAM_URL: simulator.url },
    logger: quiet,
    writeIntervalMs: 50,
  });
  // The dashboard's controls are under test, not the economics: every matched request drafts
  // (the same prompts in one rule would otherwise teach cost-aware drafting to stop).
  await ctx.control.updateSettings({ draftPolicy: 'always' });
  proxy = await startProxyServer(ctx, { host: '127.0.0.1', port });
}

async function stopProxy(): Promise<void> {
  await proxy.close();
  await ctx.flush();
  await ctx.close();
}

function ask(prompt: string, model = SONNET) {
  return client.messages.create({ model, max_tokens: 512, messages: [{ role: 'user', content: prompt }] });
}

const text = (testId: string, scope = page.getByTestId('totals-today')) => () => scope.getByTestId(testId).innerText();

async function show(view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true }).click();
}

async function screenshot(name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'cascadeflow-dashboard-'));
  simulator = await createSimulator({ host: '127.0.0.1', port: 0 });
  await startProxy();
  client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-ant-test', maxRetries: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('response', (response) => responses.push({ url: response.url(), status: response.status() }));
  // Every wait is bounded well inside the test's own timeout, so a failure names what it waited for.
  page.setDefaultTimeout(10_000);
  // Anything the strict CSP blocks (an inline style, an eval) would break the page silently.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await ctx?.close();
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard in Chromium against the headless proxy', () => {
  it('serves the bundle at /dashboard/ under a strict CSP, starting with the setup guide', async () => {
    const response = await page.goto(`${proxy.url}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${proxy.url}/dashboard/`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    expect(await page.getByText(`export ANTHROPIC_BASE_URL=${proxy.url}`).count()).toBe(1);
    await page.getByTestId('connection').filter({ hasText: 'Running' }).waitFor();
    await screenshot('empty');

    // The app icon is the favicon: a bundled asset the page names, so nothing asks for /favicon.ico.
    const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
    expect(icon).toMatch(/^\.\/assets\/.+\.png$/);
    const fetched = await page.evaluate(async (href) => {
      const response = await fetch(new URL(href, document.baseURI));
      return { status: response.status, type: response.headers.get('content-type') };
    }, icon!);
    expect(fetched).toEqual({ status: 200, type: 'image/png' });
    expect(responses.filter((r) => r.status >= 400)).toEqual([]);
    expect(responses.some((r) => r.url.endsWith('/favicon.ico'))).toBe(false);
  });

  it('shows empty states, not empty axes, before the first request', async () => {
    await show('Charts');
    for (const chart of ['chart-cumulative', 'chart-savings', 'chart-requests-by-model', 'chart-cost-by-model']) {
      expect(await page.getByTestId(chart).getByTestId('chart-empty').innerText()).toBe('No requests yet');
    }
    expect(await page.locator('.recharts-wrapper').count()).toBe(0);
    await screenshot('charts-empty');
    await show('Overview');
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
  });

  it('updates the overview, a chart and the log live as requests flow', async () => {
    // Accepted: the simulator's default is a good answer from the draft model.
    const accepted = await ask('Explain in two sentences what a reverse proxy does.');
    expect(accepted.model).toMatch(/haiku/);
    await eventually(text('Requests'), (v) => v === '1', LIVE_MS, 'today’s request count');
    expect(await text('Draft acceptance')()).toBe('100.0%');
    expect(await text('Answered by a draft')()).toBe('100.0%');
    const saved = await text('Saved')();
    expect(saved).toMatch(/^\$0\.\d+$/);
    const stats = await ctx.control.getStats();
    expect(await text('Actual cost')()).toBe(formatMoney(stats.today.cost));

    // Escalated: a hedging draft costs the draft and the requested model, so savings drop.
    const escalated = await ask('[sim:haiku=hedging] What is the capital of Australia?');
    expect(escalated.model).toBe(SONNET);
    await eventually(text('Escalated'), (v) => v === '1', LIVE_MS, 'the escalation count');
    expect(await text('Requests')()).toBe('2');
    expect(await text('Draft acceptance')()).toBe('50.0%');

    // The cumulative chart redraws when the next request lands.
    await show('Charts');
    const actualLine = page.getByTestId('chart-cumulative').locator('.recharts-line-curve');
    await actualLine.waitFor();
    const before = await actualLine.getAttribute('d');
    await ask('Summarise the benefits of unit tests in one paragraph.');
    await eventually(() => actualLine.getAttribute('d'), (d) => d !== before, LIVE_MS, 'the cumulative cost line');
    const bars = page.getByTestId('chart-requests-by-model').locator('.recharts-bar-rectangle');
    expect(await bars.count()).toBe(2);

    // The log shows each decision with its reason, and a new row arrives without reload.
    await show('Log');
    const rows = page.getByTestId('decision-row');
    await eventually(() => rows.count(), (n) => n === 3, LIVE_MS, 'three log rows');
    const escalatedRow = rows.filter({ hasText: 'Escalated' });
    expect(await escalatedRow.count()).toBe(1);
    expect((await escalatedRow.innerText()).length).toBeGreaterThan(20);
    await ask('[sim:haiku=truncated] Write a long essay about rivers.');
    await eventually(() => rows.count(), (n) => n === 4, LIVE_MS, 'the fourth log row');
    expect(await rows.first().innerText()).toContain('Escalated');

    await rows.first().click();
    const detail = page.getByTestId('decision-detail');
    await detail.waitFor();
    expect(await detail.innerText()).toMatch(/Against the draft\s+truncated/);
    await page.getByRole('radio', { name: 'Escalated' }).click();
    expect(await rows.count()).toBe(2);
    await page.getByRole('radio', { name: 'All' }).click();
    await screenshot('log');
    await page.keyboard.press('Escape');

    await show('Charts');
    await actualLine.waitFor();
    await screenshot('charts');
    await show('Overview');
    await page.getByTestId('chart-cumulative').locator('.recharts-line-curve').waitFor();
    await screenshot('overview');
    await show('Settings');
    await page.getByTestId('proxy-status').waitFor();
    await screenshot('settings');
  });

  it('saves a dragged threshold: the next request uses it and it survives a restart', async () => {
    await show('Rules');
    const card = page.getByTestId(`rule-${RULE}`);
    const slider = card.getByRole('slider');
    expect(await slider.inputValue()).toBe('0.7');

    // Drag the thumb with the mouse from its position to near the right end.
    await slider.scrollIntoViewIfNeeded();
    const box = (await slider.boundingBox())!;
    const at = (value: number) => box.x + 8 + ((value - 0.5) / 0.45) * (box.width - 16);
    await page.mouse.move(at(0.7), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(at(0.8), box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(at(0.9), box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const dragged = Number(await slider.inputValue());
    expect(dragged).toBeGreaterThan(0.85);
    expect(dragged).toBeLessThanOrEqual(0.95);
    await page.getByTestId('rules-save-state').filter({ hasText: 'Saved' }).waitFor();
    expect(await card.innerText()).toContain(`At ${dragged.toFixed(2)}`);
    await screenshot('rules');

    // The next request is decided against the dragged threshold.
    await ask('Give one tip for writing readable code.');
    const [latest] = await ctx.control.getDecisions({ limit: 1 });
    expect(latest.ruleId).toBe(RULE);
    expect(latest.threshold).toBe(dragged);
    expect(latest.decision).toBe(latest.confidence !== null && latest.confidence >= dragged ? 'accepted' : 'escalated');
    await show('Log');
    await page.getByTestId('decision-row').first().click();
    expect(await page.getByTestId('decision-detail').innerText()).toContain(`threshold ${dragged.toFixed(2)}`);
    await page.keyboard.press('Escape');

    // Restart on the same port and data dir: the open page reconnects by itself.
    const port = proxy.port;
    await stopProxy();
    await page.getByTestId('connection').filter({ hasText: /Reconnecting/ }).waitFor();
    await startProxy(port);
    expect((await ctx.control.getRules()).find((r) => r.id === RULE)?.threshold).toBe(dragged);
    await page.getByTestId('connection').filter({ hasText: 'Running' }).waitFor({ timeout: 10_000 });
    await show('Rules');
    expect(await page.getByTestId(`rule-${RULE}`).getByRole('slider').inputValue()).toBe(String(dragged));
    // Totals persisted too, and the reconnected page is live again.
    await show('Overview');
    await eventually(text('Requests'), (v) => v === '5', LIVE_MS, 'the persisted request count');
    await ask('One more question after the restart.');
    await eventually(text('Requests'), (v) => v === '6', LIVE_MS, 'the count after the restart');
  });

  it('sets per-class thresholds, unverified drafts and shadow sampling that the proxy then decides by, and shows what came of them', async () => {
    await show('Rules');
    const card = page.getByTestId(`rule-${RULE}`);
    await card.getByText(/^Per action class/).click();
    const commit = async (label: string, value: string) => {
      const field = card.getByLabel(label, { exact: true });
      await field.fill(value);
      await field.press('Enter');
    };
    await commit('Write threshold', '0.93');
    await commit('Read threshold', '0.3');
    await card.getByRole('checkbox', { name: 'Accept unverified answer drafts' }).check();
    await commit('Sample rate', '100');
    const saved = await eventually(
      async () => (await ctx.control.getRules()).find((r) => r.id === RULE)!,
      (r) => r.shadowRate === 1 && r.classThresholds?.write === 0.93 && r.classThresholds.read === 0.3 && r.acceptUnverified?.answer === true,
      5_000,
      'the per-class settings in the proxy',
    );
    expect(saved.classThresholds).toEqual({ write: 0.93, read: 0.3 });
    await card.getByTestId('class-write').getByText('own value').waitFor();
    await card.getByTestId('class-answer').getByText(/your choice/).waitFor();
    // What sampling every accepted draft costs, as the proxy measures it from recent traffic.
    const { sampleCostPerDay } = (await ctx.control.qualityStats()).byRule[RULE];
    const cost = sampleCostPerDay === 0 ? 'No accepted drafts in the last 7 days' : `At recent traffic this costs about ${formatMoney(sampleCostPerDay)}/day`;
    await card.getByTestId('shadow-cost').filter({ hasText: cost }).waitFor();

    // A write-class draft is judged against the write threshold just set.
    simulator.script('claude-haiku-4-5', { kind: 'tool', tool: 'Bash', input: { command: 'npm install left-pad' } }, 1);
    await client.messages.create({ model: SONNET, max_tokens: 200, tools: [BASH], messages: [{ role: 'user', content: 'Add left-pad to the project.' }] });
    const [write] = await ctx.control.getDecisions({ limit: 1 });
    expect(write).toMatchObject({ actionClass: 'write', threshold: 0.93 });

    // A read-class draft accepted under the read threshold, whose Read comes back failed: the
    // draft's row is marked later failed (an amend event), and the next turn is not drafted.
    simulator.script('claude-haiku-4-5', { kind: 'tool', tool: 'Read', input: { file_path: '/home/ada/app/src/app.ts' } }, 1);
    const opening: Anthropic.MessageParam = { role: 'user', content: 'Show me what /home/ada/app/src/app.ts contains.' };
    const first = await client.messages.create({ model: SONNET, max_tokens: 200, tools: [READ], metadata: SESSION, messages: [opening] });
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    const [read] = await ctx.control.getDecisions({ limit: 1 });
    expect(read).toMatchObject({ decision: 'accepted', actionClass: 'read', threshold: 0.3, conversationId: `s:${SESSION_ID}` });
    await show('Log');
    const rows = page.getByTestId('decision-row');
    const readRow = page.locator(`[data-testid="decision-row"][data-id="${read.id}"]`);
    await readRow.getByTestId('shadow-badge').waitFor({ timeout: 10_000 });
    await client.messages.create({
      model: SONNET,
      max_tokens: 200,
      tools: [READ],
      metadata: SESSION,
      messages: [
        opening,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, is_error: true, content: 'File does not exist.' }] },
      ],
    });
    await readRow.getByTestId('later-failed').waitFor({ timeout: LIVE_MS });
    expect(await readRow.getByTestId('later-failed').getAttribute('title')).toBe('Read came back is_error: File does not exist.');
    const skipped = rows.first();
    await skipped.filter({ hasText: 'Not worth drafting' }).waitFor({ timeout: LIVE_MS });
    expect(await skipped.innerText()).toContain('Read came back is_error');
    await page.getByRole('radio', { name: 'Not worth drafting' }).click();
    await rows.filter({ hasText: 'Read came back is_error' }).first().waitFor();
    expect(await rows.filter({ hasNotText: 'Not worth drafting' }).count()).toBe(0);
    await page.getByRole('radio', { name: 'All' }).click();

    // The conversation's own view: its two turns, oldest first, and back.
    await readRow.getByRole('button', { name: `s:${SESSION_ID.slice(0, 8)}` }).click();
    await page.getByTestId('conversation-view').getByText(/Since it began/).waitFor();
    await eventually(() => rows.count(), (n) => n === 2, LIVE_MS, 'the conversation’s two turns');
    expect(await rows.nth(0).innerText()).toContain('later failed');
    expect(await rows.nth(1).innerText()).toContain('Not worth drafting');
    await rows.nth(0).click();
    expect(await page.getByTestId('decision-detail').innerText()).toMatch(/Shadow check by claude-sonnet-4-6/);
    await screenshot('conversation');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '← All requests' }).click();
    await page.getByTestId('conversation-view').waitFor({ state: 'detached' });

    // Where the threshold is tuned: what the shadow sample measured for reads, and its cost.
    await show('Rules');
    await card.getByText(/^Per action class/).click();
    const measured = card.getByTestId('class-read').getByTestId('class-agreement');
    await measured.filter({ hasText: /^Measured: (0|100) % of sampled drafts matched claude-sonnet-4-6 \(±\d+ %, n = 1, cost \$/ }).waitFor();
    expect(await card.getByTestId('class-read').getByTestId('class-acceptance').innerText()).toContain('1 of 1 accepted read drafts later failed (100 %)');
    await screenshot('rules-classes');
  });

  it('shows a request that failed for its client as failed, not as answered', async () => {
    const haiku = 'claude-haiku-4-5'; // no rule: a passthrough, refused by the upstream
    const error = await ask('[sim:error:529] Hello?', haiku).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    const [failed] = await ctx.control.getDecisions({ limit: 1 });
    expect(failed).toMatchObject({ decision: 'failed', requestedModel: haiku, status: 529 });

    await show('Overview');
    await eventually(text('Failed'), (v) => v === '1', LIVE_MS, 'the failed count');
    const latest = page.getByTestId('recent-decision').first();
    await latest.filter({ hasText: 'Failed' }).waitFor({ timeout: LIVE_MS });
    const line = await latest.innerText();
    expect(line).toContain(haiku);
    expect(line).toContain('(HTTP 529)');
    expect(line).not.toContain('→');
    expect(line).not.toContain('saved');

    await show('Log');
    await page.getByRole('radio', { name: 'Failed' }).click();
    const rows = page.getByTestId('decision-row');
    await eventually(() => rows.count(), (n) => n === 1, LIVE_MS, 'the one failed row');
    expect(await rows.first().innerText()).toContain('(HTTP 529)');
    await rows.first().click();
    expect(await page.getByTestId('failed-detail').innerText()).toMatch(/^Failed: .+ \(HTTP 529\); claude-haiku-4-5 did not answer$/);
    await page.keyboard.press('Escape');
    await page.getByRole('radio', { name: 'All' }).click();

    // The model that never answered is no answering model.
    await show('Charts');
    const models = page.getByTestId('chart-requests-by-model').locator('.recharts-cartesian-axis-tick-value');
    await models.first().waitFor();
    expect(await models.allInnerTexts()).not.toContain(haiku);
  });

  it('refuses cross-origin writes to the admin API', async () => {
    const rulesBefore = await ctx.control.getRules();
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><form id="f" method="POST" action="${proxy.url}/api/settings">
        <input name="paused" value="true"></form>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    const attacker = await browser.newPage();
    try {
      await attacker.goto(evilUrl);
      // A scripted PUT needs a CORS preflight, which the proxy refuses: the browser never sends it.
      const scripted = await attacker.evaluate(async (url) => {
        try {
          const response = await fetch(`${url}/api/rules`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify([]),
          });
          return `status ${response.status}`;
        } catch (error) {
          return (error as Error).name;
        }
      }, proxy.url);
      expect(scripted).toBe('TypeError');

      // A form POST needs no preflight: the proxy itself refuses it by its Origin.
      const [response] = await Promise.all([
        attacker.waitForResponse((r) => r.url() === `${proxy.url}/api/settings`),
        attacker.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()),
      ]);
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('Cross-origin request');
    } finally {
      await attacker.close();
      await new Promise((resolve) => evil.close(resolve));
    }
    expect(await ctx.control.getRules()).toEqual(rulesBefore);
    expect((await ctx.control.getSettings()).paused).toBe(false);
  });

  it('is usable at the tray window size and narrower: no amount cut off, filters that wrap between chips', async () => {
    // The desktop window's size (electron/app/dashboard-window.ts), then a narrow phone.
    for (const width of [440, 360]) {
      await page.setViewportSize({ width, height: 680 });
      await show('Overview');
      await page.getByTestId('totals-today').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      const recent = page.getByTestId('recent-decision');
      expect(await recent.count()).toBe(5);
      // Each amount shows whole, inside its row and the window.
      const amounts = await page.getByTestId('recent-amount').evaluateAll((elements) =>
        elements.map((element) => {
          const box = element.getBoundingClientRect();
          const row = element.closest('li')!.getBoundingClientRect();
          return { text: element.textContent, hidden: element.scrollWidth - element.clientWidth, left: box.left - row.left, right: row.right - box.right, edge: window.innerWidth - box.right };
        }),
      );
      for (const amount of amounts) {
        expect(amount.text).toMatch(/^(saved \$[\d.]+|cost \$[\d.]+ more|cost \$[\d.]+|cost unknown)$/);
        expect(amount, `${amount.text} at ${width} px`).toMatchObject({ hidden: 0 });
        expect(amount.left).toBeGreaterThanOrEqual(0);
        expect(amount.right).toBeGreaterThanOrEqual(0);
        expect(amount.edge).toBeGreaterThan(0);
      }
      // A time on every row; the failure's status, at the end of its reason, is not cut off either.
      for (const row of await recent.all()) expect(await row.locator('time').innerText()).toMatch(/\d/);
      const failedWhy = recent.filter({ hasText: 'Failed' }).locator('.recent-why');
      expect(await failedWhy.evaluate((element) => element.scrollHeight - element.clientHeight)).toBeLessThanOrEqual(0);
      await screenshot(`tray-overview-${width}`);

      await show('Log');
      await page.getByTestId('decision-row').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      // Each row's numbers (cost, saved, tokens, latency) fit their cells.
      const clipped = await page.locator('[data-testid="decision-row"] td.num').evaluateAll((cells) =>
        cells.filter((cell) => cell.scrollWidth > cell.clientWidth).map((cell) => cell.textContent),
      );
      expect(clipped, `at ${width} px`).toEqual([]);
      // Every filter on one line of its own, inside the window: the chips wrap between each other.
      const chips = await page.getByRole('radiogroup', { name: 'Filter by decision' }).getByRole('radio').evaluateAll((elements) =>
        elements.map((element) => {
          const box = element.getBoundingClientRect();
          return { text: element.textContent, height: box.height, right: box.right, lineHeight: parseFloat(getComputedStyle(element).lineHeight) };
        }),
      );
      expect(chips.map((c) => c.text)).toEqual(['All', 'Passthrough', 'Draft accepted', 'Escalated', 'Draft error', 'Not worth drafting', 'Failed']);
      for (const chip of chips) {
        expect(chip.height, `${chip.text} at ${width} px`).toBeLessThan(2 * chip.lineHeight);
        expect(chip.right).toBeLessThanOrEqual(width);
      }
      await screenshot(`tray-log-${width}`);
    }
    await show('Rules');
    await screenshot('tray-rules');
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('resets the statistics from Settings after an in-page confirmation: the overview empties live, rules stay', async () => {
    const rulesBefore = await ctx.control.getRules();
    await show('Settings');
    const section = page.getByTestId('statistics-settings');
    expect(await section.innerText()).toContain('Rules, settings and your API key are kept.');
    await section.getByRole('button', { name: 'Reset statistics…' }).click();
    await section.getByRole('button', { name: 'Reset statistics', exact: true }).click();
    await section.getByText('Statistics reset: nothing recorded since.').waitFor();
    expect((await ctx.control.getStats()).allTime.queries).toBe(0);
    expect(await ctx.control.getRules()).toEqual(rulesBefore);

    await show('Overview');
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    expect(await text('Requests')()).toBe('0');
    expect(await text('Requests', page.getByTestId('totals-all-time'))()).toBe('0');
    expect(await page.getByTestId('recent-decision').count()).toBe(0);
    await show('Charts');
    expect(await page.getByTestId('chart-requests-by-model').getByTestId('chart-empty').innerText()).toBe('No requests yet');

    // And the next request counts from zero, live.
    await show('Overview');
    await ask('A first question after the reset.');
    await eventually(text('Requests'), (v) => v === '1', LIVE_MS, 'the first request after the reset');
    expect(await page.getByTestId('recent-decision').count()).toBe(1);
    expect(responses.filter((r) => r.status === 404)).toEqual([]);
  });
});

describe('dashboard of a proxy that needs its admin token', () => {
  const token = `e2e-${randomUUID()}`;
  let lanDir: string;
  let lanCtx: ProxyContext;
  let lanProxy: RunningProxy;

  beforeAll(async () => {
    lanDir = mkdtempSync(path.join(tmpdir(), 'cascadeflow-dashboard-token-'));
    // CASCADEFLOW_ADMIN_TOKEN requires the token even on loopback, as HOST=0.0.0.0 would.
    lanCtx = await createProxyContext({
      dataDir: lanDir,
      env: { CASCADEFLOW_UPSTREAM_URL: simulator.url, CASCADEFLOW_ADMIN_TOKEN: token },
      logger: quiet,
    });
    lanProxy = await startProxyServer(lanCtx, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await lanProxy?.close();
    await lanCtx?.close();
    rmSync(lanDir, { recursive: true, force: true });
  });

  it('asks for the token when opened without the link, refuses a wrong one, and loads with the right one for the session only', async () => {
    // A fresh browser context: nothing in session storage from another test.
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const tokenPage = await context.newPage();
    tokenPage.setDefaultTimeout(10_000);
    const apiStatuses: number[] = [];
    tokenPage.on('response', (r) => void (new URL(r.url()).pathname.startsWith('/api/') && apiStatuses.push(r.status())));
    try {
      const dashboard = `${lanProxy.url}/dashboard/`;
      await tokenPage.goto(dashboard);
      await tokenPage.getByRole('heading', { name: 'Admin token' }).waitFor();
      expect(await tokenPage.getByText('This proxy needs its admin token (printed when it started).').count()).toBe(1);
      expect(await tokenPage.getByText('Cannot reach the proxy').count()).toBe(0);
      expect(await tokenPage.getByTestId('token-refused').count()).toBe(0);
      expect(apiStatuses).toContain(401);

      const input = tokenPage.getByRole('region', { name: 'Admin token' }).locator('input[type="password"]');
      await input.fill('not-the-token');
      await tokenPage.getByRole('button', { name: 'Open dashboard' }).click();
      await tokenPage.getByTestId('token-refused').waitFor();
      expect(await tokenPage.getByRole('heading', { name: 'Get started' }).count()).toBe(0);

      await input.fill(token);
      await tokenPage.getByRole('button', { name: 'Open dashboard' }).click();
      await tokenPage.getByRole('heading', { name: 'Get started' }).waitFor();
      // The live stream carries the token too.
      await tokenPage.getByTestId('connection').filter({ hasText: 'Running' }).waitFor();
      expect(await tokenPage.getByRole('heading', { name: 'Admin token' }).count()).toBe(0);

      // Never in the address bar; kept in session storage only, so a reload needs no form.
      expect(tokenPage.url()).toBe(dashboard);
      expect(await tokenPage.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.values(localStorage) }))).toEqual({
        session: [token],
        local: [],
      });
      await tokenPage.reload();
      await tokenPage.getByRole('heading', { name: 'Get started' }).waitFor();
      expect(await tokenPage.getByRole('heading', { name: 'Admin token' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
