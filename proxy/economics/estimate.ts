// The expected cost of a request sent straight to the requested model, and drafted first, as a
// pure function of its size, each model's prompt-cache state, the prices and the acceptance
// rate p. Both are averages per request over the conversation's next requests (the horizon),
// because cache writes are paid once and read on every later turn:
//
//   direct = the requested model now (reading what it has warm, writing the rest), then warm turns.
//   draft  = the draft model now (its own cache state), then warm turns
//          + (1 − p) × the verifier's reads, uncached input and output on each request
//          + the verifier's cache writes: what it lacks now plus what each turn adds. An accepted
//            draft does not save them, it defers them to the next escalation, which writes
//            everything the drafts added since; they are saved only if no request of the horizon
//            escalates (probability p^horizon). When the conversation's pauses outlast the TTL,
//            every escalation writes the whole prefix instead.
//
// With a horizon of 1 (a request outside any known conversation) this is exactly
// draft cost + (1 − p) × verifier cost. Drafting is chosen only when it is clearly cheaper.
import type { CostEstimate } from '../../contracts/decision';
import type { ModelPrice } from '../../contracts/pricing';
import type { CacheTtl } from '../pricing/accounting';
import type { Acceptance } from './acceptance';
import { CACHE_TTL_MS } from './cache-ledger';
import type { RequestSize } from './request-size';

/** Requests of a conversation an estimate looks ahead (Claude Code sessions run to dozens or hundreds). */
export const HORIZON_REQUESTS = 20;
/** Draft only when its expected cost is at least this share below going direct: estimates are rough. */
export const DRAFT_MARGIN = 0.1;

export interface ModelState {
  model: string;
  /** Prefix tokens warm in the model's cache for this conversation now. */
  warmTokens: number;
}

export interface EstimateInput {
  size: RequestSize;
  /** Output tokens expected from the answer. */
  outputTokens: number;
  /** Prompt tokens each later request adds. */
  growthTokens: number;
  /** Typical time between the conversation's requests, when known. */
  gapMs: number | null;
  requested: ModelState;
  draft: ModelState;
  /** The model that answers an escalation (the rule's verifier, else the requested model). */
  verifier: ModelState;
  acceptance: Acceptance;
  /** Requests looked ahead, this one included (1 outside a known conversation). */
  horizon: number;
}

export interface Estimate extends CostEstimate {
  /** Drafting is expected to cost at least DRAFT_MARGIN less than going direct. */
  worthDrafting: boolean;
}

interface Tokens {
  input: number;
  read: number;
  write: number;
  output: number;
}

/** Dollars for these tokens at a price (US$ per million tokens). */
function dollars(price: ModelPrice, tokens: Tokens, ttl: CacheTtl | null): number {
  const write = ttl === '1h' ? price.cacheWrite1h : price.cacheWrite5m;
  return (tokens.input * price.input + tokens.read * price.cacheRead + tokens.write * write + tokens.output * price.output) / 1_000_000;
}

/** null when a model's price is unknown: no estimate then. */
export function estimateCosts(input: EstimateInput, priceOf: (model: string, promptTokens: number) => ModelPrice | null): Estimate | null {
  const { size, outputTokens: output, acceptance, horizon: h } = input;
  const prompt = size.promptTokens;
  const [requested, draft, verifier] = [input.requested, input.draft, input.verifier].map((m) => priceOf(m.model, prompt));
  if (!requested || !draft || !verifier) return null;

  const cacheable = size.ttl ? size.cacheableTokens : 0;
  const uncached = prompt - cacheable;
  const growth = Math.min(input.growthTokens, cacheable);
  // Caches go cold between requests when the conversation pauses longer than they live.
  const lapses = size.ttl !== null && input.gapMs !== null && input.gapMs >= CACHE_TTL_MS[size.ttl];
  const now = (warm: number): Tokens => {
    const read = Math.min(warm, cacheable);
    return { input: uncached, read, write: cacheable - read, output };
  };
  const turn: Tokens = lapses ? { input: uncached, read: 0, write: cacheable, output } : { input: uncached, read: cacheable - growth, write: growth, output };
  /** Per request over the horizon: this request, then h − 1 turns like `turn`. */
  const average = (price: ModelPrice, first: Tokens, later: Tokens) => (dollars(price, first, size.ttl) + (h - 1) * dollars(price, later, size.ttl)) / h;
  const noWrites = (t: Tokens): Tokens => ({ ...t, write: 0 });

  const direct = average(requested, now(input.requested.warmTokens), turn);
  const p = acceptance.p;
  const verifierNow = now(input.verifier.warmTokens);
  const verifierWrites = lapses ? h * (1 - p) * cacheable : (1 - p ** h) * (verifierNow.write + (h - 1) * growth);
  const drafted =
    average(draft, now(input.draft.warmTokens), turn) +
    (1 - p) * average(verifier, noWrites(verifierNow), noWrites(turn)) +
    dollars(verifier, { input: 0, read: 0, write: verifierWrites / h, output: 0 }, size.ttl);

  return {
    direct,
    draft: drafted,
    acceptance: p,
    acceptanceBasis: acceptance.basis,
    worthDrafting: drafted < (1 - DRAFT_MARGIN) * direct,
  };
}
