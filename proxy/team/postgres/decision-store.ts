// The team DecisionStore (CASCADEFLOW_DATABASE_URL): every replica's decisions in one PostgreSQL
// table, and each replica's statistics over its own records as its replica_stats row, written in
// the same transaction as the records it counts; so the database's totals always equal the sum
// over its records, and aggregate() (every row merged, proxy/stats/merge.ts) shows every replica
// the same team numbers.
// Off the request path and failure-proof: append() writes the record to the journal (journal.ts)
// and memory; a batched flush (every flushIntervalMs, backing off while the database is down)
// commits it. A replica counts a record when its row is inserted (ON CONFLICT DO NOTHING
// RETURNING), so a journal replayed after a kill -9 never counts one twice.
// A reset truncates the tables and bumps stats_epoch; a replica whose flush sees a newer epoch
// starts its statistics afresh from what it had not committed yet. spending() and quality()
// answer from the merge made by the last aggregate() or flush: at most a flush interval stale.
import type pg from 'pg';
import { matchesDecisionQuery, type DecisionAmend, type DecisionQuery, type DecisionRecord } from '../../../contracts/decision';
import { emptyStatsData, RunningAggregates, type QualityQueries, type SpendingQueries, type StatsData } from '../../stats/aggregates';
import { mergeStatsData } from '../../stats/merge';
import { DecisionLog } from '../../store/decision-log';
import { DEFAULT_RETAIN, type Aggregates, type DecisionStore } from '../../store/decision-store';
import { copyStats } from '../../store/stats-file';
import { transaction } from './transaction';
import { amendEntry, appended, Journal, recordEntry, type Entry, type JournalLimits } from './journal';
import type { TeamDatabase } from './pool';

export interface PostgresDecisionStoreOptions {
  db: TeamDatabase;
  /** This replica's name: its replica_stats row and every record's `replica` column. */
  replica: string;
  /** Where the journal lives (the data dir). */
  dataDir: string;
  flushIntervalMs?: number;
  /** Longest wait between attempts while the database is down. */
  maxBackoffMs?: number;
  /** Records kept in memory for queries while the database is unreachable. */
  retain?: number;
  /** Records per transaction. */
  batchSize?: number;
  journal?: Partial<JournalLimits>;
  /** A failing write, once per run of failures (and the recovery); retried with backoff. */
  onError: (message: string) => void;
  /** The database became unreachable (why, in words safe for /health) or reachable again (null). */
  onDegraded?: (reason: string | null) => void;
  /**
   * Another replica committed, or reset the statistics (`reset`), checked every flush interval:
   * the team's statistics changed, so dashboards on this replica get them without waiting for
   * traffic of their own (and after a reset this replica forgets what it keeps beside the store).
   */
  onTeamChange?: (change: { reset: boolean }) => void;
}

/** What /health and /metrics show about the store. */
export interface StoreState {
  /** Why records are not reaching the database right now; null while they are. */
  degraded: string | null;
  /** Records (and amends) waiting for the database, in the journal. */
  buffered: number;
  /** Entries dropped over the journal's caps since the start. */
  dropped: number;
}

