// Entry of `cascadeflow token …` (built to dist/proxy/token.js; the `cascadeflow` command hands
// over to it, like `serve` to cli.js, so the command itself stays small and starts fast).
import { runTokenCommand } from './cli';

process.exitCode = await runTokenCommand(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
