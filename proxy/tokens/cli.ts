// `cascadeflow token create|list|revoke` (also `npm run token -- …`): edits the client tokens in
// the data folder's config.json (the folder `serve` uses: --data-dir, else CASCADEFLOW_DATA_DIR,
// else the desktop app's). It always writes the file, whether a proxy runs or not: a running
// proxy re-reads the token list when the file changes (state.ts), so a revoke counts from its
// next request. With CASCADEFLOW_DATABASE_URL set (teams) it edits the team database instead, in
// one transaction that tells every replica (proxy/team/postgres/config-store.ts). `create` prints
// the secret alone on stdout (for scripts) and the rest on stderr, once the token is saved.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_TOKEN_HEADER, createTokenArgsSchema, type TokenInfo, type TokenLimits } from '../../contracts/tokens';
import { EXIT_USAGE } from '../cli-args';
import { defaultDataDir } from '../state/paths';
import type { KeyValueStore } from '../state/stores';
import { editTeamConfig } from '../team/postgres/config-store';
import { redactedUrl } from '../team/postgres/pool';
import { addToken, publicToken, readTokens, removeToken, TOKENS_STORE_KEY } from './registry';

const STORE_FILE = 'config.json';

export const TOKEN_USAGE = [
  'usage: cascadeflow token create NAME [--rpm N] [--streams N] [--daily-usd X] [--fallback-key] [--data-dir DIR]',
  '       cascadeflow token list [--json] [--data-dir DIR]',
  '       cascadeflow token revoke NAME [--data-dir DIR]',
  '',
  'Client tokens: clients send one in the x-cascadeflow-token header. Required when the proxy',
  'listens beyond localhost; on localhost optional, naming the caller in records and /stats.',
  '  --rpm N          at most N requests per minute (sliding window)',
  '  --streams N      at most N streaming requests at once',
  '  --daily-usd X    refuse requests once X dollars were spent today (UTC), by the proxy\'s accounting',
  '  --fallback-key   a client without an Anthropic key of its own may use the proxy\'s',
  '  --data-dir DIR   the proxy\'s data folder (CASCADEFLOW_DATA_DIR; default the desktop app\'s)',
  'A running proxy picks changes up on its next request. With CASCADEFLOW_DATABASE_URL set, the',
  'tokens of the team database are edited instead, and every replica takes the change at once.',
].join('\n');

export interface TokenCliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => number;
}

