// The owner of client tokens in a running proxy: the list (registry.ts, in config.json), who is
// calling (identify: the secret's hash against every token's, in constant time), the limits
// (limiter.ts: in memory, or a team's shared one in Redis; also per client key hash for requests
// without a token when the settings set keyLimits) and today's use per token from the decision
// records (the daily cap's figure, also /stats' by_token). The `cascadeflow token` CLI edits the same file while the proxy runs: the
// list is re-read when the file's modification time changes, checked (one stat) per request.
import fs from 'node:fs';
import type { DecisionRecord } from '../../contracts/decision';
import type { KeyLimits } from '../../contracts/settings';
import type { CreatedToken, CreateTokenArgs, TokenInfo, TokenUsage } from '../../contracts/tokens';
import type { KeyValueStore } from '../state/stores';
import type { DecisionStore } from '../store/decision-store';
import type { ClientToken, ClientTokenGate } from '../request/deps';
import { RateLimiter, type Admission, type Limiter } from './limiter';
import { addToken, publicToken, readTokens, removeToken, TOKENS_STORE_KEY, type StoredToken } from './registry';
import { hashesMatch, hashSecret } from './secret';

export interface ClientTokensOptions {
  store: KeyValueStore;
  now?: () => number;
  /** A damaged entry in the store (skipped). */
  warn?: (message: string) => void;
  /** Default: in memory (one machine). */
  limiter?: Limiter;
  /** Limits per client key for requests without a token (settings.keyLimits); default none. */
  keyLimits?: () => KeyLimits;
}

/** `YYYY-MM-DD` of a time, UTC: the day a daily cap counts. */
function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function emptyUsage(): TokenUsage {
  return { queries: 0, cost: 0, savings: 0, limited: 0 };
}

