// What the proxy remembers for the economics of drafting: each conversation's prompt caches
// and sizes (CacheLedger) and recent acceptance (AcceptanceTracker). The request path asks
// planDraft() before drafting and reports every request it answered to observe(), and an
// accepted draft that later failed to laterFailed(). In memory, bounded, no prompt text. One
// conversation's part exports as JSON (economicsEntrySchema) for replicas that share it.
import { z } from 'zod';
import type { CallRecord, DecisionRecord, Usage } from '../../contracts/decision';
import type { Accounting } from '../pricing/accounting';
import { AcceptanceTracker, conversationAcceptanceSchema, type AcceptanceOptions, type Hold, type Outcome } from './acceptance';
import { CacheLedger, ledgerEntrySchema, type CacheLedgerOptions } from './cache-ledger';
import { planDraft, type DraftPlan, type PlanInput } from './plan';

/** Draft failures that say nothing about the draft model's answers: none was made, or nobody waited. */
const NOT_JUDGED = new Set(['skipped', 'client_gone']);

/** One conversation's prompt caches and sizes, and its drafts' outcomes and hold. */
export const economicsEntrySchema = z.object({
  ledger: ledgerEntrySchema.nullable(),
  acceptance: conversationAcceptanceSchema.nullable(),
});
export type EconomicsEntry = z.infer<typeof economicsEntrySchema>;

export class EconomicsState {
  readonly ledger: CacheLedger;
  readonly acceptance: AcceptanceTracker;

  constructor(
    private readonly accounting: Pick<Accounting, 'priceOf'>,
    options: { ledger?: CacheLedgerOptions; acceptance?: AcceptanceOptions } = {},
  ) {
    this.ledger = new CacheLedger(options.ledger);
    this.acceptance = new AcceptanceTracker(options.acceptance);
  }

  /** Draft this request? (See plan.ts.) */
  planDraft(input: PlanInput): DraftPlan {
    return planDraft(input, { ledger: this.ledger, acceptance: this.acceptance, accounting: this.accounting });
  }

  /**
   * A request once recorded, whatever its decision: its calls warm their models' caches, its
   * answer sizes the conversation, a judged draft's outcome counts towards acceptance.
   * `rawBytes` is the length of the body as it arrived. Returns the hold this outcome starts
   * (the conversation stops drafting for a while), for the log.
   */
  observe(record: DecisionRecord, rawBytes: number): Hold | null {
    const { conversationId, draft, verifier } = record;
    if (conversationId) {
      const calls = [draft, verifier].flatMap((call) => (call ? [{ model: call.model, usage: call.usage }] : []));
      const answered = (record.decision === 'accepted' ? draft?.usage : verifier?.usage) ?? null;
      this.ledger.observeRequest(conversationId, { time: record.time, rawBytes, calls, answered });
    }
    const outcome = outcomeOf(record);
    if (!outcome || record.ruleId === null) return null;
    return this.acceptance.record({ recordId: record.id, ruleId: record.ruleId, conversationId, actionClass: record.actionClass, outcome, time: record.time });
  }

  /** An accepted draft's tool call came back failed. Returns the hold this starts, if any. */
  laterFailed(recordId: string, conversationId: string | undefined, time: number): Hold | null {
    return this.acceptance.laterFailed(recordId, conversationId, time);
  }

  /** The conversation's part as JSON. */
  exportConversation(conversationId: string): EconomicsEntry {
    return { ledger: this.ledger.exportEntry(conversationId), acceptance: this.acceptance.exportConversation(conversationId) };
  }

  /** Replaces the conversation's part with an exported one. */
  importConversation(conversationId: string, entry: EconomicsEntry): void {
    this.ledger.importEntry(conversationId, entry.ledger);
    this.acceptance.importConversation(conversationId, entry.acceptance);
  }

  /** A call made after the request (a shadow verification) warms its model's cache too. */
  observeCall(conversationId: string, model: string, usage: Usage, time: number): void {
    this.ledger.observeCall(conversationId, model, usage, time);
  }
}

function outcomeOf(record: DecisionRecord): Outcome | null {
  if (record.decision === 'accepted') return 'accepted';
  if (record.decision === 'escalated') return 'escalated';
  // A draft that failed (timed out, broke, answered nonsense) was paid for and answered nothing.
  const { draft } = record;
  if (record.decision === 'draft_error' && draft && !NOT_JUDGED.has(record.failure?.kind ?? '') && !refusedUnbilled(draft)) return 'escalated';
  return null;
}

/**
 * The upstream turned the draft away before answering (rate limit, overload, server error) and
 * billed nothing: a passing condition of the upstream, not evidence about the draft model's answers.
 */
function refusedUnbilled(call: CallRecord): boolean {
  return (call.status === 429 || call.status >= 500) && call.usage === null;
}
