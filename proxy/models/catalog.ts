// The model ids the proxy knows: the upstream's own list (GET /v1/models, paged with has_more
// and last_id) and the price table's exact ids (its `*` patterns price ids but are not ids).
// The list is fetched only once something needs it (a rule's model the price table does not
// know, or a reader of the rule checks), with the proxy's fallback key, or else with the
// credentials of a client request, used for that one call and never kept or logged; then again
// at most about once an hour and after rules are saved, each fetch bounded in time. Rule checks
// read it (proxy/rules/checks.ts).
import type { KnownModel } from '../../contracts/rule-checks';
import type { ModelPrice } from '../../contracts/pricing';
import { lookupPrice } from '../pricing/accounting';
import { BUILTIN_PRICES } from '../pricing/table';
import type { ModelKnowledge, ModelLookup } from '../rules/checks';
import { sendUpstream } from '../upstream/client';
import { describeError, statusFailure } from '../upstream/failures';

/** A list this old is fetched again with the next credentials at hand. */
export const MODEL_LIST_MAX_AGE_MS = 60 * 60_000;
/** After a failed fetch, the next try waits this long (a save of the rules tries at once). */
export const MODEL_LIST_RETRY_MS = 5 * 60_000;
/** One fetch, every page included. */
export const MODEL_LIST_TIMEOUT_MS = 5_000;
/** Pages followed at most: a list that never ends is cut off, not followed forever. */
const MAX_PAGES = 20;
/** When the client states none: the version the Messages API documents. */
const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export const NO_MODEL_LIST_KEY =
  'no key to ask with yet: it is fetched with the proxy’s fallback key, or with the next client request’s own key';

/**
 * Since Claude Opus 4.1 each dated id has a dateless alias (`claude-haiku-4-5-20251001` →
 * `claude-haiku-4-5`), which the list does not name. Older ids' aliases follow no one rule
 * (`claude-sonnet-4-0`, `claude-3-5-haiku-latest`): none is made up for them.
 */
const DATED_WITH_ALIAS = /^(claude-[a-z]+-\d+-\d+)-\d{8}$/;

/** The headers a model-list call takes from a request's upstream headers, and no others. */
const VERSION_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;
const CREDENTIAL_HEADERS = ['x-api-key', 'authorization', ...VERSION_HEADERS] as const;

export interface ModelCatalogOptions {
  upstreamUrl(): string;
  fallbackApiKey(): string | null;
  /** The user's price overrides (the built-in table is read directly). */
  priceOverrides(): Record<string, ModelPrice>;
  /** The ids or the list's availability changed. */
  onChange(): void;
  /** A fetch failed while an older list is still in use (the list stays; the log says why). */
  warn(message: string): void;
  now?: () => number;
  timeoutMs?: number;
  /** Ids asked for per page (the API allows up to 1,000). */
  pageSize?: number;
}

interface ModelPage {
  data?: Array<{ id?: unknown }>;
  has_more?: unknown;
  last_id?: unknown;
}

export class ModelCatalog implements ModelKnowledge {
  /** Listed ids and the aliases they imply; null until a fetch succeeds. */
  private listed: Set<string> | null = null;
  private error: string = NO_MODEL_LIST_KEY;
  private fetchedAt = -Infinity;
  /** The upstream the list came from: another one is asked again. */
  private fetchedFrom: string | null = null;
  private failedAt = -Infinity;
  /** Rules were saved: fetch with the next credentials at hand, however recent the list. */
  private stale = true;
  /** Something needed the list once: from then on it is kept fresh. */
  private demanded = false;
  private inFlight: Promise<void> | null = null;
  /** Aborts a fetch still running when the proxy stops. */
  private readonly closing = new AbortController();

  constructor(private readonly options: ModelCatalogOptions) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private get due(): boolean {
    const now = this.now();
    if (!this.demanded || this.inFlight || this.closing.signal.aborted || now - this.failedAt < MODEL_LIST_RETRY_MS) return false;
    return this.stale || this.fetchedFrom !== this.options.upstreamUrl() || now - this.fetchedAt >= MODEL_LIST_MAX_AGE_MS;
  }

  lookup(id: string): ModelLookup {
    return { listed: this.listed?.has(id) ?? false, priced: lookupPrice(id, this.options.priceOverrides()) !== null };
  }