export class ClientTokensState implements ClientTokenGate {
  private tokens: StoredToken[] = [];
  private loadedMtime: number | null = null;
  private invalid = 0;
  private readonly limiter: Limiter;
  private day: string;
  /** Today's use by token name. */
  private usage = new Map<string, TokenUsage>();
  private readonly lastUsed = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: ClientTokensOptions) {
    this.now = options.now ?? Date.now;
    this.limiter = options.limiter ?? new RateLimiter();
    this.day = utcDay(this.now());
    this.reload();
  }

  /** Today's use and the last use of each token, from the records the store still holds. */
  async load(decisions: Pick<DecisionStore, 'query'>): Promise<void> {
    if (this.tokens.length === 0) return;
    const records = await decisions.query({ since: Date.parse(`${this.day}T00:00:00Z`) });
    // Newest first: the first seen is the last use.
    for (const record of [...records].reverse()) this.count(record);
  }

  list(): TokenInfo[] {
    this.refresh();
    return this.tokens.map((token) => this.info(token));
  }

  async create(args: CreateTokenArgs): Promise<CreatedToken> {
    this.refresh();
    const { secret, token } = await this.editTokens((store) => addToken(store, args, this.now()));
    return { token: secret, info: this.info(token) };
  }

  async revoke(name: string): Promise<TokenInfo[]> {
    const gone = this.tokens.find((t) => t.name === name);
    await this.editTokens((store) => removeToken(store, name));
    if (gone) this.limiter.forget(gone.hash);
    return this.tokens.map((token) => this.info(token));
  }

  /** A change to the list, atomic across replicas where the store is shared (two tokens created at once both stay). */
  private async editTokens<T>(change: (store: KeyValueStore) => T): Promise<T> {
    const { store } = this.options;
    const result = store.edit ? await store.edit([TOKENS_STORE_KEY], change) : change(store);
    this.reload();
    return result;
  }

  /** The token whose secret this is, or null. Every stored hash is compared, whichever matches. */
  identify(secret: string): StoredToken | null {
    this.refresh();
    const hash = hashSecret(secret);
    let found: StoredToken | null = null;
    for (const token of this.tokens) if (hashesMatch(hash, token.hash) && !found) found = token;
    return found;
  }

  /** Counts one request of `token` against its limits; a refusal is counted in today's use, not recorded. */
  admit({ name }: ClientToken, stream: boolean): Admission | Promise<Admission> {
    const now = this.now();
    const usage = this.today(name);
    // Revoked since it was identified: admitted as it was (limits key by the secret's hash).
    const token = this.tokens.find((t) => t.name === name);
    if (!token) return { ok: true, release: () => {} };
    const counted = (admission: Admission): Admission => {
      if (admission.ok) this.lastUsed.set(name, now);
      else if (admission.limit !== 'unavailable') usage.limited += 1;
      return admission;
    };
    const admission = this.limiter.admit(token.hash, { limits: token.limits, stream, spentToday: usage.cost, now });
    return admission instanceof Promise ? admission.then(counted) : counted(admission);
  }

  /** A request without a token, by its client key's hash; null when the settings limit no keys. */
  admitKey(credential: string, stream: boolean): Admission | Promise<Admission> | null {
    const limits = this.options.keyLimits?.() ?? {};
    if (limits.requestsPerMinute === undefined && limits.concurrentStreams === undefined) return null;
    // Prefixed: a key's hash never shares counters with a token's.
    return this.limiter.admit(`key:${hashSecret(credential)}`, { limits, stream, spentToday: 0, now: this.now() });
  }

  /** A recorded request: today's use of its token (records without a token are not counted), and its spend for a shared limiter. */
  note(record: DecisionRecord): void {
    if (!this.count(record) || !record.cost) return;
    const token = this.tokens.find((t) => t.name === record.tokenName);
    if (token) this.limiter.spend(token.hash, record.cost, record.time);
  }

  /** Today's use of a record's token; false when it has none or is of another day. */
  private count(record: DecisionRecord): boolean {
    if (!record.tokenName) return false;
    const usage = this.today(record.tokenName, record.time);
    if (!usage) return false;
    usage.queries += 1;
    usage.cost += record.cost ?? 0;
    usage.savings += record.savings ?? 0;
    this.lastUsed.set(record.tokenName, Math.max(this.lastUsed.get(record.tokenName) ?? 0, record.time));
    return true;
  }

  /**
   * Statistics reset: today's use of every token (the daily cap counts from zero) and its last use,
   * like the records they were counted from. The per-minute window and open streams are kept.
   */
  forgetUse({ shared = true }: { shared?: boolean } = {}): void {
    this.usage = new Map();
    this.lastUsed.clear();
    // Another replica's reset already emptied the shared figures (Redis); only this replica's are left.
    if (shared) this.limiter.forgetSpend();
  }

  private info(token: StoredToken): TokenInfo {
    const lastUsedAt = this.lastUsed.get(token.name);
    return { ...publicToken(token), ...(lastUsedAt !== undefined ? { lastUsedAt } : {}), today: { ...this.today(token.name) } };
  }

  /** Today's use of `name`, the day rolled over first; for a record of another day, its use is not kept (null). */
  private today(name: string): TokenUsage;
  private today(name: string, at: number): TokenUsage | null;
  private today(name: string, at?: number): TokenUsage | null {
    const day = utcDay(this.now());
    if (day !== this.day) {
      this.day = day;
      this.usage = new Map();
    }
    if (at !== undefined && utcDay(at) !== day) return null;
    let usage = this.usage.get(name);
    if (!usage) this.usage.set(name, (usage = emptyUsage()));
    return usage;
  }

  /** Re-reads the list when another process (the CLI) changed the file. */
  private refresh(): void {
    // A shared store (one with edit: a team's) is not a file; its changes arrive through reload().
    if (this.options.store.path === ':memory:' || this.options.store.edit) return;
    if (this.mtime() !== this.loadedMtime) this.reload();
  }

  /** Re-reads the list from the store: also when another replica changed it (teams, proxy/team/postgres/). */
  reload(): void {
    this.loadedMtime = this.mtime();
    const { tokens, invalid } = readTokens(this.options.store);
    this.tokens = tokens;
    const changed = invalid !== this.invalid;
    this.invalid = invalid;
    if (changed && invalid > 0) this.options.warn?.(`${invalid} stored client ${invalid === 1 ? 'token is' : 'tokens are'} damaged and ignored`);
  }

  private mtime(): number | null {
    if (this.options.store.path === ':memory:') return null;
    try {
      return fs.statSync(this.options.store.path).mtimeMs;
    } catch {
      return null;
    }
  }
}
