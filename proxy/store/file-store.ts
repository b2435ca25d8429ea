// The default DecisionStore: two files of its own in the data dir, never config.json.
//   decisions.jsonl  one record per line, oldest first; each flush appends its batch, and when
//                    the file passes 2 × retain lines it is rewritten to the last `retain`.
//                    A later change to a record (DecisionAmend) is a line of its own,
//                    {"amend": change, "seq": n}, applied to the record when loading.
//   stats.json       the aggregates over every decision ever (small), replaced atomically;
//                    `lastRecordId` and `lastAmendSeq` say which lines they count up to, so
//                    lines appended just before a crash are counted on the next start, never twice.
//   reset.json       present only while a reset is being written: a start that finds it removes
//                    both files above first, so a crash mid-reset never brings old records back.
// Records are serialised at append time, so a flush is only I/O and never blocks the event
// loop for long; a crash loses at most the last flush interval.
import fs from 'node:fs/promises';
import { z } from 'zod';
import path from 'node:path';
import { decisionAmendSchema, decisionRecordSchema, type DecisionAmend, type DecisionQuery, type DecisionRecord } from '../../contracts/decision';
import { describeIssues } from '../http/errors';
import { emptyStatsData, RunningAggregates, type QualityQueries, type SpendingQueries, type StatsData } from '../stats/aggregates';
import { DecisionLog } from './decision-log';
import { DEFAULT_RETAIN, type Aggregates, type DecisionStore } from './decision-store';
import { appendPieces, backupStoreFile, readText, replacePieces } from './files';
import { describeDropped, keepValid } from '../state/persistence';
import { copyStats, statsFileSchema, statsFilePieces, type StatsFile } from './stats-file';

export const DECISIONS_FILE = 'decisions.jsonl';
export const STATS_FILE = 'stats.json';
export const RESET_FILE = 'reset.json';

export interface FileDecisionStoreOptions {
  dataDir: string;
  flushIntervalMs?: number;
  /** Records kept for queries (and on disk); the aggregates count every record ever. */
  retain?: number;
  /** A failing write (disk full, read-only), once per run of failures; retried next flush. */
  onError: (message: string) => void;
}

export interface FileDecisionStore extends DecisionStore {
  /** Neither file existed when it was opened and nothing was appended since. */
  readonly isNew: boolean;
  /**
   * Takes over stats and decisions kept elsewhere (a new store only) and writes them;
   * resolves true once they are on disk.
   */
  importLegacy(stats: StatsData | null, decisions: DecisionRecord[]): Promise<boolean>;
}

const amendLineSchema = z.object({ amend: decisionAmendSchema, seq: z.number().int().positive() });
type AmendLine = z.infer<typeof amendLineSchema>;

interface Loaded {
  /** null: none, or unreadable (then `statsExisted`). */
  stats: StatsFile | null;
  statsExisted: boolean;
  /** stats.json was damaged (and partly or wholly replaced): rewrite it soon. */
  statsRepaired?: boolean;
  records: DecisionRecord[];
  /** Amendment lines, in file order. */
  amends: AmendLine[];
  /** Lines in decisions.jsonl (valid or not), for the compaction threshold. */
  fileLines: number;
  decisionsExisted: boolean;
  warnings: string[];
}

async function loadStats(file: string, warnings: string[]): Promise<Pick<Loaded, 'stats' | 'statsExisted' | 'statsRepaired'>> {
  const text = await readText(file);
  if (text === null) return { stats: null, statsExisted: false };
  let problem: string;
  let salvaged: StatsFile | null = null;
  const dropped: string[] = [];
  try {
    const json: unknown = JSON.parse(text);
    const parsed = statsFileSchema.safeParse(json);
    if (parsed.success) return { stats: parsed.data, statsExisted: true };
    problem = describeIssues(parsed.error);
    // Whatever still validates is kept: one bad field must not cost every total.
    // (A damaged lastRecordId becomes null: the retained records are then counted once more.)
    const repaired = keepValid(statsFileSchema, json, { version: 1, lastRecordId: null, stats: emptyStatsData() }, dropped);
    if (!dropped.includes('')) salvaged = repaired;
  } catch (error) {
    problem = (error as Error).message;
  }
  let kept: string;
  try {
    kept = `backed up to ${backupStoreFile(file)}`;
  } catch (error) {
    kept = `could not back it up: ${(error as Error).message}`;
  }
  const outcome = salvaged ? `totals ${describeDropped(dropped, 'stats')}` : 'rebuilt from the retained decisions';
  warnings.push(`${file} was ${salvaged ? 'damaged' : 'unreadable'} (${problem}); ${kept}; ${outcome}.`);
  return { stats: salvaged, statsExisted: true, statsRepaired: true };
}