/** config.json read on every get and replaced whole (write, then rename) on every set, as conf does. */
export function jsonFileStore(file: string): KeyValueStore {
  const read = (): Record<string, unknown> => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const data: unknown = JSON.parse(text);
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file} does not hold a JSON object`);
    return data as Record<string, unknown>;
  };
  const write = (data: Record<string, unknown>) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    // Owner-only, like the proxy's own writes: the admin token lives in this file too.
    fs.writeFileSync(temp, JSON.stringify(data, undefined, '\t'), { mode: 0o600 });
    fs.renameSync(temp, file);
  };
  return {
    get: (key) => read()[key],
    set: (key, value) => write({ ...read(), [key]: value }),
    delete: (key) => {
      const { [key]: _gone, ...rest } = read();
      write(rest);
    },
    path: file,
  };
}

function describeLimits({ requestsPerMinute, concurrentStreams, dailySpendUsd }: TokenLimits): string {
  const parts = [
    requestsPerMinute !== undefined && `${requestsPerMinute} requests/min`,
    concurrentStreams !== undefined && `${concurrentStreams} concurrent ${concurrentStreams === 1 ? 'stream' : 'streams'}`,
    dailySpendUsd !== undefined && `$${dailySpendUsd}/day`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no limits';
}

function listLine(token: TokenInfo): string {
  const created = new Date(token.createdAt).toISOString().replace(/\.\d+Z$/, 'Z');
  return `${token.name}\t${describeLimits(token.limits)}${token.allowFallbackKey ? ', may use the fallback key' : ''}\tcreated ${created}`;
}

/** A positive number option, or a usage problem. */
function positive(flag: string, value: string | undefined, integer: boolean): number | undefined | string {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    return `${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`;
  }
  return n;
}

/** What a command prints once its edit is saved: the secret alone on stdout, the rest on stderr. */
interface Done {
  out?: string;
  err?: string;
}

/** Runs `cascadeflow token <args>`; resolves with the exit code. */
export async function runTokenCommand(args: string[], io: TokenCliIo): Promise<number> {
  const usageError = (problem: string) => {
    io.err(`cascadeflow token: ${problem}\n${TOKEN_USAGE}\n`);
    return EXIT_USAGE;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        rpm: { type: 'string' },
        streams: { type: 'string' },
        'daily-usd': { type: 'string' },
        'fallback-key': { type: 'boolean' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${TOKEN_USAGE}\n`);
    return 0;
  }
  const [action, name, ...extra] = positionals;
  if (extra.length > 0) return usageError(`unexpected argument '${extra[0]}'`);
  const databaseUrl = io.env.CASCADEFLOW_DATABASE_URL?.trim();
  const dataDir = values['data-dir']?.trim() || io.env.CASCADEFLOW_DATA_DIR?.trim() || defaultDataDir(io.env);
  const where = databaseUrl ? `the team database (${redactedUrl(databaseUrl)})` : dataDir;
  const limitFlags = values.rpm ?? values.streams ?? values['daily-usd'] ?? values['fallback-key'];

  let edit: (store: KeyValueStore) => Done;
  if (action === 'list') {
    if (name !== undefined || limitFlags !== undefined) return usageError('list takes no name or limits');
    edit = (store) => {
      const tokens = readTokens(store).tokens.map(publicToken);
      if (values.json) return { out: `${JSON.stringify(tokens, null, 2)}\n` };
      return { out: tokens.length > 0 ? `${tokens.map(listLine).join('\n')}\n` : `No client tokens in ${where}.\n` };
    };
  } else if (action === 'revoke') {
    if (name === undefined) return usageError('revoke needs the token name');
    if (limitFlags !== undefined) return usageError('revoke takes no limits');
    edit = (store) => {
      removeToken(store, name);
      return { err: `Revoked client token "${name}" (a running proxy refuses it from its next request).\n` };
    };
  } else if (action === 'create') {
    if (name === undefined) return usageError('create needs a token name');
    const rpm = positive('--rpm', values.rpm, true);
    const streams = positive('--streams', values.streams, true);
    const daily = positive('--daily-usd', values['daily-usd'], false);
    const problem = [rpm, streams, daily].find((v) => typeof v === 'string');
    if (problem) return usageError(problem);
    const input = createTokenArgsSchema.safeParse({
      name,
      limits: { requestsPerMinute: rpm, concurrentStreams: streams, dailySpendUsd: daily },
      allowFallbackKey: values['fallback-key'] ?? false,
    });
    if (!input.success) return usageError(input.error.issues.map((i) => i.message).join('; '));
    edit = (store) => {
      const { secret, token } = addToken(store, input.data, (io.now ?? Date.now)());
      return {
        out: `${secret}\n`,
        err: [
          `Created client token "${token.name}" (${describeLimits(token.limits)}${token.allowFallbackKey ? ', may use the fallback key' : ''}) in ${where}.`,
          'The secret above will not be shown again. Clients send it in a header; for Claude Code:',
          `  export ANTHROPIC_CUSTOM_HEADERS="${CLIENT_TOKEN_HEADER}: <the secret>"`,
          '',
        ].join('\n'),
      };
    };
  } else {
    return usageError(action === undefined ? 'missing action (create, list or revoke)' : `unknown action '${action}'`);
  }

  try {
    // Printed once saved: a secret is never shown for a token that was not stored.
    const done = databaseUrl ? await editTeamConfig(databaseUrl, [TOKENS_STORE_KEY], edit) : edit(jsonFileStore(path.join(dataDir, STORE_FILE)));
    if (done.out) io.out(done.out);
    if (done.err) io.err(done.err);
    return 0;
  } catch (error) {
    // A name taken or unknown, a store file that cannot be read or written, a database that does not answer: one line, exit 1.
    io.err(`cascadeflow token: ${(error as Error).message}\n`);
    return 1;
  }
}
