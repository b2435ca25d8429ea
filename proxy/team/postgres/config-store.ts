// The team's shared configuration (settings, rules, admin token, client tokens) as a
// KeyValueStore over the `team_config` table, so the owners in proxy/state/ and proxy/tokens/
// work on it unchanged. Reads are synchronous, from a local cache loaded at start; a write lands
// in the cache at once and reaches PostgreSQL in the background (latest value per key, retried
// while the database is down, never holding a request up), announced with NOTIFY on
// CONFIG_CHANNEL (payload: the key). Every replica LISTENs on a connection of its own, re-reads a
// key it is told about and hands it to `follow`'s listener; after each (re)connect it re-reads
// every key, to catch what it missed. The cache is written through to this replica's
// config.json, which therefore holds the configuration last known to the team: a replica that
// starts while the database is down serves with it, and a team_config that was never
// initialised (no schemaVersion key) is seeded from it.
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import { createMemoryStore, type KeyValueStore } from '../../state/stores';
import { migrate } from './migrations';
import { transaction } from './transaction';
import { loadPg, redactedUrl, type TeamDatabase } from './pool';

export const CONFIG_CHANNEL = 'cascadeflow_config';
/** Held while seeding or editing from outside a replica, so neither interleaves with another. */
const CONFIG_LOCK = 0x63666c78;
/** Waits between attempts (writes, the LISTEN connection): doubling from the first to the last. */
const RETRY_MS = { first: 250, max: 5_000 };

export interface TeamConfigOptions {
  db: TeamDatabase;
  /** The database URL, for the LISTEN connection (the pool's connections come and go). */
  url: string;
  /** The keys the team shares; any other key stays in `local` only. */
  keys: readonly string[];
  /** Present in an initialised team configuration (the replica writes it on its first start). */
  initialisedKey: string;
  /** This replica's config.json. */
  local: KeyValueStore;
  log(message: string): void;
  warn(message: string): void;
  /** How long opening waits for the database before starting with `local`'s values (default 5 s). */
  startWaitMs?: number;
}

export interface TeamConfigStore extends KeyValueStore {
  /** `listener(key)` after another replica changed `key` (the cache already holds the new value). */
  follow(listener: (key: string) => void): void;
  /** Keys changed here that have not reached the database yet. */
  readonly unsaved: number;
  /** Stops listening; saves what is unsaved if the database answers (no retry). */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const copy = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Writes (undefined: deletes) one key and announces it: one statement, so the NOTIFY goes out with the commit. */
async function writeKey(db: Pick<pg.ClientBase, 'query'>, key: string, value: unknown): Promise<void> {
  if (value === undefined) {
    await db.query(`WITH gone AS (DELETE FROM team_config WHERE key = $1) SELECT pg_notify('${CONFIG_CHANNEL}', $1)`, [key]);
  } else {
    // Serialised here: pg would send a JS array as a PostgreSQL array.
    await db.query(
      `WITH saved AS (
         INSERT INTO team_config (key, value) VALUES ($1, $2::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
       ) SELECT pg_notify('${CONFIG_CHANNEL}', $1)`,
      [key, JSON.stringify(value)],
    );
  }
}

class PostgresConfigStore implements TeamConfigStore {
  readonly path: string;
  private readonly keys: Set<string>;
  private readonly cache = new Map<string, unknown>();
  /** Changed here, not yet in the database: key -> value (undefined: deleted). */
  private readonly pending = new Map<string, { value: unknown }>();
  private listener: ((key: string) => void) | null = null;
  /** Keys adopted after the start-up values were handed out and before `follow`: delivered then. */
  private readonly missed = new Set<string>();
  private listenClient: pg.Client | null = null;
  /** Re-reads run one after another, so an older answer never overwrites a newer one. */
  private reads: Promise<void> = Promise.resolve();
  private writing: Promise<void> | null = null;
  private synced = false;
  private closed = false;
  private writeFailing = false;
  private listenFailing = false;
  private readonly wakers = new Set<() => void>();
  private readonly closing: Promise<void>;
  private markClosing!: () => void;
  private readonly firstSync: Promise<void>;
  private markSynced!: () => void;
  private listening: Promise<void> | null = null;

