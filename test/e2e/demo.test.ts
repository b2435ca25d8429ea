// `npm run demo` end to end, as a new user runs it: the script's command in its own process
// group (a terminal's Ctrl-C reaches tsx and the demo alike), with HOME, the XDG folders and
// TMPDIR in a throwaway folder. It waits for the printed dashboard URL and the scripted mix,
// checks the saving in /stats, sends one more request with the official SDK to the printed base
// URL while real Chromium shows the dashboard, sees the request count follow live, then Ctrl-C:
// exit 0, the demo's folder removed, the default data folder never created.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER, type DecisionRecord } from '../../contracts/decision';
import type { StatsResponse } from '../../contracts/stats';
import { DEFAULT_DASHBOARD_DIR } from '../../proxy/dashboard';
import { defaultDataDir } from '../../proxy/state/paths';
import { eventually } from '../wait';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
/** The whole run, start to exit; each wait below is bounded inside it. */
const TEST_MS = 55_000;

let sandbox: string;
let demo: ChildProcess | null = null;
let browser: Browser | null = null;
let output = '';

/** Resolves with the first match of `pattern` in the demo's output so far or to come. */
function printed(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = output.match(pattern);
      if (!match) return false;
      demo?.stdout?.off('data', check);
      clearTimeout(timer);
      resolve(match);
      return true;
    };
    const timer = setTimeout(() => {
      demo?.stdout?.off('data', check);
      reject(new Error(`the demo did not print ${pattern} within ${timeoutMs} ms; it printed:\n${output}`));
    }, timeoutMs);
    if (!check()) demo?.stdout?.on('data', check);
  });
}