export interface PostgresDecisionStore extends DecisionStore {
  state(): StoreState;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { maxEntries: 200_000, maxBytes: 512 * 1024 * 1024 };

/** A batch as one JSON array, its columns taken out in SQL: a few times faster than an array parameter per column. */
const INSERT = `INSERT INTO decisions (id, time, replica, rule_id, decision, token_name, conversation_id, project, requested_model, record)
  SELECT r->>'id', floor((r->>'time')::float8)::bigint, $2, r->>'ruleId', r->>'decision', r->>'tokenName', r->>'conversationId', r->>'project', r->>'requestedModel', r
  FROM jsonb_array_elements($1::jsonb) AS r
  ON CONFLICT (id) DO NOTHING RETURNING id`;

/** The WHERE clause of a DecisionQuery (contracts/decision.ts matchesDecisionQuery), on indexed columns. */
function whereOf(filter: DecisionQuery): { sql: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    conditions.push(sql.replace('?', `$${values.length}`));
  };
  if (filter.since !== undefined) add('time >= ?', filter.since);
  if (filter.until !== undefined) add('time < ?', filter.until);
  if (filter.ruleId !== undefined) add('rule_id = ?', filter.ruleId);
  if (filter.decision !== undefined) add('decision = ?', filter.decision);
  if (filter.conversationId !== undefined) add('conversation_id = ?', filter.conversationId);
  if (filter.project !== undefined) add('project = ?', filter.project);
  if (filter.tokenName !== undefined) add('token_name = ?', filter.tokenName);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

/** The fields an amend sets, as a jsonb patch. */
function patchOf({ laterFailed, shadow }: DecisionAmend): string {
  return JSON.stringify({ ...(laterFailed && { laterFailed }), ...(shadow && { shadow }) });
}

/** Commits an amend waits for its record's row before it is dropped (one flush interval apart). */
const AMEND_TRIES = 30;

const newestFirst = (a: DecisionRecord, b: DecisionRecord) => b.time - a.time;

class PgStore implements PostgresDecisionStore {
  readonly warnings: string[] = [];
  /** Not committed yet, oldest first (mirrored by the journal). */
  private pending: Entry[] = [];
  private pendingBytes = 0;
  /** This replica's statistics as its committed row holds them; null until read from the database. */
  private committed: StatsData | null = null;
  /** The stats_epoch `committed` belongs to. */
  private epoch: number | null = null;
  /** A reset this replica asked for that has not reached the database. */
  private resetWanted: boolean;
  /** This replica's own records and statistics, committed or not: what it counts right now. */
  private log: DecisionLog;
  /** Every other replica's row, as last read. */
  private others: StatsData[] = [];
  private othersReadAt = -Infinity;
  /** The team's statistics as of the last merge (spending and quality answer from it). */
  private view: RunningAggregates;
  private timer: NodeJS.Timeout | null = null;
  private readonly watch: NodeJS.Timeout | null = null;
  /** The other replicas' rows as last seen by the watch: their count and latest update. */
  private othersStamp = '';
  private watching = false;
  /** Another replica's reset, seen by the watch: the next commit starts this replica's statistics afresh. */
  private teamReset = false;
  private queue: Promise<boolean> = Promise.resolve(true);
  private backoffMs: number;
  private degraded: string | null = null;
  /** Entries were dropped over the caps since the journal file was last rewritten. */
  private journalStale = false;
  /** Commits that found no row yet for an amend (the record of another replica). */
  private readonly amendTries = new WeakMap<Entry, number>();
  /** Bumped by reset(): a commit in flight across one leaves the new state alone. */
  private generation = 0;
  private closed = false;
  private readonly options: Required<Omit<PostgresDecisionStoreOptions, 'journal' | 'onDegraded' | 'onTeamChange'>> &
    Pick<PostgresDecisionStoreOptions, 'onDegraded' | 'onTeamChange'>;

  constructor(
    options: PostgresDecisionStoreOptions,
    private readonly journal: Journal,
    loaded: { entries: Entry[]; reset: boolean },
  ) {
    this.options = {
      ...options,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      retain: options.retain ?? DEFAULT_RETAIN,
      batchSize: options.batchSize ?? 2000,
    };
    this.backoffMs = this.options.flushIntervalMs;
    this.resetWanted = loaded.reset;
    this.log = new DecisionLog(new RunningAggregates(), this.options.retain);
    this.view = this.log.aggregates;
    for (const entry of loaded.entries) this.enqueue(entry);
    this.applyPending(this.log);
    // The first commit reads this replica's row (and replays the journal).
    this.schedule(0);
    const { onTeamChange } = options;
    if (onTeamChange) {
      this.watch = setInterval(() => void this.watchOthers(onTeamChange), this.options.flushIntervalMs);
      this.watch.unref();
    }
  }

  append(record: DecisionRecord): void {
    this.log.add(record);
    const entry = recordEntry(record);
    this.journal.write(entry);
    this.enqueue(entry);
    this.schedule(this.options.flushIntervalMs);
  }

  /**
   * Another replica's record too (a later failure seen on a turn that landed here): its row is
   * changed and counted in this replica's statistics by the next commit.
   */
  amend(change: DecisionAmend): boolean {
    this.log.amend(change);
    const entry = amendEntry(change);
    this.journal.write(entry);
    this.enqueue(entry);
    this.schedule(this.options.flushIntervalMs);
    return true;
  }

