// The `cascadeflow` command (package.json `bin`), compiled to dist/proxy/cascadeflow.js so it
// runs without tsx. Its subcommands must start fast: it loads nothing but what they need.
//   cascadeflow statusline [--url <proxy url>]   Claude Code's status line (proxy/statusline/)
import { statusLine } from './statusline/statusline';

const USAGE = 'usage: cascadeflow statusline [--url <proxy url>]   (Claude Code status line; reads its JSON on stdin)';
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

const [command, ...args] = process.argv.slice(2);
if (command === 'statusline') {
  void readStdin()
    .then((input) => statusLine({ input, args, env: process.env }))
    // Exits once written, whatever stdin still holds open.
    .then((line) => process.stdout.write(`${line}\n`, () => process.exit(0)));
} else {
  console.error(USAGE);
  process.exitCode = command === '--help' || command === '-h' ? 0 : 2;
}