beforeAll(() => {
  // `npm install` builds it (prepare); the proxy would serve a "not built" page otherwise.
  expect(existsSync(path.join(DEFAULT_DASHBOARD_DIR, 'index.html')), 'run `npm run build:renderer` first').toBe(true);
  sandbox = mkdtempSync(path.join(tmpdir(), 'cascadeflow-demo-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  // Only when an assertion failed midway: stop the whole group, as Ctrl-C would.
  if (demo?.pid && demo.exitCode === null && demo.signalCode === null) process.kill(-demo.pid, 'SIGKILL');
  rmSync(sandbox, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('runs the scripted mix with a saving, takes an SDK request the dashboard shows live, and cleans up on Ctrl-C', { timeout: TEST_MS }, async () => {
    const home = path.join(sandbox, 'home');
    const temp = path.join(sandbox, 'tmp');
    mkdirSync(home);
    mkdirSync(temp);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      TMPDIR: temp,
      // Whatever key the machine has, the demo must not need it.
      ANTHROPIC_API_KEY: '',
    };
    // The command `npm run demo` runs, started directly: npm itself answers Ctrl-C by dying of the
    // signal (exit 130) whatever its script does, so only the demo's own exit code says anything.
    // One process (tsx as a loader): tsx's own CLI relays Ctrl-C and SIGKILLs a child that has not
    // acknowledged it within 30 ms, which a busy machine misses (exit 130, nothing cleaned up).
    const [runner, ...script] = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.demo.split(' ');
    expect(runner).toBe('node');
    // Port 0: the test must not depend on 8000 being free (the runner's own test covers a taken port).
    demo = spawn(process.execPath, [...script, '--no-open', '--port', '0'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    demo.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));

    const [, baseUrl] = await printed(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 20_000);
    const [, dashboardUrl] = await printed(/Dashboard: (http:\/\/127\.0\.0\.1:\d+\/dashboard)\b/, 1_000);
    expect(dashboardUrl).toBe(`${baseUrl}/dashboard`);
    const [, dataDir] = await printed(/Data: +(\S+)/, 1_000);
    expect(path.dirname(path.dirname(dataDir))).toBe(temp);
    const folder = path.dirname(dataDir);
    expect(existsSync(dataDir)).toBe(true);
    await printed(/Scripted mix done: .*saved \$/, 15_000);
    expect(output).toMatch(/CascadeFlow demo \d+\.\d+\.\d+ listening on/);
    expect(output).toContain(`ANTHROPIC_BASE_URL=${baseUrl} ANTHROPIC_API_KEY=sk-demo npx claude -p "`);

    // Every kind the mix promises, and money saved overall.
    const stats = (await (await fetch(`${baseUrl}/stats`)).json()) as StatsResponse;
    expect(stats.total_queries).toBeGreaterThanOrEqual(7);
    expect(stats.cascade_used_count).toBeGreaterThanOrEqual(3);
    expect(stats.escalated_count).toBeGreaterThanOrEqual(1);
    expect(stats.draft_error_count).toBeGreaterThanOrEqual(1);
    expect(stats.passthrough_count).toBeGreaterThanOrEqual(1);
    expect(stats.total_savings).toBeGreaterThan(0);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(dashboardUrl);
    const requests = page.getByTestId('totals-all-time').getByTestId('Requests');
    const shown = async () => Number((await requests.innerText()).replace(/\D/g, ''));
    await eventually(shown, (n) => n >= stats.total_queries, 10_000, 'the dashboard showing the scripted mix');

    // One more request, with the official SDK at the printed base URL.
    const client = new Anthropic({ baseURL: baseUrl, apiKey: 'sk-demo', maxRetries: 0 });
    const { data: message, response } = await client.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'Explain what a DNS resolver caches.' }] })
      .withResponse();
    expect(message.content[0]).toMatchObject({ type: 'text' });
    const id = response.headers.get(REQUEST_ID_HEADER);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const recorded = async () => (await (await fetch(`${baseUrl}/api/decisions?limit=50`)).json()) as DecisionRecord[];
    const [record] = (await eventually(recorded, (list) => list.some((r) => r.id === id), 5_000, 'the SDK request recorded')).filter((r) => r.id === id);
    expect(record.requestedModel).toBe('claude-sonnet-4-6');
    const after = ((await (await fetch(`${baseUrl}/stats`)).json()) as StatsResponse).total_queries;
    // The page was not reloaded: the count that includes the SDK request arrived live.
    await eventually(shown, (n) => n >= after, 5_000, 'the dashboard counting the SDK request');

    process.kill(-demo.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain(`Removed ${folder}`);
    expect(existsSync(folder)).toBe(false);
    expect(readdirSync(temp).filter((name) => name.startsWith('cascadeflow-demo-'))).toEqual([]);
    // The user's real data folder was never created.
    expect(existsSync(defaultDataDir(env, process.platform, home))).toBe(false);
    await expect(fetch(`${baseUrl}/health`)).rejects.toThrow();
  });

  it('--help and --version print and exit 0, an unknown option is one line and the usage with exit 2; none starts anything', { timeout: 30_000 }, async () => {
    const temp = mkdtempSync(path.join(sandbox, 'manners-'));
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(path.resolve('node_modules/.bin/tsx'), ['demo/cli.ts', ...args], { env: { PATH: process.env.PATH, TMPDIR: temp }, timeout: 20_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
        );
      });
    // One after another: the first fills tsx's cache (in TMPDIR) for the others.
    const help = await run('--help');
    const version = await run('--version');
    const unknown = await run('--bogus');
    const badPort = await run('--port', 'eighty');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: npm run demo -- \[options\]/);
    expect(help.stdout).toContain('--no-open');
    expect(version).toMatchObject({ code: 0, stdout: `${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n` });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toMatch(/^cascadeflow demo: Unknown option '--bogus'/);
    expect(unknown.stderr.split('\n')[1]).toBe('Usage: npm run demo -- [options]');
    expect(badPort.code).toBe(2);
    expect(badPort.stderr.split('\n')[0]).toBe('cascadeflow demo: --port must be an integer between 0 and 65535, got "eighty"');
    expect(readdirSync(temp).filter((name) => name.startsWith('cascadeflow-demo-'))).toEqual([]);
  });
});