async function loadDecisions(
  file: string,
  retain: number,
  warnings: string[],
): Promise<Pick<Loaded, 'records' | 'amends' | 'fileLines' | 'decisionsExisted'>> {
  const text = await readText(file);
  if (text === null) return { records: [], amends: [], fileLines: 0, decisionsExisted: false };
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  if (torn !== '') {
    // An append cut short by a crash: dropped, so the next append starts on a line of its own.
    // (If the file cannot be written, neither can that append: the flush reports it.)
    await fs.truncate(file, Buffer.byteLength(text) - Buffer.byteLength(torn)).catch(() => {});
    warnings.push(`${file}: skipped an incomplete last line (a write was interrupted).`);
  }
  let invalid = 0;
  const records: DecisionRecord[] = [];
  const amends: AmendLine[] = [];
  for (const line of lines.slice(-retain)) {
    try {
      const json = JSON.parse(line) as unknown;
      const parsed = json && typeof json === 'object' && 'amend' in json ? amendLineSchema.safeParse(json) : decisionRecordSchema.safeParse(json);
      if (!parsed.success) invalid++;
      else if ('amend' in parsed.data) amends.push(parsed.data as AmendLine);
      else records.push(parsed.data);
    } catch {
      invalid++;
    }
  }
  if (invalid > 0) warnings.push(`${file}: dropped ${invalid} invalid decision record(s).`);
  return { records, amends, fileLines: lines.length, decisionsExisted: true };
}

/**
 * Where the records stats.json does not count yet begin: after its lastRecordId (records
 * appended by a flush that stopped before its stats write); all of them when stats.json is
 * missing or was written before the first record; none when the id is not among them.
 */
function uncountedFrom(records: DecisionRecord[], stats: StatsFile | null): number {
  if (!stats || stats.lastRecordId === null) return 0;
  const i = records.findLastIndex((r) => r.id === stats.lastRecordId);
  return i === -1 ? records.length : i + 1;
}

class FileStore implements FileDecisionStore {
  private pending: string[] = [];
  private statsDirty = false;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<boolean> = Promise.resolve(true);
  private failing = false;
  private closed = false;
  /** A reset not yet on disk: the next write replaces decisions.jsonl with what came after it. */
  private resetting = false;
  private fileLines: number;
  private fresh: boolean;
  private log: DecisionLog;
  /** The last amendment line's number. */
  private amendSeq: number;
  readonly warnings: string[];

  constructor(
    private readonly options: Required<FileDecisionStoreOptions>,
    loaded: Loaded,
  ) {
    this.warnings = loaded.warnings;
    this.fileLines = loaded.fileLines;
    this.fresh = !loaded.statsExisted && !loaded.decisionsExisted;
    this.log = new DecisionLog(new RunningAggregates(loaded.stats?.stats), options.retain);
    const { stats, records } = loaded;
    const from = uncountedFrom(records, stats);
    records.forEach((record, i) => (i < from ? this.log.keep(record) : this.log.add(record)));
    // Changes stats.json counts already are applied to their records only.
    const counted = stats ? (stats.lastAmendSeq ?? 0) : 0;
    for (const { amend, seq } of loaded.amends) this.log.amend(amend, seq > counted);
    this.amendSeq = Math.max(stats?.lastAmendSeq ?? 0, ...loaded.amends.map((a) => a.seq));
    if (this.amendSeq > counted) this.markDirty();
    // Newly counted records, or an unreadable stats.json: write stats.json soon.
    if (from < records.length || loaded.statsRepaired) this.markDirty();
  }

  get isNew(): boolean {
    return this.fresh;
  }

  private get decisionsPath(): string {
    return path.join(this.options.dataDir, DECISIONS_FILE);
  }

  private get statsPath(): string {
    return path.join(this.options.dataDir, STATS_FILE);
  }

  private get resetPath(): string {
    return path.join(this.options.dataDir, RESET_FILE);
  }

  append(record: DecisionRecord): void {
    this.log.add(record);
    this.pending.push(asLine(record));
    this.fresh = false;
    this.markDirty();
  }

  amend(change: DecisionAmend): boolean {
    if (!this.log.amend(change)) return false;
    this.pending.push(`${JSON.stringify({ amend: change, seq: ++this.amendSeq })}\n`);
    this.markDirty();
    return true;
  }

  async query(filter?: DecisionQuery): Promise<DecisionRecord[]> {
    return this.log.query(filter);
  }

  async aggregate(now?: number): Promise<Aggregates> {
    return this.log.aggregate(now);
  }

  spending(): SpendingQueries {
    return this.log.aggregates;
  }

  quality(): QualityQueries {
    return this.log.aggregates;
  }

