// Command-line manners shared by `npm run serve` (and `cascadeflow serve`), `npm run simulator`
// and the demo: `--help`/`-h` prints the usage and `--version`/`-v` the version, both exit 0
// without starting anything; an unknown option, a stray argument or a bad value prints one line
// `<prog>: <problem>` and the usage on stderr, exit 2; a failure to start is exit 1. Parsing is
// node:util parseArgs. Node built-ins only: the `cascadeflow` command bundles this module.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit code of a command line the program cannot understand (1 is "could not start"). */
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig['options']>;

const STANDARD = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies Options;

/** The parsed option values of a spec's own options (help and version are handled here). */
export type CliValues<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'];

export interface UsageText {
  /** The ways to run it, e.g. `npm run serve -- [options]`. */
  synopsis: string[];
  /** What it does, in a sentence or two. */
  summary: string;
  /** [flags, what it does]; --help and --version are added. */
  options: Array<[string, string]>;
  /** [variable, what it sets]. */
  env?: Array<[string, string]>;
  examples?: string[];
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function formatUsage(usage: UsageText): string {
  const [first, ...more] = usage.synopsis;
  return [
    `Usage: ${first}`,
    ...more.map((line) => `       ${line}`),
    '',
    usage.summary,
    '',
    'Options:',
    ...table([...usage.options, ['-h, --help', 'print this help and exit'], ['-v, --version', 'print the version and exit']]),
    ...(usage.env?.length ? ['', 'Environment:', ...table(usage.env)] : []),
    ...(usage.examples?.length ? ['', usage.examples.length > 1 ? 'Examples:' : 'Example:', ...usage.examples.map((line) => `  ${line}`)] : []),
  ].join('\n');
}

export interface CliSpec<O extends Options> {
  /** The name at the start of an error line. */
  prog: string;
  /** The full help text (formatUsage). */
  usage: string;
  version: () => string;
  options: O;
  /** A problem with the parsed values (a bad port, say), as one line; null when they are fine. */
  check?: (values: CliValues<O>) => string | null;
}

/** What the command line asks for: run with these values, or print and exit. */
export type CliOutcome<O extends Options> =
  | { run: true; values: CliValues<O> }
  | { run: false; code: 0 | typeof EXIT_USAGE; stdout: string; stderr: string };

/** Pure: reads `argv` (without node and the script) against the spec. */
export function parseCli<O extends Options>(argv: string[], spec: CliSpec<O>): CliOutcome<O> {
  const usageError = (problem: string): CliOutcome<O> => ({ run: false, code: EXIT_USAGE, stdout: '', stderr: `${spec.prog}: ${problem}\n${spec.usage}\n` });
  let values: CliValues<O> & { help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { ...spec.options, ...STANDARD }, strict: true, allowPositionals: false }) as {
      values: CliValues<O> & { help?: boolean; version?: boolean };
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  if (values.help) return { run: false, code: 0, stdout: `${spec.usage}\n`, stderr: '' };
  if (values.version) return { run: false, code: 0, stdout: `${spec.version()}\n`, stderr: '' };
  const { help: _help, version: _version, ...own } = values;
  const problem = spec.check?.(own as CliValues<O>);
  return problem ? usageError(problem) : { run: true, values: own as CliValues<O> };
}

/** parseCli on the process's arguments: the values to run with, or the process exits here. */
export function runCli<O extends Options>(spec: CliSpec<O>, argv: string[] = process.argv.slice(2)): CliValues<O> {
  const outcome = parseCli(argv, spec);
  if (outcome.run) return outcome.values;
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  process.exit(outcome.code);
}

/** One line on stderr and exit 1: the command line was fine, starting was not. */
export function exitWithError(prog: string, message: string): never {
  console.error(`${prog}: ${message}`);
  process.exit(1);
}

/** A TCP port option's problem, or null: an integer 0–65535 (0 picks a free port). */
export function portProblem(flag: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const port = Number(value);
  return value.trim() !== '' && Number.isInteger(port) && port >= 0 && port <= 65535 ? null : `${flag} must be an integer between 0 and 65535, got "${value}"`;
}