  constructor(private readonly options: TeamConfigOptions) {
    this.path = `${redactedUrl(options.url)} (team_config)`;
    this.keys = new Set(options.keys);
    for (const key of options.keys) {
      const value = options.local.get(key);
      if (value !== undefined) this.cache.set(key, copy(value));
    }
    this.firstSync = new Promise((resolve) => (this.markSynced = resolve));
    this.closing = new Promise((resolve) => (this.markClosing = resolve));
  }

  get unsaved(): number {
    return this.pending.size;
  }

  get(key: string): unknown {
    return this.keys.has(key) ? copy(this.cache.get(key)) : this.options.local.get(key);
  }

  set(key: string, value: unknown): void {
    if (!this.keys.has(key)) return this.options.local.set(key, value);
    this.change(key, copy(value));
  }

  delete(key: string): void {
    if (!this.keys.has(key)) return this.options.local.delete(key);
    this.change(key, undefined);
  }

  /**
   * The KeyValueStore's atomic edit: against the database's values under the configuration lock
   * (client tokens created at once on two replicas both stay), then into the cache. Needs the
   * database: rejects while it cannot be reached.
   */
  async edit<T>(keys: readonly string[], change: (store: KeyValueStore) => T): Promise<T> {
    if (!this.options.db.ready) throw new Error('The team database cannot be reached: this change needs it.');
    const client = await this.options.db.pool.connect();
    let edited: { result: T; changed: Map<string, unknown> };
    try {
      edited = await editKeys(client, keys, change);
    } finally {
      client.release();
    }
    for (const [key, value] of edited.changed) {
      if (value === undefined) this.cache.delete(key);
      else this.cache.set(key, value);
      this.writeLocal(key, value);
    }
    return edited.result;
  }

  follow(listener: (key: string) => void): void {
    this.listener = listener;
    for (const key of this.missed) this.deliver(listener, key);
    this.missed.clear();
  }

  /** Starts listening; resolves once the team's configuration is read, or after startWaitMs without the database (false). */
  async start(): Promise<boolean> {
    this.listening = this.listen();
    const waited = sleep(this.options.startWaitMs ?? 5_000).then(() => false);
    const read = await Promise.race([this.firstSync.then(() => true), waited]);
    // What was adopted so far is what the owners start with.
    this.missed.clear();
    return read;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.markClosing();
    for (const wake of this.wakers) wake();
    await this.listenClient?.end().catch(() => {});
    await this.listening;
    await this.writing;
    await this.reads;
  }

  private change(key: string, value: unknown): void {
    if (value === undefined) this.cache.delete(key);
    else this.cache.set(key, value);
    this.pending.set(key, { value });
    this.saveInBackground();
    // Last: a failing local write (thrown to the caller, ConfigWriter) leaves the team's copy on its way.
    this.writeLocal(key, value, true);
  }

  private writeLocal(key: string, value: unknown, rethrow = false): void {
    try {
      if (value === undefined) this.options.local.delete(key);
      else this.options.local.set(key, value);
    } catch (error) {
      if (rethrow) throw error;
      this.options.warn(`Could not keep the team's ${key} in ${this.options.local.path}: ${message(error)}`);
    }
  }

  private saveInBackground(): void {
    // Nothing is written before the team's configuration was read: it decides what an unsaved change meets.
    if (!this.synced || this.writing || this.pending.size === 0) return;
    this.writing = this.save().finally(() => {
      this.writing = null;
      if (!this.closed) this.saveInBackground();
    });
  }