  async reset(): Promise<number> {
    const forgotten = this.log.aggregates.data.allTime.queries;
    this.log = new DecisionLog(new RunningAggregates(), this.options.retain);
    this.pending = [];
    this.fresh = false;
    this.resetting = true;
    this.markDirty();
    await this.write();
    return forgotten;
  }

  async flush(): Promise<void> {
    await this.write();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  async importLegacy(stats: StatsData | null, decisions: DecisionRecord[]): Promise<boolean> {
    if (!this.fresh) throw new Error('Legacy stats can only be imported into a new store.');
    this.fresh = false;
    // Legacy totals count the legacy decisions already; without totals, they are rebuilt.
    this.log = new DecisionLog(new RunningAggregates(stats ?? undefined), this.options.retain);
    for (const record of decisions) {
      if (stats) this.log.keep(record);
      else this.log.add(record);
    }
    this.pending.push(...asLines(this.log.retained()));
    this.markDirty();
    return this.write();
  }

  private markDirty(): void {
    this.statsDirty = true;
    if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => void this.write(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** One write at a time, in order; each takes whatever is pending when it starts. */
  private write(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // writePending reports I/O failures itself; anything else must not stall the queue either.
    this.queue = this.queue.then(() => this.writePending().catch((error: unknown) => this.failed(this.options.dataDir, error)));
    return this.queue;
  }

  private async writePending(): Promise<boolean> {
    if (this.pending.length === 0 && !this.statsDirty) return true;
    const lines = this.pending;
    const resetting = this.resetting;
    this.pending = [];
    this.statsDirty = false;
    this.resetting = false;
    // Taken together, so stats.json counts exactly the lines on disk before it. A reset
    // rewrites the file with the records since (usually none).
    const compacted = resetting || this.fileLines + lines.length > 2 * this.options.retain ? this.log.retained() : null;
    const stats: StatsFile = {
      version: 1,
      lastRecordId: this.log.last?.id ?? null,
      lastAmendSeq: this.amendSeq,
      stats: copyStats(this.log.aggregates.data),
    };
    try {
      if (resetting) await replacePieces(this.resetPath, ['{"version":1}\n']);
      if (compacted) {
        // Serialised again as it is written (records are not kept as text: half the memory).
        await replacePieces(this.decisionsPath, asLines(compacted));
        this.fileLines = compacted.length;
      } else if (lines.length > 0) {
        await appendPieces(this.decisionsPath, lines);
        this.fileLines += lines.length;
      }
    } catch (error) {
      this.pending = lines.concat(this.pending);
      this.resetting ||= resetting;
      return this.failed(this.decisionsPath, error);
    }
    try {
      await replacePieces(this.statsPath, statsFilePieces(stats));
      if (resetting) await fs.rm(this.resetPath, { force: true });
    } catch (error) {
      this.resetting ||= resetting;
      return this.failed(this.statsPath, error);
    }
    this.failing = false;
    return true;
  }

  private failed(file: string, error: unknown): false {
    if (!this.failing) this.options.onError(`Could not save decisions and stats to ${file}: ${(error as Error).message}`);
    this.failing = true;
    this.markDirty();
    return false;
  }
}

const asLine = (record: DecisionRecord) => `${JSON.stringify(record)}\n`;

/** Lazily, so a compaction serialises records only as fast as they are written. */
function* asLines(records: DecisionRecord[]): Generator<string> {
  for (const record of records) yield asLine(record);
}

/** A reset stopped halfway (reset.json still there): its files go, then the marker. */
async function finishInterruptedReset(dataDir: string, warnings: string[]): Promise<void> {
  const marker = path.join(dataDir, RESET_FILE);
  if ((await readText(marker)) === null) return;
  for (const file of [DECISIONS_FILE, STATS_FILE]) await fs.rm(path.join(dataDir, file), { force: true });
  await fs.rm(marker, { force: true });
  warnings.push('A statistics reset was interrupted; it was completed at this start.');
}

export async function openFileDecisionStore({
  dataDir,
  flushIntervalMs = 1000,
  retain = DEFAULT_RETAIN,
  onError,
}: FileDecisionStoreOptions): Promise<FileDecisionStore> {
  // A folder that cannot be made is reported by the first write, like any other write failure.
  await fs.mkdir(dataDir, { recursive: true }).catch(() => {});
  const warnings: string[] = [];
  await finishInterruptedReset(dataDir, warnings);
  const stats = await loadStats(path.join(dataDir, STATS_FILE), warnings);
  const decisions = await loadDecisions(path.join(dataDir, DECISIONS_FILE), retain, warnings);
  return new FileStore({ dataDir, flushIntervalMs, retain, onError }, { ...stats, ...decisions, warnings });
}
