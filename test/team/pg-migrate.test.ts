// `cascadeflow migrate` against a real PostgreSQL: applies what is missing once, then says the
// schema is up to date; usage errors and an unreachable database exit non-zero, the password redacted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../../proxy/cli-args';
import { runMigrateCommand } from '../../proxy/team/postgres/migrate-cli';
import { MIGRATIONS } from '../../proxy/team/postgres/migrations';
import { postgresUnavailable, startPostgres, type PostgresServer } from './postgres-server';
import { freePort } from './server-process';

const unavailable = postgresUnavailable();
let server: PostgresServer;

beforeAll(async () => {
  if (!unavailable) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.remove();
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await runMigrateCommand(args, { env, out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

describe.skipIf(unavailable)('cascadeflow migrate', () => {
  it('applies the missing migrations once, then finds the schema up to date', async () => {
    const url = await server.createDatabase('migrate_cli');
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
    const first = await run([], { CASCADEFLOW_DATABASE_URL: url });
    expect(first).toEqual({ code: 0, out: `Applied migration(s) ${MIGRATIONS.map((m) => m.version).join(', ')} to ${url}; the schema is at version ${latest}.\n`, err: '' });
    const again = await run(['--database-url', url]);
    expect(again).toEqual({ code: 0, out: `${url} is up to date (version ${latest}).\n`, err: '' });
  });

  it('exits 2 without a database, 1 when it cannot be reached (the password never printed)', async () => {
    expect((await run([])).code).toBe(EXIT_USAGE);
    expect((await run(['--bogus'])).code).toBe(EXIT_USAGE);
    const port = await freePort();
    const failed = await run(['--database-url', `postgres://user:s3cret@127.0.0.1:${port}/x`]);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain(`postgres://user:***@127.0.0.1:${port}/x`);
    expect(failed.err).not.toContain('s3cret');
  });
});
