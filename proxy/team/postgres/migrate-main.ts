// Entry of `cascadeflow migrate` (built to dist/proxy/migrate.js; the `cascadeflow` command hands over to it).
import { runMigrateCommand } from './migrate-cli';

process.exitCode = await runMigrateCommand(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
