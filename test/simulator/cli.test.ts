// Command-line manners, on the real programs: `npm run simulator` (tsx, as npm runs it), the
// proxy's compiled CLI (`npm run serve`: dist/proxy/cli.js, built here into a temporary folder)
// and the `cascadeflow` command beside it. --help and --version print and exit 0 without
// starting anything; a bad option or a stray argument is one line `<prog>: <problem>` and the
// usage on stderr, exit 2. Started for real, each prints its banner, serves, and exits 0 on
// SIGTERM. Every child is killed after 20 s at the latest.
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN_FILE, buildProxy, ROOT } from '../../electron/tools/build';
import { createSimulator, type Simulator } from '../../simulator/server';
import { waitFor } from '../wait';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Once stdout matches: `whileRunning` runs, then the child gets SIGTERM. */
  until?: RegExp;
  whileRunning?: (match: RegExpExecArray, output: () => string) => Promise<void>;
}

/** Runs a program to its end (or, with `until`, until it has shown it runs). */
function run(command: string, args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stdout = '';
    let stderr = '';
    let seen = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      const match = options.until?.exec(stdout);
      if (!match || seen) return;
      seen = true;
      void (options.whileRunning?.(match, () => stdout) ?? Promise.resolve())
        .catch(reject)
        .finally(() => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

const version = async () => (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A usage error: exit 2, stdout empty, stderr one problem line then the usage. */
function expectUsageError(result: Run, firstLine: string | RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const [line, next] = result.stderr.split('\n');
  expect(line).toMatch(firstLine);
  expect(next).toMatch(/^Usage: /);
}

describe('npm run simulator', () => {
  const simulator = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'simulator/cli.ts', ...args]);

  it('--help prints the usage (options, environment, example) and exits 0 without starting', async () => {
    const result = await simulator('--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: npm run simulator -- \[options\]\n/);
    for (const part of ['--port <port>', '-h, --help', '-v, --version', 'SIMULATOR_PORT', 'Examples:', '[sim:refusal]']) expect(result.stdout).toContain(part);
    expect(result.stdout).not.toContain('listening');
  });

  it('--help through npm, as the README has it', async () => {
    const result = await run('npm', ['run', 'simulator', '--', '--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: npm run simulator -- [options]');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--version and -v print the package version', async () => {
    const expected = { code: 0, stdout: `${await version()}\n`, stderr: '' };
    for (const result of await Promise.all([simulator('--version'), simulator('-v')])) expect(result).toEqual(expected);
  });

  it('a bad option, a stray argument or a bad port is a usage error', async () => {
    const [bogus, stray, port] = await Promise.all([simulator('--bogus'), simulator('stray'), simulator('--port', '70000')]);
    expectUsageError(bogus, /^simulator: Unknown option '--bogus'/);
    expectUsageError(stray, /^simulator: Unexpected argument 'stray'/);
    expectUsageError(port, /^simulator: --port must be an integer between 0 and 65535, got "70000"$/);
  });

  it('started, logs one line per request and stops on SIGTERM', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'simulator/cli.ts', '--port', '0'], {
      until: /listening on (http:\/\/\S+)\n/,
      whileRunning: async ([, url], output) => {
        const client = new Anthropic({ baseURL: url, apiKey: 'sk-sim', maxRetries: 0 });
        await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi [sim:refusal]' }] });
        await waitFor(() => output().includes('POST /v1/messages'), 'the log line');
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Anthropic API simulator ${await version()} listening on http://127.0.0.1:`);
    expect(result.stdout).toMatch(/Z POST \/v1\/messages claude-haiku-4-5 200 refusal by \[sim:refusal\] \d+ms\n/);
  });
});

describe('npm run serve and the cascadeflow command (compiled)', () => {
  let outDir: string;
  let sim: Simulator;
  const cli = (...args: string[]) => run(process.execPath, [path.join(outDir, 'proxy', 'cli.js'), ...args]);
  const bin = (...args: string[]) => run(path.join(outDir, 'proxy', BIN_FILE), args);

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'cf-cli-'));
    // The bundle finds its dependencies there at run time, as dist/ does in the repository.
    await symlink(path.join(ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
    await buildProxy(path.join(outDir, 'proxy'));
    sim = await createSimulator();
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it('--help prints the usage (options, environment, example) and exits 0 without starting', async () => {
    for (const result of await Promise.all([cli('--help'), cli('-h'), bin('serve', '--help')])) {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: npm run serve -- \[options\]\n {7}cascadeflow serve \[options\]\n/);
      for (const part of ['--port <port>', '--host <address>', '--upstream <url>', '--data-dir <dir>', 'CASCADEFLOW_DATA_DIR', 'ANTHROPIC_API_KEY', 'Example:']) {
        expect(result.stdout).toContain(part);
      }
      expect(result.stdout).not.toContain('listening');
    }
  });

  it('--help in development (tsx) too', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'proxy/cli.ts', '--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run serve/);
  });

  it('--version prints the package version, from the proxy and the command alike', async () => {
    const expected = { code: 0, stdout: `${await version()}\n`, stderr: '' };
    for (const result of await Promise.all([cli('--version'), cli('-v'), bin('serve', '--version'), bin('--version')])) expect(result).toEqual(expected);
  });

  it('a bad option, a stray argument or a bad value is a usage error', async () => {
    const [bogus, stray, port, upstream, missing] = await Promise.all([
      cli('--bogus'),
      cli('start'),
      cli('--port', 'eighty'),
      cli('--upstream', 'ftp://x'),
      bin('serve', '--port'),
    ]);
    expectUsageError(bogus, /^cascadeflow: Unknown option '--bogus'$/);
    expectUsageError(stray, /^cascadeflow: Unexpected argument 'start'/);
    expectUsageError(port, /^cascadeflow: --port must be an integer between 0 and 65535, got "eighty"$/);
    expectUsageError(upstream, /^cascadeflow: --upstream must be an http:\/\/ or https:\/\/ URL/);
    expectUsageError(missing, /^cascadeflow: Option '--port <value>' argument missing$/);
  });

  it('the command: --help lists its commands; an unknown one is a usage error', async () => {
    const help = await bin('--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: cascadeflow statusline .*\n +cascadeflow serve \[options\]/);
    const unknown = await bin('nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^cascadeflow: unknown command 'nope'\nusage: cascadeflow statusline/);
  });

  it('serve where the command is alone (an installed app): one line, exit 1', async () => {
    const alone = await mkdtemp(path.join(tmpdir(), 'cf-bin-alone-'));
    try {
      await copyFile(path.join(outDir, 'proxy', BIN_FILE), path.join(alone, BIN_FILE));
      const result = await run(process.execPath, [path.join(alone, BIN_FILE), 'serve']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('npm run build:proxy');
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });

  it('cascadeflow serve: options win over the environment; the banner shows version, upstream, data folder, dashboard', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cf-cli-data-'));
    try {
      // PORT and the upstream in the environment are wrong: the options replace them.
      const env = { PORT: 'not-a-port', CASCADEFLOW_UPSTREAM_URL: 'http://127.0.0.1:9' };
      const result = await run(path.join(outDir, 'proxy', BIN_FILE), ['serve', '--port', '0', '--data-dir', dataDir, '--upstream', sim.url], {
        env,
        until: /export ANTHROPIC_BASE_URL=(\S+)\n/,
        whileRunning: async ([, url]) => {
          const client = new Anthropic({ baseURL: url, apiKey: 'sk-client', maxRetries: 0 });
          await client.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] });
        },
      });
      expect(result.code, result.stderr).toBe(0);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(result.stdout)?.[1];
      expect(result.stdout.split('\n').slice(0, 6)).toEqual([
        `CascadeFlow proxy ${await version()} listening on ${url}`,
        `Upstream:  ${sim.url}`,
        `Data:      ${dataDir}   (settings, rules, totals, decision log)`,
        `Dashboard: ${url}/dashboard   Stats: ${url}/stats`,
        'For Claude Code, paste this in the shell that runs `claude`:',
        `  export ANTHROPIC_BASE_URL=${url}`,
      ]);
      expect(sim.messagesFor('claude-haiku-4-5-20251001')).toHaveLength(1);
      // State went to the folder the option named.
      expect(await readdir(dataDir)).toContain('config.json');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
