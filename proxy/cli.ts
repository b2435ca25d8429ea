// `npm run serve` (also `cascadeflow serve`; as a service `node dist/proxy/cli.js`): the
// headless proxy. --help and --version print and exit without starting anything
// (proxy/cli-args.ts); the options stand for the environment variables of the same settings
// and win over them. Prints the banner (proxy/banner.ts) once listening; one clear line and exit
// code 1 when it cannot start; on SIGTERM/SIGINT a graceful drain, the state flushed, exit 0.
import { httpUrlSchema } from '../contracts/settings';
import { bannerLines } from './banner';
import { tuneHeapForProxy } from './heap';
import { exitWithError, formatUsage, portProblem, runCli } from './cli-args';
import { loggerFor } from './log/logger';
import { watchNpmParent } from './ops/parent-watch';
import { createProxyContext } from './runtime';
import { DEFAULT_DRAFT_TIMEOUT_MS, PortInUseError, startProxyServer } from './server';
import { retryPolicyFromEnv } from './upstream/retry';
import { keepaliveFromEnv } from './request/keepalive';
import { bodyBudgetFromEnv } from './request/body-budget';
import { packageVersion } from './version';

const PROG = 'cascadeflow';
/** How long a stop waits for requests in flight (CASCADEFLOW_DRAIN_TIMEOUT_MS). */
const DEFAULT_DRAIN_MS = 10_000;

/** Each option and the environment variable it sets. */
const OPTION_ENV = {
  port: 'PORT',
  host: 'HOST',
  upstream: 'CASCADEFLOW_UPSTREAM_URL',
  'data-dir': 'CASCADEFLOW_DATA_DIR',
} as const;

const USAGE = formatUsage({
  synopsis: ['npm run serve -- [options]', 'cascadeflow serve [options]'],
  summary: 'Starts the CascadeFlow proxy: an Anthropic Messages API endpoint that drafts with a cheaper model first.',
  options: [
    ['--port <port>', 'listen port (PORT; default 8000, 0 picks a free one)'],
    ['--host <address>', 'listen address (HOST; default 127.0.0.1; beyond loopback the admin API needs a token)'],
    ['--upstream <url>', 'where requests go (CASCADEFLOW_UPSTREAM_URL; default https://api.anthropic.com)'],
    ['--data-dir <dir>', "settings, rules, totals and decision log (CASCADEFLOW_DATA_DIR; default the desktop app's folder)"],
  ],
  env: [
    ['ANTHROPIC_API_KEY', 'key used when a client sends none'],
    ['CASCADEFLOW_ADMIN_TOKEN', 'token for /api/* (required even on loopback when set)'],
    ['CASCADEFLOW_ALLOWED_HOSTS', 'extra host names to answer to (comma-separated)'],
    ['CASCADEFLOW_DRAFT_TIMEOUT_MS', 'longest wait for the draft (default 30000)'],
    ['CASCADEFLOW_RETRY_ATTEMPTS', 'calls to the answering model after a draft, on 429/529/5xx (default 3)'],
    ['CASCADEFLOW_RETRY_BUDGET_MS', 'no such retry starts later than this (default 20000)'],
    ['CASCADEFLOW_KEEPALIVE_AFTER_MS', 'a stream waiting this long on its draft gets headers and pings (default 5000; 0: never)'],
    ['CASCADEFLOW_DRAIN_TIMEOUT_MS', 'on SIGTERM/SIGINT, how long requests in flight may finish (default 10000)'],
    ['CASCADEFLOW_LOG_FORMAT', 'text (default) or json: one JSON object per line'],
    ['HTTPS_PROXY, NO_PROXY', 'reach the upstream through a corporate proxy'],
  ],
  examples: ['npm run serve -- --port 8001 --upstream http://127.0.0.1:8787   # in front of `npm run simulator`'],
});

const options = runCli({
  prog: PROG,
  usage: USAGE,
  version: packageVersion,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    upstream: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  check: (values) =>
    portProblem('--port', values.port) ??
    (values.upstream !== undefined && !httpUrlSchema.safeParse(values.upstream).success ? `--upstream must be an http:// or https:// URL, got "${values.upstream}"` : null) ??
    (values['data-dir'] !== undefined && !values['data-dir'].trim() ? '--data-dir must not be empty' : null),
});

const env: NodeJS.ProcessEnv = { ...process.env };
for (const [option, variable] of Object.entries(OPTION_ENV)) {
  const value = options[option as keyof typeof OPTION_ENV];
  if (value !== undefined) env[variable] = value;
}

const fail = (message: string): never => exitWithError(PROG, message);

/** A positive whole number of milliseconds from the environment, else the default. */
function msFromEnv(name: string, fallback: number): number {
  const raw = env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) fail(`${name} must be a positive integer (ms), got "${raw}"`);
  return value;
}

const timeoutMs = msFromEnv('CASCADEFLOW_DRAFT_TIMEOUT_MS', DEFAULT_DRAFT_TIMEOUT_MS);
const drainMs = msFromEnv('CASCADEFLOW_DRAIN_TIMEOUT_MS', DEFAULT_DRAIN_MS);
/** What `make` returns, or its error as the one line the CLI fails with. */
function orFail<T>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    return fail((err as Error).message);
  }
}

const retry = orFail(() => retryPolicyFromEnv(env));
const keepalive = orFail(() => keepaliveFromEnv(env));
const bodyBudget = orFail(() => bodyBudgetFromEnv(env));
const { logger, json } = await loggerFor(env).catch((err: Error) => fail(err.message));
tuneHeapForProxy();
const ctx = await createProxyContext({ env, logger }).catch((err: Error) => fail(err.message));
const { host, port } = ctx.config;
const running = await startProxyServer(ctx, { draftTimeoutMs: timeoutMs, retry, bodyBudget, keepalive }).catch(async (err: Error) => {
  await ctx.close();
  if (err instanceof PortInUseError) {
    fail(`port ${port} on ${host} is already in use (another proxy running?); stop it or start with --port <other port>`);
  }
  return fail(err.message);
});

const { version, upstreamUrl, dataDir, adminToken } = ctx.config;
const banner = bannerLines({ version, url: running.url, networkUrls: running.networkUrls, upstream: upstreamUrl, dataDir, adminToken });
// One write: whoever reads the output sees the whole banner at once. JSON logs stay one object a line.
if (json) for (const line of banner) logger.info(line);
else console.log(banner.join('\n'));

// SIGTERM / SIGINT: no new connections, the requests in flight finish (up to drainMs), the
// batched state is written, exit 0. Later signals change nothing: the store's write-on-exit
// hook (conf's `when-exit`) sends each signal once more to this process.
let stopping = false;
async function shutdown(why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  stopWatchingParent?.();
  logger.info(`Stopping (${why}): no new connections; requests in flight get up to ${drainMs} ms to finish`);
  const cut = await running.drain(drainMs);
  if (cut > 0) logger.warn(`${cut} ${cut === 1 ? 'request was' : 'requests were'} still running after ${drainMs} ms and cut`);
  await ctx.flush();
  await ctx.close();
  logger.info('Stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
const stopWatchingParent = watchNpmParent(() => void shutdown('npm stopped'));
