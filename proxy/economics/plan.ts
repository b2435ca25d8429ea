// The one question the request path asks before drafting: draft this request or not? Under
// `always` it drafts whenever a rule matched; under `cost_aware` it does not while the
// conversation is held (its drafts kept failing), nor when drafting is not expected to cost
// clearly less than going straight to the requested model at the optimistic acceptance rate
// (acceptance.ts): with no outcome yet it drafts to find out (an exploration, noted). Either way
// the answer says why in named signals, and carries the requested model's cache state for the
// baseline.
import type { ActionClass, QualitySignal } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import type { Accounting, RequestedCache } from '../pricing/accounting';
import type { MessagesRequest } from '../wire';
import type { AcceptanceTracker, Hold } from './acceptance';
import type { CacheLedger } from './cache-ledger';
import { estimateCosts, HORIZON_REQUESTS, type Estimate } from './estimate';
import { DEFAULT_TOKENS_PER_BYTE, measureRequest, type RawBody } from './request-size';

/** Output tokens expected before a conversation has answered once: a tool call and a few sentences. */
export const DEFAULT_OUTPUT_TOKENS = 400;
/** Prompt tokens a turn adds before a conversation has grown once: a tool result of about 6 KB. */
export const DEFAULT_GROWTH_TOKENS = 1_500;

export interface PlanInput {
  conversationId?: string;
  rule: CascadeRule;
  request: MessagesRequest;
  /** The body's length in bytes as it arrived. */
  rawBytes: number;
  /** The body itself, when at hand: the prompt before a cache breakpoint is measured on its bytes instead of serialised again. */
  body?: RawBody;
  now: number;
  policy: 'cost_aware' | 'always';
  /** The class the draft is expected to be, when the caller knows it. */
  actionClass?: ActionClass;
}

export interface PlanDeps {
  ledger: CacheLedger;
  acceptance: AcceptanceTracker;
  accounting: Pick<Accounting, 'priceOf'>;
}

export type DraftPlan = {
  /** Both estimates; absent when a model's price is unknown. */
  estimate?: Estimate;
  /** Why (informational, penalty 0): the skip's reasons, or a probe after a hold. */
  signals: QualitySignal[];
  /** The requested model's cache for settling the baseline; absent until the conversation has been seen. */
  requestedCache?: RequestedCache;
} & ({ draft: true } | { draft: false });

export function planDraft(input: PlanInput, deps: PlanDeps): DraftPlan {
  const { conversationId: id, rule, request, now } = input;
  // First: a hold that ends here forgets the conversation's failures before p is estimated.
  const hold = id && input.policy === 'cost_aware' ? deps.acceptance.beginRequest(id, now) : null;
  const profile = id ? deps.ledger.profile(id) : null;
  const tokensPerByte = profile && profile.tokensPerByte > 0 ? profile.tokensPerByte : DEFAULT_TOKENS_PER_BYTE;
  const size = measureRequest(request, input.body ?? input.rawBytes, tokensPerByte);
  const warm = (model: string) => (id ? (deps.ledger.warm(id, model, now)?.tokens ?? 0) : 0);
  const verifierModel = rule.verifierModel ?? request.model;
  const acceptance = deps.acceptance.estimate({ ruleId: rule.id, conversationId: id, actionClass: input.actionClass, time: now });
  const estimate =
    estimateCosts(
      {
        size,
        outputTokens: Math.min(profile?.requests ? profile.outputTokens : DEFAULT_OUTPUT_TOKENS, typeof request.max_tokens === 'number' ? request.max_tokens : Infinity),
        growthTokens: profile?.growthTokens ?? DEFAULT_GROWTH_TOKENS,
        gapMs: profile?.gapMs ?? null,
        requested: { model: request.model, warmTokens: warm(request.model) },
        draft: { model: rule.draftModel, warmTokens: warm(rule.draftModel) },
        verifier: { model: verifierModel, warmTokens: warm(verifierModel) },
        acceptance,
        horizon: id ? HORIZON_REQUESTS : 1,
      },
      deps.accounting.priceOf,
    ) ?? undefined;
  // The baseline's cache, once the conversation has been seen (before, it is not known to be cold).
  const requestedCache = profile ? { warmTokens: deps.ledger.directWarm(id as string, now)?.tokens ?? 0, ttl: size.ttl ?? '5m' } : undefined;
  const plan = { ...(estimate && { estimate }), ...(requestedCache && { requestedCache }) };

  if (input.policy === 'always') return { draft: true, signals: [], ...plan };
  if (hold && 'held' in hold) return { draft: false, signals: [holdSignal(hold.held, request.model, now)], ...plan };
  const probe: QualitySignal[] = hold ? [{ name: 'sticky_probe', penalty: 0, reason: `drafting again after a pause (${hold.resumed})` }] : [];
  if (!estimate) return { draft: true, signals: probe, ...plan };
  if (estimate.worthDrafting) {
    const exploring: QualitySignal[] =
      acceptance.outcomes === 0 ? [{ name: 'exploration', penalty: 0, reason: `no draft of this rule judged yet: drafting to learn whether its drafts are good (${acceptance.basis})` }] : [];
    return { draft: true, signals: [...probe, ...exploring], ...plan };
  }
  const caches = [request.model, rule.draftModel].map((model) => describeCache(model, id ? deps.ledger.warm(id, model, now) : null, now));
  return {
    draft: false,
    signals: [
      {
        name: 'not_worth_drafting',
        penalty: 0,
        reason:
          `drafting ≈ ${money(estimate.draft)} vs direct ≈ ${money(estimate.direct)} per request` +
          `${id ? ` over the next ${HORIZON_REQUESTS}` : ''}: ${caches.join(', ')}; acceptance: ${estimate.acceptanceBasis}`,
      },
    ],
    ...plan,
  };
}

function holdSignal(hold: Hold, requestedModel: string, now: number): QualitySignal {
  const minutes = Math.max(1, Math.ceil((hold.until - now) / 60_000));
  return {
    name: 'sticky_escalation',
    penalty: 0,
    reason: `conversation switched to ${requestedModel}: ${hold.reason}; drafting again after ${hold.remaining} more request${hold.remaining === 1 ? '' : 's'} or in ${minutes} min`,
  };
}

function describeCache(model: string, warm: { tokens: number; expiresAt: number } | null, now: number): string {
  if (!warm) return `${model} has no warm cache`;
  const tokens = warm.tokens >= 1_000 ? `${Math.round(warm.tokens / 1_000)} K` : String(warm.tokens);
  return `${model} has ${tokens} tokens cached (${Math.max(1, Math.round((warm.expiresAt - now) / 60_000))} min left)`;
}

function money(value: number): string {
  return `$${value.toFixed(4)}`;
}
