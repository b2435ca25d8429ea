// The `cascadeflow` command (package.json `bin`), compiled to dist/proxy/cascadeflow.cjs so it
// runs without tsx. Its subcommands must start fast: it loads nothing but what they need.
//   cascadeflow statusline [--url <proxy url>]   Claude Code's status line (proxy/statusline/)
//   cascadeflow serve [options]                  the proxy, as `npm run serve` (its help: serve --help)
//   cascadeflow token create|list|revoke …       client tokens in the data folder (proxy/tokens/cli.ts)
//   cascadeflow migrate [--database-url …]       the team database's schema (proxy/team/postgres/migrate-cli.ts)
// `serve` (and --version) hand over to the proxy's CLI, dist/proxy/cli.js beside this file, and
// `token` to dist/proxy/token.js, `migrate` to dist/proxy/migrate.js: ES modules, loaded only then. Where only this file is installed
// (the desktop app's resources), they say so and exit 1.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT_USAGE } from './cli-args';
import { statusLine } from './statusline/statusline';

const USAGE = [
  'usage: cascadeflow statusline [--url <proxy url>]   Claude Code status line (reads its JSON on stdin)',
  '       cascadeflow serve [options]                  the proxy, as `npm run serve` (cascadeflow serve --help)',
  '       cascadeflow token create|list|revoke …       client tokens (cascadeflow token --help)',
  '       cascadeflow migrate [--database-url URL]     team database schema (CASCADEFLOW_DATABASE_URL)',
  '       cascadeflow --help | --version',
].join('\n');
/** Claude Code writes its JSON and closes stdin; a stdin left open is not waited for longer than this. */
const STDIN_WAIT_MS = 200;
const MAX_INPUT_BYTES = 1024 * 1024;

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, STDIN_WAIT_MS);
    process.stdin.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_INPUT_BYTES) done();
    });
    process.stdin.once('end', done);
    process.stdin.once('error', done);
  });
}

/** Runs the built module `file` beside this command with `args` as its command line (it reads process.argv). */
function runBeside(file: string, args: string[]): void {
  const cli = path.join(__dirname, file);
  if (!existsSync(cli)) {
    console.error(`cascadeflow: this command needs the proxy's ${file} beside it, and ${cli} is missing (run \`npm run build:proxy\`)`);
    process.exitCode = 1;
    return;
  }
  process.argv.splice(2, process.argv.length - 2, ...args);
  void import(pathToFileURL(cli).href);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'statusline') {
  void readStdin()
    .then((input) => statusLine({ input, args, env: process.env }))
    // Exits once written, whatever stdin still holds open.
    .then((line) => process.stdout.write(`${line}\n`, () => process.exit(0)));
} else if (command === 'token') {
  runBeside('token.js', args);
} else if (command === 'migrate') {
  runBeside('migrate.js', args);
} else if (command === 'serve') {
  runBeside('cli.js', args);
} else if (command === '--version' || command === '-v') {
  runBeside('cli.js', ['--version']);
} else if (command === '--help' || command === '-h') {
  console.log(USAGE);
} else {
  // Nothing, or something unknown: a usage error (no command starts a proxy by surprise).
  console.error(command === undefined ? USAGE : `cascadeflow: unknown command '${command}'\n${USAGE}`);
  process.exitCode = EXIT_USAGE;
}
