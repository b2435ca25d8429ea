// `cascadeflow statusline`: Claude Code runs it after each turn with its session as JSON on
// stdin (session_id, model, workspace, …); it asks the running proxy for that session's line
// (GET /api/statusline, built by contracts/status-line.ts) and prints it. On macOS and Linux
// the app installs cascadeflow-statusline.sh instead, which asks the same route with curl and
// skips Node's start; this command is for Windows and machines without curl. It loads nothing
// but Node's http and its own few lines: contracts are imported for their types only (their
// zod schemas alone take ~250 ms to load), and the answer is checked by hand instead.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { CONTROL_API_PREFIX, controlRoutes } from '../../contracts/control-api';
import type { StatusLine } from '../../contracts/stats';
import { isLoopbackHost } from '../http/hosts';
import type { STORE_KEYS } from '../state/layout';
import { defaultDataDir } from '../state/paths';
import type { STORE_FILE_NAME } from '../state/stores';

/** The route as the contract's table names it: a change there fails to compile here. */
const STATUS_LINE_PATH: `${typeof CONTROL_API_PREFIX}${(typeof controlRoutes)['getStatusLine']['path']}` = '/api/statusline';
const TOKEN_KEY: (typeof STORE_KEYS)['adminToken'] = 'adminToken';
const CONFIG_FILE: typeof STORE_FILE_NAME = 'config.json';
/** The proxy's default address (contracts/settings.ts DEFAULT_SETTINGS). */
export const DEFAULT_PROXY_URL = 'http://127.0.0.1:8000';
/** The proxy answers on loopback in about a millisecond; anything slower is treated as down. */
const DEFAULT_TIMEOUT_MS = 500;

export const PROXY_DOWN = 'cascadeflow: proxy not running';
export const TOKEN_NEEDED = 'cascadeflow: admin token needed (set CASCADEFLOW_ADMIN_TOKEN)';

export interface StatusLineOptions {
  /** What Claude Code wrote on stdin ('' when nothing). */
  input: string;
  /** The arguments after `statusline`: `--url <proxy url>`. */
  args: string[];
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The ids the proxy files sessions under (proxy/conversations/identify.ts); the sh script reads the same. */
const SESSION_ID = /^[\w.:-]{1,100}$/;

/** Claude Code's session id from its JSON. */
export function sessionIdOf(input: string): string | undefined {
  try {
    const session = (JSON.parse(input) as { session_id?: unknown } | null)?.session_id;
    return typeof session === 'string' && SESSION_ID.test(session) ? session : undefined;
  } catch {
    return undefined;
  }
}

/** `--url`, else CASCADEFLOW_URL, else the default address. */
export function proxyUrl(args: string[], env: NodeJS.ProcessEnv): string {
  const flag = args.indexOf('--url');
  const url = (flag >= 0 ? args[flag + 1] : undefined) ?? env.CASCADEFLOW_URL?.trim();
  return (url || DEFAULT_PROXY_URL).replace(/\/+$/, '');
}

/**
 * The token a proxy listening beyond loopback saved in its data folder: read only after a 401,
 * and only for a proxy on this machine's loopback (it is that proxy's token, for no other host).
 */
function savedToken(env: NodeJS.ProcessEnv): string | undefined {
  try {
    const dataDir = env.CASCADEFLOW_DATA_DIR?.trim() || defaultDataDir(env);
    const token = (JSON.parse(readFileSync(path.join(dataDir, CONFIG_FILE), 'utf8')) as Record<string, unknown>)[TOKEN_KEY];
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

interface Answer {
  status: number;
  body: string;
}

function get(url: string, token: string | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    // No keep-alive agent: nothing holds the process open once the answer is in.
    const request = http.get(url, { headers, agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

function textOf(value: unknown): string | undefined {
  const text = typeof value === 'object' && value !== null ? (value as Partial<StatusLine>).text : undefined;
  return typeof text === 'string' ? text : undefined;
}

/** The line to print; never throws (a status line has nowhere to show an error but itself). */
export async function statusLine({ input, args, env, timeoutMs = DEFAULT_TIMEOUT_MS }: StatusLineOptions): Promise<string> {
  const session = sessionIdOf(input);
  const base = proxyUrl(args, env);
  // The proxy itself only speaks plain HTTP.
  if (!base.startsWith('http://')) return `cascadeflow: the proxy URL must start with http:// (${base})`;
  const url = `${base}${STATUS_LINE_PATH}${session ? `?session=${encodeURIComponent(session)}` : ''}`;
  const envToken = env.CASCADEFLOW_ADMIN_TOKEN?.trim() || undefined;
  let answer: Answer;
  try {
    answer = await get(url, envToken, timeoutMs);
    if (answer.status === 401 && !envToken && isLoopbackHost(new URL(base).hostname)) {
      const token = savedToken(env);
      if (token) answer = await get(url, token, timeoutMs);
    }
  } catch {
    return PROXY_DOWN;
  }
  if (answer.status === 401) return TOKEN_NEEDED;
  if (answer.status !== 200) return `cascadeflow: the proxy answered HTTP ${answer.status}`;
  try {
    const text = textOf(JSON.parse(answer.body));
    if (text !== undefined) return text;
  } catch {
    // Falls through: not the proxy's answer.
  }
  return 'cascadeflow: unexpected answer from the proxy';
}
