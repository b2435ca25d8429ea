// The team store's journal: what a replica appended and PostgreSQL has not committed yet, one
// JSON line each in the data dir (team-journal.jsonl), written at append (the page cache outlives
// a kill -9, so every answered request survives one) and rewritten to what is still pending after
// each commit. Lines: a record; {"amend": change}; a first line {"reset": true} while a reset has
// not reached the database. Bounded: past the caps the oldest entries are dropped (counted).
import fs from 'node:fs';
import path from 'node:path';
import { decisionAmendSchema, decisionRecordSchema, type DecisionAmend, type DecisionRecord } from '../../../contracts/decision';

export const JOURNAL_FILE = 'team-journal.jsonl';
const RESET_LINE = '{"reset":true}\n';

export type Entry = { kind: 'record'; text: string; record: DecisionRecord } | { kind: 'amend'; text: string; change: DecisionAmend };

export interface JournalLimits {
  maxEntries: number;
  maxBytes: number;
}

export interface Loaded {
  entries: Entry[];
  reset: boolean;
  /** Lines that were not entries (a torn last line after a crash, damage). */
  invalid: number;
}

/**
 * Serialised now: the text is the record as appended (the row the database gets), while the
 * live object may be amended later; only its indexed fields, which never change, are read from it.
 */
export function recordEntry(record: DecisionRecord): Entry {
  const text = JSON.stringify(record);
  return { kind: 'record', text: `${text.includes('\\u0000') ? withoutNul(record) : text}\n`, record };
}

/** PostgreSQL's jsonb cannot hold U+0000 (a client's project path could): one such record would fail its whole batch for good. */
function withoutNul(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '\uFFFD') : v));
}

/** The record as appended (before any amend). */
export const appended = (entry: Entry & { kind: 'record' }): DecisionRecord => JSON.parse(entry.text) as DecisionRecord;

export function amendEntry(change: DecisionAmend): Entry {
  const text = withoutNul({ amend: change });
  return { kind: 'amend', text: `${text}\n`, change: (JSON.parse(text) as { amend: DecisionAmend }).amend };
}

function parseLine(line: string): Entry | 'reset' | null {
  try {
    const json = JSON.parse(line) as unknown;
    if (json && typeof json === 'object' && 'reset' in json) return 'reset';
    if (json && typeof json === 'object' && 'amend' in json) {
      const change = decisionAmendSchema.safeParse(json.amend);
      return change.success ? { kind: 'amend', text: `${line}\n`, change: change.data } : null;
    }
    const record = decisionRecordSchema.safeParse(json);
    return record.success ? { kind: 'record', text: `${line}\n`, record: record.data } : null;
  } catch {
    return null;
  }
}

export class Journal {
  private fd: number | null = null;
  /** Entries dropped over the caps since the start. */
  dropped = 0;

  private constructor(
    private readonly file: string,
    private readonly limits: JournalLimits,
    private readonly onError: (message: string) => void,
  ) {}

  /** Reads what a previous run left (a missing or unreadable file: nothing) and opens it for appends. */
  static open(dataDir: string, limits: JournalLimits, onError: (message: string) => void): { journal: Journal; loaded: Loaded } {
    const journal = new Journal(path.join(dataDir, JOURNAL_FILE), limits, onError);
    const loaded: Loaded = { entries: [], reset: false, invalid: 0 };
    let text = '';
    try {
      fs.mkdirSync(dataDir, { recursive: true });
      text = fs.readFileSync(journal.file, 'utf8');
    } catch {
      // None yet (or unreadable: the first write reports it).
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const entry = parseLine(line);
      if (entry === 'reset') loaded.reset = true;
      else if (entry) loaded.entries.push(entry);
      else loaded.invalid++;
    }
    // Rewritten whole: a torn last line must not glue itself to the next append.
    journal.rewrite(loaded.entries, loaded.reset);
    return { journal, loaded };
  }

  /** Appends an entry to the file; false when it failed (the entry stays in memory only). */
  write(entry: Entry): boolean {
    try {
      this.fd ??= fs.openSync(this.file, 'a', 0o600);
      fs.writeSync(this.fd, entry.text);
      return true;
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  /**
   * Drops the oldest of `pending` (in place) while it is over the caps; returns how many went.
   * The file keeps them until the next rewrite: replaying one twice is harmless.
   */
  bound(pending: Entry[], pendingBytes: number): number {
    let drop = 0;
    let bytes = pendingBytes;
    while (pending.length - drop > this.limits.maxEntries || (bytes > this.limits.maxBytes && drop < pending.length)) {
      bytes -= pending[drop].text.length;
      drop++;
    }
    pending.splice(0, drop);
    this.dropped += drop;
    return drop;
  }

  /** Replaces the file with `entries` (after a commit: what is still pending; usually nothing). Synchronous, so no append slips between. */
  rewrite(entries: readonly Entry[], reset = false): void {
    try {
      if (this.fd !== null) fs.closeSync(this.fd);
      this.fd = null;
      if (entries.length === 0 && !reset) {
        fs.writeFileSync(this.file, '', { mode: 0o600 });
        return;
      }
      const text = (reset ? RESET_LINE : '') + entries.map((entry) => entry.text).join('');
      const temp = `${this.file}.tmp`;
      fs.writeFileSync(temp, text, { mode: 0o600 });
      fs.renameSync(temp, this.file);
    } catch (error) {
      this.failed(error);
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private failed(error: unknown): void {
    this.onError(`Could not write the team store's journal ${this.file}: ${(error as Error).message}`);
  }
}