  private async save(): Promise<void> {
    for (let wait = RETRY_MS.first; this.pending.size > 0; ) {
      const [key, entry] = this.pending.entries().next().value!;
      try {
        await writeKey(this.options.db.pool, key, entry.value);
        if (this.pending.get(key) === entry) this.pending.delete(key);
        if (this.writeFailing) this.options.log('Team configuration: the database answers again; changes kept here are saved.');
        this.writeFailing = false;
        wait = RETRY_MS.first;
        // Another replica may have written the key just before: the database's value is the team's.
        void this.enqueue(() => this.reread(key));
      } catch (error) {
        if (this.closed) {
          this.options.warn(`Team configuration: ${this.pending.size} change(s) were not saved to the database (${message(error)}); this replica's config.json keeps them.`);
          return;
        }
        if (!this.writeFailing) this.options.warn(`Team configuration: could not save ${key} to the database (${message(error)}); kept here and retried until it works.`);
        this.writeFailing = true;
        await this.pause(wait);
        wait = Math.min(wait * 2, RETRY_MS.max);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.wakers.delete(wake);
        resolve();
      };
      this.wakers.add(wake);
      setTimeout(wake, ms).unref();
    });
  }

  private enqueue(read: () => Promise<void>): Promise<void> {
    const next = this.reads.then(read);
    // A failed re-read is repeated by the full re-read after the LISTEN connection comes back.
    this.reads = next.catch((error: unknown) => {
      if (!this.closed) this.options.warn(`Team configuration: could not read the database (${message(error)}).`);
    });
    return next;
  }

  /** The LISTEN connection, re-established (then everything re-read) until closed. */
  private async listen(): Promise<void> {
    for (let wait = RETRY_MS.first; !this.closed; ) {
      const client = new this.options.db.Client({ connectionString: this.options.url, connectionTimeoutMillis: 5_000, keepAlive: true });
      const lost = new Promise<string>((resolve) => {
        client.on('error', (error) => resolve(message(error)));
        client.on('end', () => resolve('connection ended'));
      });
      client.on('notification', ({ channel, payload }) => {
        if (channel === CONFIG_CHANNEL && payload && this.keys.has(payload)) void this.enqueue(() => this.reread(payload));
      });
      this.listenClient = client;
      try {
        // The schema first (another part of this replica brings it up); closing stops the wait.
        await Promise.race([this.options.db.whenReady(), this.closing]);
        if (this.closed) break;
        await client.connect();
        await client.query(`LISTEN ${CONFIG_CHANNEL}`);
        await this.enqueue(() => this.sync());
        if (this.listenFailing) this.options.log('Team configuration: following the database again.');
        this.listenFailing = false;
        wait = RETRY_MS.first;
        const reason = await lost;
        if (this.closed) break;
        this.options.warn(`Team configuration: lost the database (${reason}); changes from other replicas apply once it is back.`);
        this.listenFailing = true;
      } catch (error) {
        if (this.closed) break;
        if (!this.listenFailing) this.options.warn(`Team configuration: the database is not reachable (${message(error)}); retrying.`);
        this.listenFailing = true;
      } finally {
        await client.end().catch(() => {});
      }
      await this.pause(wait);
      wait = Math.min(wait * 2, RETRY_MS.max);
    }
  }

