// The team database's schema, as ordered, versioned migrations applied at start (and by
// `cascadeflow migrate`). One transaction holding an advisory lock applies what is missing,
// so replicas starting together wait for each other instead of racing; the versions applied
// are recorded in schema_migrations. Append new migrations; never edit an applied one.
import type pg from 'pg';
import { transaction } from './transaction';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Any constant works: it only has to be the same for every replica. */
const MIGRATION_LOCK = 0x63666c77;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'decisions and per-replica statistics',
    sql: `
      CREATE TABLE decisions (
        id text PRIMARY KEY,
        time bigint NOT NULL,
        replica text NOT NULL,
        rule_id text,
        decision text NOT NULL,
        token_name text,
        conversation_id text,
        project text,
        requested_model text NOT NULL,
        record jsonb NOT NULL
      );
      CREATE INDEX decisions_time ON decisions (time DESC);
      CREATE INDEX decisions_rule_time ON decisions (rule_id, time DESC);
      CREATE INDEX decisions_decision_time ON decisions (decision, time DESC);
      CREATE INDEX decisions_token_time ON decisions (token_name, time DESC);
      CREATE INDEX decisions_conversation_time ON decisions (conversation_id, time DESC);
      CREATE INDEX decisions_project_time ON decisions (project, time DESC);
      CREATE TABLE replica_stats (
        replica text PRIMARY KEY,
        data jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE stats_epoch (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        epoch bigint NOT NULL
      );
      INSERT INTO stats_epoch (epoch) VALUES (0);
    `,
  },
  {
    version: 2,
    name: 'team configuration',
    sql: `
      CREATE TABLE team_config (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/** Applies the migrations the database lacks; returns the versions applied now (none when up to date). */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return transaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}
