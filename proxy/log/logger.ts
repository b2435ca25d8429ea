// Where the proxy's one-line messages go: the console with a timestamp (text, the default), or
// one JSON object per line on stdout (CASCADEFLOW_LOG_FORMAT=json, for log collectors) with the
// time, the level, the message and, on a line about a request, its id. Tests pass a collecting
// logger to stay quiet. pino loads only for JSON logs: a proxy logging text is smaller without it.
import type { DestinationStream } from 'pino';

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
}

/** Every line on the console starts with the time it was written (UTC, ISO 8601). */
export function timestamped(line: string, now: Date = new Date()): string {
  return `${now.toISOString()} ${line}`;
}

export const consoleLogger: Logger = {
  info: (line) => console.log(timestamped(line)),
  warn: (line) => console.warn(timestamped(line)),
};

/** Lines about a request start with its record id (proxy/log/decision-line.ts): `[0123456789abcdef] …`. */
const REQUEST_LINE = /^\[([0-9a-f]{16})\] /;

/**
 * Credentials, wherever a logged object might carry them (as a field or a header), are
 * replaced: the proxy's lines never hold one, and nothing added later may either.
 */
const CREDENTIALS = ['authorization', '["x-api-key"]', '["x-cascadeflow-admin-token"]', '["x-cascadeflow-token"]'];
const REDACT_PATHS = CREDENTIALS.flatMap((key) => {
  const member = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${member}`, `headers${member}`, `*.headers${member}`];
});

/** One JSON object per line: {"level","time","requestId"?,"msg"}. Synchronous, so no line is lost on exit. */
export async function jsonLogger(destination?: DestinationStream): Promise<Logger> {
  const { default: pino } = await import('pino');
  const log = pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const write = (level: 'info' | 'warn', line: string) => {
    const request = REQUEST_LINE.exec(line);
    if (request) log[level]({ requestId: request[1] }, line.slice(request[0].length));
    else log[level](line);
  };
  return { info: (line) => write('info', line), warn: (line) => write('warn', line) };
}

/** CASCADEFLOW_LOG_FORMAT: `text` (the default) or `json`; anything else throws, naming the choices. */
export async function loggerFor(env: NodeJS.ProcessEnv): Promise<{ logger: Logger; json: boolean }> {
  const format = env.CASCADEFLOW_LOG_FORMAT?.trim().toLowerCase() || 'text';
  if (format === 'text') return { logger: consoleLogger, json: false };
  if (format === 'json') return { logger: await jsonLogger(), json: true };
  throw new Error(`CASCADEFLOW_LOG_FORMAT must be "text" or "json", got "${env.CASCADEFLOW_LOG_FORMAT}"`);
}
