// `cascadeflow migrate` (also `npm run migrate`): applies the team database's missing migrations
// and exits, for operators who upgrade the schema before rolling out replicas (they also apply
// them at start, so this is never required). The database: --database-url, else
// CASCADEFLOW_DATABASE_URL. Safe beside running replicas: the migrations' advisory lock orders them.
import { parseArgs } from 'node:util';
import { EXIT_USAGE } from '../../cli-args';
import { migrate, MIGRATIONS } from './migrations';
import { loadPg, redactedUrl } from './pool';

export const MIGRATE_USAGE = [
  'usage: cascadeflow migrate [--database-url postgres://…]',
  '',
  "Brings the team database's schema up to date (replicas also do it at start).",
  '  --database-url URL   the team database (CASCADEFLOW_DATABASE_URL)',
].join('\n');

export interface MigrateCliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function runMigrateCommand(args: string[], { env, out, err }: MigrateCliIo): Promise<number> {
  let url: string | undefined;
  try {
    const { values } = parseArgs({ args, options: { 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      out(`${MIGRATE_USAGE}\n`);
      return 0;
    }
    url = values['database-url'] ?? env.CASCADEFLOW_DATABASE_URL?.trim();
  } catch (error) {
    err(`cascadeflow migrate: ${(error as Error).message}\n${MIGRATE_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (!url) {
    err(`cascadeflow migrate: no database (set CASCADEFLOW_DATABASE_URL or pass --database-url)\n${MIGRATE_USAGE}\n`);
    return EXIT_USAGE;
  }
  const { Client } = await loadPg();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const applied = await migrate(client);
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
    out(
      applied.length > 0
        ? `Applied migration(s) ${applied.join(', ')} to ${redactedUrl(url)}; the schema is at version ${latest}.\n`
        : `${redactedUrl(url)} is up to date (version ${latest}).\n`,
    );
    return 0;
  } catch (error) {
    err(`cascadeflow migrate: ${redactedUrl(url)}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await client.end().catch(() => {});
  }
}