  async query(filter: DecisionQuery = {}): Promise<DecisionRecord[]> {
    const { db } = this.options;
    if (!db.ready || this.degraded !== null) return this.log.query(filter);
    const local = this.pendingRecords().filter((record) => matchesDecisionQuery(record, filter));
    const where = whereOf(filter);
    const limit = filter.limit === undefined ? '' : `LIMIT ${filter.limit + local.length}`;
    try {
      const { rows } = await db.pool.query<{ record: DecisionRecord }>(`SELECT record FROM decisions ${where.sql} ORDER BY time DESC, id DESC ${limit}`, where.values);
      const stored = rows.map((row) => row.record);
      const seen = new Set(stored.map((record) => record.id));
      const merged = [...stored, ...structuredClone(local.filter((record) => !seen.has(record.id)))].sort(newestFirst);
      return filter.limit === undefined ? merged : merged.slice(0, filter.limit);
    } catch {
      // Unreachable: this replica's own recent records, as a single-machine store would answer.
      return this.log.query(filter);
    }
  }

  async aggregate(now = Date.now()): Promise<Aggregates> {
    await this.readOthers(0);
    this.remerge(now);
    return this.view.snapshot(now);
  }

  spending(): SpendingQueries {
    return this.view;
  }

  quality(): QualityQueries {
    return this.view;
  }

  async reset(): Promise<number> {
    const forgotten = (await this.aggregate()).allTime.queries;
    this.log = new DecisionLog(new RunningAggregates(), this.options.retain);
    this.others = [];
    this.view = this.log.aggregates;
    this.pending = [];
    this.pendingBytes = 0;
    this.resetWanted = true;
    this.generation++;
    this.journal.rewrite([], true);
    await this.write();
    return forgotten;
  }

  state(): StoreState {
    return { degraded: this.degraded, buffered: this.pending.length, dropped: this.journal.dropped };
  }

  async flush(): Promise<void> {
    // Everything pending now, however many batches that takes (or until one fails).
    for (let batches = Math.ceil(this.pending.length / this.options.batchSize) + 1; batches > 0; batches--) {
      if (!(await this.write()) || (this.pending.length === 0 && !this.resetWanted)) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watch) clearInterval(this.watch);
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.journal.close();
  }

  private enqueue(entry: Entry): void {
    this.pending.push(entry);
    this.pendingBytes += entry.text.length;
    if (this.journal.bound(this.pending, this.pendingBytes) === 0) return;
    this.pendingBytes = this.pending.reduce((sum, e) => sum + e.text.length, 0);
    if (!this.journalStale) {
      this.options.onError(`The team store's journal is full: the oldest decisions not yet in PostgreSQL are being dropped (cascadeflow_store_dropped_records_total).`);
    }
    this.journalStale = true;
  }

  private pendingRecords(): DecisionRecord[] {
    return this.pending.flatMap((entry) => (entry.kind === 'record' ? [entry.record] : []));
  }

  /** Counts the pending entries into `log` (amends of records it no longer keeps are skipped). */
  private applyPending(log: DecisionLog): void {
    for (const entry of this.pending) {
      if (entry.kind === 'record') log.add(appended(entry));
      else log.amend(entry.change);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => void this.write(), delayMs);
    this.timer.unref();
  }

  /** One transaction at a time, in order; true when it committed (or there was nothing to do). */
  private write(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = this.queue.then(() => this.commit().catch((error: unknown) => this.failed(error)));
    return this.queue;
  }