  /**
   * Reads every key. The first time, a team configuration never initialised is seeded from the
   * cache (this replica's config.json); changes made here before that first read are dropped when
   * the team's configuration already exists (it wins), with a warning.
   */
  private async sync(): Promise<void> {
    const keys = [...this.keys];
    const client = await this.options.db.pool.connect();
    const seeded: string[] = [];
    let rows: Array<{ key: string; value: unknown }>;
    try {
      rows = await transaction(client, async () => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
        const found = (await client.query<{ key: string; value: unknown }>('SELECT key, value FROM team_config WHERE key = ANY($1)', [keys])).rows;
        if (!this.synced && !found.some((row) => row.key === this.options.initialisedKey)) {
          const present = new Set(found.map((row) => row.key));
          for (const [key, value] of this.cache) {
            if (present.has(key)) continue;
            await writeKey(client, key, value);
            found.push({ key, value });
            seeded.push(key);
          }
        }
        return found;
      });
    } finally {
      client.release();
    }
    if (!this.synced) {
      if (seeded.length > 0) this.options.log(`Team configuration was empty: seeded ${seeded.join(', ')} from ${this.options.local.path}.`);
      const replaced = [...this.pending.keys()].filter((key) => !seeded.includes(key));
      if (replaced.length > 0) this.options.warn(`Team configuration: ${replaced.join(', ')} changed here before the database was reached; the team's values replace them.`);
      this.pending.clear();
      this.synced = true;
    }
    const found = new Map(rows.map((row) => [row.key, row.value]));
    for (const key of keys) this.adopt(key, found.get(key));
    this.markSynced();
    this.saveInBackground();
  }

  private async reread(key: string): Promise<void> {
    if (!this.synced) return;
    const { rows } = await this.options.db.pool.query<{ value: unknown }>('SELECT value FROM team_config WHERE key = $1', [key]);
    this.adopt(key, rows[0]?.value);
  }

  /** The database's value of `key`, unless a change made here is still on its way (it will win). */
  private adopt(key: string, value: unknown): void {
    if (this.pending.has(key) || isDeepStrictEqual(this.cache.get(key), value)) return;
    if (value === undefined) this.cache.delete(key);
    else this.cache.set(key, value);
    this.writeLocal(key, value);
    if (this.listener) this.deliver(this.listener, key);
    else this.missed.add(key);
  }

  private deliver(listener: (key: string) => void, key: string): void {
    try {
      listener(key);
    } catch (error) {
      this.options.warn(`Team configuration: applying ${key} failed: ${message(error)}`);
    }
  }
}

/**
 * Opens the team configuration on `db`: its values once read (waiting up to startWaitMs), else
 * `local`'s for now, with a warning. `warnings` are for the status, like openConfStore's.
 */
export async function openTeamConfigStore(options: TeamConfigOptions): Promise<{ store: TeamConfigStore; warnings: string[] }> {
  const store = new PostgresConfigStore(options);
  const read = await store.start();
  const warnings = read
    ? []
    : [`The team database did not answer at start: serving with the configuration this replica last knew (${options.local.path}) until it does.`];
  return { store, warnings };
}

/**
 * `keys` read under the configuration lock, `edit` run on them, and the keys it changed written
 * and announced, in one transaction; `edit` throwing changes nothing. What changed, for the cache.
 */
async function editKeys<T>(client: pg.ClientBase, keys: readonly string[], edit: (store: KeyValueStore) => T): Promise<{ result: T; changed: Map<string, unknown> }> {
  return transaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
    const { rows } = await client.query<{ key: string; value: unknown }>('SELECT key, value FROM team_config WHERE key = ANY($1)', [[...keys]]);
    const before = Object.fromEntries(rows.map((row) => [row.key, row.value]));
    const store = createMemoryStore(before);
    const result = edit(store);
    const changed = new Map<string, unknown>();
    for (const key of keys) {
      const after = store.get(key);
      if (isDeepStrictEqual(before[key], after)) continue;
      await writeKey(client, key, after);
      changed.set(key, after);
    }
    return { result, changed };
  });
}

/**
 * One edit of the team configuration from outside a replica (the `cascadeflow token` CLI): the
 * schema brought up to date, `keys` read under the configuration lock, `edit` run on them, and
 * the keys it changed written and announced, all in one transaction. `edit` throwing changes nothing.
 */
export async function editTeamConfig<T>(url: string, keys: readonly string[], edit: (store: KeyValueStore) => T): Promise<T> {
  const { Client } = await loadPg();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await migrate(client);
    return (await editKeys(client, keys, edit)).result;
  } finally {
    await client.end().catch(() => {});
  }
}