  ids(): string[] {
    return this.known().map((model) => model.id);
  }

  listError(): string | null {
    return this.listed ? null : this.error;
  }

  /** Listed ids (and their aliases) and the price table's exact ids, sorted by id. */
  known(): KnownModel[] {
    const priceIds = [...Object.keys(BUILTIN_PRICES), ...Object.keys(this.options.priceOverrides())].filter((key) => !key.includes('*'));
    const ids = [...new Set([...(this.listed ?? []), ...priceIds])].sort();
    return ids.map((id) => ({ id, ...this.lookup(id) }));
  }

  /**
   * A client request's upstream headers, offered on every request: when the list is due, the
   * proxy's own key fetches it, or else this request's credentials, once.
   */
  offer(headers: Readonly<Record<string, string>>): void {
    if (!this.due) return;
    const key = this.options.fallbackApiKey();
    const credentials: Record<string, string> = {};
    for (const name of key ? VERSION_HEADERS : CREDENTIAL_HEADERS) if (headers[name]) credentials[name] = headers[name];
    if (key) credentials['x-api-key'] = key;
    if (credentials['x-api-key'] || credentials.authorization) void this.fetch(credentials);
  }

  /**
   * Something needs the list (a reader of the rule checks, a model the price table does not
   * know): fetched now when due and the proxy has a key of its own, else with the next request's.
   * Resolves when a fetch it started or found running is done.
   */
  wanted(): Promise<void> {
    this.demanded = true;
    const key = this.options.fallbackApiKey();
    return this.due && key ? this.fetch({ 'x-api-key': key }) : (this.inFlight ?? Promise.resolve());
  }

  /** Rules were saved: the next need fetches the list again, however recent, and a failure is retried. */
  markStale(): void {
    this.stale = true;
    this.failedAt = -Infinity;
  }

  /** Stops a running fetch; nothing is fetched after. */
  close(): void {
    this.closing.abort();
  }

  /** Resolves when the fetch is done (its outcome is in listError()). */
  private fetch(credentials: Record<string, string>): Promise<void> {
    const upstreamUrl = this.options.upstreamUrl();
    this.inFlight ??= this.fetchAll(upstreamUrl, credentials)
      .then(
        (ids) => {
          this.listed = withAliases(ids);
          this.fetchedAt = this.now();
          this.fetchedFrom = upstreamUrl;
          this.stale = false;
        },
        (error: unknown) => {
          this.error = `the upstream's model list could not be fetched: ${describeError(error)}`;
          this.failedAt = this.now();
          if (this.listed) this.options.warn(`${this.error}; the list from ${new Date(this.fetchedAt).toISOString()} stays in use.`);
        },
      )
      .finally(() => {
        this.inFlight = null;
        this.options.onChange();
      });
    return this.inFlight;
  }

  private async fetchAll(baseUrl: string, credentials: Record<string, string>): Promise<string[]> {
    const headers = { 'anthropic-version': DEFAULT_ANTHROPIC_VERSION, ...credentials, accept: 'application/json' };
    const timeoutMs = this.options.timeoutMs ?? MODEL_LIST_TIMEOUT_MS;
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal]);
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `?limit=${this.options.pageSize ?? 1000}${after ? `&after_id=${encodeURIComponent(after)}` : ''}`;
      const res = await sendUpstream({
        baseUrl,
        pathAndQuery: `/v1/models${query}`,
        method: 'GET',
        headers,
        signal,
        headersTimeoutMs: timeoutMs,
        bodyTimeoutMs: timeoutMs,
      });
      const text = await res.body.text();
      if (res.status !== 200) throw new Error(statusFailure(res.status, text).message);
      const body = JSON.parse(text) as ModelPage;
      if (!Array.isArray(body.data)) throw new Error('the answer has no `data` list');
      for (const model of body.data) if (typeof model.id === 'string') ids.push(model.id);
      if (body.has_more !== true || typeof body.last_id !== 'string') return ids;
      after = body.last_id;
    }
    return ids;
  }
}

function withAliases(ids: readonly string[]): Set<string> {
  const known = new Set(ids);
  for (const id of ids) {
    const alias = DATED_WITH_ALIAS.exec(id)?.[1];
    if (alias) known.add(alias);
  }
  return known;
}