  private async commit(): Promise<boolean> {
    if (this.pending.length === 0 && !this.resetWanted && !this.teamReset && this.committed !== null) return true;
    const { db, replica } = this.options;
    if (!db.ready) {
      await Promise.race([db.whenReady(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      if (!db.ready) throw new Error('the schema could not be brought up to date yet (is the database reachable?)');
    }
    const batch = this.pending.slice(0, this.options.batchSize);
    const resetting = this.resetWanted;
    const generation = this.generation;
    const client = await db.pool.connect();
    let rebuild = false;
    const deferred: Entry[] = [];
    let committed: { next: RunningAggregates; epoch: number };
    try {
      committed = await transaction(client, async () => {
        let epoch: number;
        if (resetting) {
          await client.query('SELECT epoch FROM stats_epoch FOR UPDATE');
          await client.query('TRUNCATE decisions, replica_stats');
          epoch = Number((await client.query<{ epoch: string }>('UPDATE stats_epoch SET epoch = epoch + 1 RETURNING epoch')).rows[0].epoch);
        } else {
          // Shared: a reset on another replica waits for this commit, or this one for it.
          epoch = Number((await client.query<{ epoch: string }>('SELECT epoch FROM stats_epoch FOR SHARE')).rows[0].epoch);
        }
        let base = this.committed;
        if (resetting || this.epoch !== epoch || base === null) {
          // First commit since the start (this replica's row as the database has it), or a reset
          // since the last (nothing: what is pending counts afresh).
          const own = this.epoch === null && !resetting ? await client.query<{ data: StatsData }>('SELECT data FROM replica_stats WHERE replica = $1 FOR UPDATE', [replica]) : null;
          base = own?.rows[0]?.data ?? emptyStatsData();
          rebuild = true;
        }
        const next = new RunningAggregates(copyStats(base));
        const records = batch.filter((entry) => entry.kind === 'record');
        const inserted = records.length > 0 ? await this.insert(client, records) : new Set<string>();
        // The live record may carry a later amend already: counted as appended, the amend below counts it.
        for (const entry of records) if (inserted.has(entry.record.id)) next.add(appended(entry));
        if (inserted.size < records.length) rebuild = true;
        for (const entry of batch) {
          if (entry.kind !== 'amend') continue;
          const { rows } = await client.query<{ record: DecisionRecord }>('SELECT record FROM decisions WHERE id = $1 FOR UPDATE', [entry.change.id]);
          if (rows.length === 0) {
            // Another replica's record not written yet (its batch is at most a flush away): tried again.
            const tries = (this.amendTries.get(entry) ?? 0) + 1;
            this.amendTries.set(entry, tries);
            if (tries < AMEND_TRIES) deferred.push(entry);
            continue;
          }
          // Counted against the row as stored: a change it already carries (a replay) counts nothing.
          next.amend(rows[0].record, entry.change);
          // The live statistics count only amends of records this replica keeps: rebuilt from the row.
          rebuild = true;
          await client.query('UPDATE decisions SET record = record || $2::jsonb WHERE id = $1', [entry.change.id, patchOf(entry.change)]);
        }
        await client.query(
          `INSERT INTO replica_stats (replica, data, updated_at) VALUES ($1, $2::jsonb, now())
           ON CONFLICT (replica) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
          [replica, JSON.stringify(next.data)],
        );
        return { next, epoch };
      });
    } finally {
      client.release();
    }
    const { next, epoch } = committed;
    // Another replica reset the statistics since this replica's last commit: its records are gone too.
    const resetElsewhere = this.epoch !== null && this.epoch !== epoch && !resetting;
    this.committed = next.data;
    this.epoch = epoch;
    this.teamReset = false;
    this.recovered();
    // A reset came in meanwhile: its own commit follows, from nothing.
    if (generation !== this.generation) return true;
    if (resetting) this.resetWanted = false;
    // By identity: past the journal's caps, appends meanwhile dropped the oldest entries, maybe of this batch.
    const done = new Set(batch);
    this.pending = [...deferred, ...this.pending.filter((entry) => !done.has(entry))];
    this.pendingBytes = this.pending.reduce((sum, e) => sum + e.text.length, 0);
    // Rewritten once the backlog is down to a batch (usually: emptied); until then the file keeps
    // committed entries too, whose replay would insert and count nothing.
    if (this.pending.length <= this.options.batchSize) {
      this.journal.rewrite(this.pending, this.resetWanted);
      this.journalStale = false;
    }
    if (rebuild) {
      // The committed row plus what is still pending: what this replica counts from now on.
      const log = new DecisionLog(new RunningAggregates(copyStats(this.committed)), this.options.retain);
      const pendingIds = new Set(this.pendingRecords().map((record) => record.id));
      if (!resetElsewhere) for (const record of this.log.retained()) if (!pendingIds.has(record.id)) log.keep(record);
      this.applyPending(log);
      this.log = log;
    }
    await this.readOthers(this.options.flushIntervalMs).catch(() => {});
    this.remerge(Date.now());
    // The rest of a backlog at once; amends waiting for another replica's row at the next interval.
    if (this.pending.length > deferred.length) this.schedule(0);
    else if (deferred.length > 0) this.schedule(this.options.flushIntervalMs);
    return true;
  }

  private async insert(client: pg.PoolClient, records: Array<Entry & { kind: 'record' }>): Promise<Set<string>> {
    const { rows } = await client.query<{ id: string }>(INSERT, [`[${records.map((entry) => entry.text).join(',')}]`, this.options.replica]);
    return new Set(rows.map((row) => row.id));
  }

  /** Every other replica's row, unless read less than `maxAgeMs` ago; kept as they were when the database cannot be read. */
  private async readOthers(maxAgeMs: number): Promise<void> {
    const { db, replica } = this.options;
    if (!db.ready || this.degraded !== null || performance.now() - this.othersReadAt < maxAgeMs) return;
    try {
      const { rows } = await db.pool.query<{ data: StatsData }>('SELECT data FROM replica_stats WHERE replica <> $1', [replica]);
      this.others = rows.map((row) => row.data);
      this.othersReadAt = performance.now();
    } catch {
      // The flush reports the database's state; the last rows read stand in meanwhile.
    }
  }

  /** Tells `onTeamChange` when another replica's row was written, or the statistics were reset, since the last look. */
  private async watchOthers(onTeamChange: (change: { reset: boolean }) => void): Promise<void> {
    const { db, replica } = this.options;
    // One look at a time: a database that stops answering must not collect a connection per tick.
    if (!db.ready || this.degraded !== null || this.closed || this.watching || this.epoch === null) return;
    this.watching = true;
    try {
      const { rows } = await db.pool.query<{ stamp: string; epoch: string }>(
        `SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') AS stamp, (SELECT epoch FROM stats_epoch) AS epoch
         FROM replica_stats WHERE replica <> $1`,
        [replica],
      );
      const reset = Number(rows[0].epoch) !== this.epoch && !this.resetWanted;
      if (rows[0].stamp === this.othersStamp && !reset) return;
      this.othersStamp = rows[0].stamp;
      this.othersReadAt = -Infinity;
      if (reset) {
        this.teamReset = true;
        await this.write();
      }
      onTeamChange({ reset });
    } catch {
      // The flush reports the database's state.
    } finally {
      this.watching = false;
    }
  }

  private remerge(now: number): void {
    this.view = this.others.length === 0 ? this.log.aggregates : new RunningAggregates(mergeStatsData([...this.others, this.log.aggregates.data], now));
  }

  private failed(error: unknown): false {
    const reason = `the team database is unreachable: ${(error as Error).message}`;
    if (this.degraded === null) {
      this.options.onError(`Could not write decisions to PostgreSQL (${reason}); ${this.pending.length} kept in the journal, retrying.`);
      this.options.onDegraded?.('PostgreSQL unreachable: decisions are buffered on disk until it is back');
    }
    this.degraded = reason;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    // Past the caps, the journal file is rewritten to what is kept.
    if (this.journalStale) this.journal.rewrite(this.pending, this.resetWanted);
    this.journalStale = false;
    this.schedule(this.backoffMs);
    return false;
  }

  private recovered(): void {
    if (this.degraded !== null) {
      this.options.onError(`PostgreSQL is reachable again; the buffered decisions are being written.`);
      this.options.onDegraded?.(null);
    }
    this.degraded = null;
    this.backoffMs = this.options.flushIntervalMs;
  }
}

/** Opens the store on `db` (reachable or not): the journal a previous run left is replayed by the first flush. */
export function openPostgresDecisionStore(options: PostgresDecisionStoreOptions): PostgresDecisionStore {
  const { journal, loaded } = Journal.open(options.dataDir, { ...DEFAULT_JOURNAL_LIMITS, ...options.journal }, options.onError);
  const store = new PgStore(options, journal, loaded);
  if (loaded.invalid > 0) store.warnings.push(`The team store's journal had ${loaded.invalid} unreadable line(s) (an interrupted write); they were skipped.`);
  if (loaded.entries.length > 0) store.warnings.push(`Replaying ${loaded.entries.length} decision(s) the last run had not written to PostgreSQL.`);
  return store;
}
