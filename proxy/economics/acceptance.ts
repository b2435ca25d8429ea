// How often drafts have been good enough lately — accepted, escalated, or accepted and later
// failed: per conversation (its last 10 outcomes), per rule and per rule and action class (the
// last 50 outcomes of the last day). It gives the acceptance rate p the cost estimate uses, with
// where p came from. p is optimistic under uncertainty: the upper end of a Wilson interval over
// the outcomes, so that an unproven conversation or rule drafts (the gamble: nothing is learned
// from drafts never made), keeps drafting while its evidence could still make drafting pay, and
// stops once the bound falls below break-even. A conversation's own outcomes decide for it
// however many requests it then sends without drafting: its drafts were judged, the rule's say
// less about it, and each new gamble on it costs a cold draft cache. One whose drafts keep
// failing is also held: after 3 failures in a row it does not draft for a cooldown, then it
// forgets them and probes again; the log says so. Bounded; ids, names and counts only. A
// conversation's part exports as JSON (conversationAcceptanceSchema) for replicas that share
// conversation state; the rules' outcomes stay with each replica.
import { z } from 'zod';
import { actionClassSchema, type ActionClass } from '../../contracts/decision';

const outcomeSchema = z.enum(['accepted', 'escalated', 'later_failed']);
export type Outcome = z.infer<typeof outcomeSchema>;

const entrySchema = z.object({
  recordId: z.string().max(200),
  outcome: outcomeSchema,
  time: z.number(),
  actionClass: actionClassSchema.optional(),
});
type Entry = z.infer<typeof entrySchema>;

export interface Acceptance {
  /** The acceptance rate used (the upper bound), in [0, 1]. */
  p: number;
  /** Where it came from: "conversation 4 of 5, upper bound 0.97", "rule, read drafts 5 of 6, upper bound 0.98", "no outcomes yet, upper bound 1". */
  basis: string;
  /** Outcomes behind it: 0 when the draft is a pure exploration. */
  outcomes: number;
}

/** A conversation that skips drafting for a while. */
const holdSchema = z.object({
  reason: z.string().max(2_000),
  /** Requests still skipped (the current one included). */
  remaining: z.number().int(),
  /** It ends then at the latest, whatever the count. */
  until: z.number(),
});
export type Hold = z.infer<typeof holdSchema>;

/** One conversation's outcomes and hold as JSON. */
export const conversationAcceptanceSchema = z.object({
  outcomes: z.array(entrySchema).max(1_000),
  hold: holdSchema.nullable(),
  lastSeen: z.number(),
});
export type ConversationAcceptance = z.infer<typeof conversationAcceptanceSchema>;

export interface AcceptanceOptions {
  /**
   * Normal quantile of the one-sided upper bound: 1 (84 %). Each draft on a conversation whose
   * drafts are bad costs the draft model's cold cache (for a 30 K prefix about as much as 4 turns
   * of the requested model), so exploration must stop after the first bad one: one escalated
   * draft bounds a conversation at 0.5, and 1 accepted of 2 at 0.79, both below the ≈ 0.92+ a
   * draft model at half the price needs; 1.96 (97.5 %) left those at 0.79 and 0.91, close enough
   * to break-even that cache-state swings let a bad conversation draft again (bench/sessions.bench.ts,
   * Opus 5.5 → Sonnet 5.5 with half the sessions bad: 1.08× of always-requested at 1.96, 1.05× at 1).
   * All accepted stays at 1 whatever z.
   */
  z?: number;
  /** A conversation's last this many outcomes count (a pause changes nothing about its drafts). */
  conversationWindow?: number;
  /** A conversation not seen for this long is forgotten. */
  conversationIdleMs?: number;
  /** Outcomes a rule (and each of its classes) keeps, and how long. */
  ruleWindow?: number;
  ruleMaxAgeMs?: number;
  /** This many failures in a row hold the conversation... */
  holdAfterFailures?: number;
  /** ...for this many requests, or until this much time has passed, whichever comes first. */
  holdRequests?: number;
  holdMs?: number;
  maxConversations?: number;
}

const DEFAULTS: Required<AcceptanceOptions> = {
  z: 1,
  conversationWindow: 10,
  conversationIdleMs: 6 * 60 * 60_000,
  ruleWindow: 50,
  ruleMaxAgeMs: 24 * 60 * 60_000,
  holdAfterFailures: 3,
  holdRequests: 8,
  holdMs: 15 * 60_000,
  maxConversations: 5_000,
};

export class AcceptanceTracker {
  private readonly options: Required<AcceptanceOptions>;
  private readonly conversations = new Map<string, ConversationAcceptance>();
  private readonly rules = new Map<string, Entry[]>();

  constructor(options: AcceptanceOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  get size(): number {
    return this.conversations.size;
  }

  /**
   * A judged draft's outcome. Returns the hold it starts, when this outcome completes a run of
   * failures in the conversation.
   */
  record(input: { recordId: string; ruleId: string; conversationId?: string; actionClass?: ActionClass; outcome: Outcome; time: number }): Hold | null {
    const conversation = input.conversationId ? this.touch(input.conversationId, input.time) : null;
    const entry: Entry = { recordId: input.recordId, outcome: input.outcome, time: input.time };
    if (input.actionClass) entry.actionClass = input.actionClass;
    this.push(this.ruleKey(input.ruleId), entry, this.options.ruleWindow);
    if (input.actionClass) this.push(this.ruleKey(input.ruleId, input.actionClass), entry, this.options.ruleWindow);
    if (!conversation) return null;
    conversation.outcomes.push(entry);
    if (conversation.outcomes.length > this.options.conversationWindow) conversation.outcomes.shift();
    return this.maybeHold(conversation, input.time);
  }

  /**
   * An accepted draft's tool call came back failed: its outcome becomes `later_failed` wherever
   * it is still kept. Returns the hold it starts, if any.
   */
  laterFailed(recordId: string, conversationId: string | undefined, time: number): Hold | null {
    for (const entries of this.rules.values()) {
      for (const entry of entries) if (entry.recordId === recordId) entry.outcome = 'later_failed';
    }
    const conversation = conversationId ? this.conversations.get(conversationId) : undefined;
    const entry = conversation?.outcomes.find((e) => e.recordId === recordId);
    if (!conversation || !entry) return null;
    entry.outcome = 'later_failed';
    return this.maybeHold(conversation, time);
  }

  /**
   * p for the next draft: the upper bound over the conversation's last outcomes when it has
   * any; else over the rule's of the last day (its drafts of the action class when given and it
   * has some); else 1, as nothing rules out that every draft is good.
   */
  estimate(input: { ruleId: string; conversationId?: string; actionClass?: ActionClass; time: number }): Acceptance {
    const conversation = input.conversationId ? this.conversations.get(input.conversationId) : undefined;
    if (conversation?.outcomes.length) return this.bound(conversation.outcomes, 'conversation');
    const { ruleMaxAgeMs } = this.options;
    const byClass = input.actionClass ? this.fresh(this.rules.get(this.ruleKey(input.ruleId, input.actionClass)), ruleMaxAgeMs, input.time) : [];
    if (byClass.length) return this.bound(byClass, `rule, ${input.actionClass} drafts`);
    const byRule = this.fresh(this.rules.get(this.ruleKey(input.ruleId)), ruleMaxAgeMs, input.time);
    if (byRule.length) return this.bound(byRule, 'rule');
    return { p: 1, basis: 'no outcomes yet, upper bound 1', outcomes: 0 };
  }

  /**
   * A request of the conversation is being planned (under `cost_aware`): the answer says whether
   * the conversation is held at it (`held`, counting the request against the hold) or its hold
   * just ended (`resumed`, with the reason it had). When a hold ends the conversation forgets its
   * outcomes: its next draft is a probe, judged by the rule's outcomes again.
   */
  beginRequest(conversationId: string, time: number): { held: Hold } | { resumed: string } | null {
    const conversation = this.touch(conversationId, time);
    const hold = conversation.hold;
    if (!hold) return null;
    if (hold.remaining <= 0 || time >= hold.until) {
      conversation.hold = null;
      conversation.outcomes = [];
      return { resumed: hold.reason };
    }
    const held = { ...hold };
    hold.remaining -= 1;
    return { held };
  }

  /** The conversation's outcomes and hold as JSON; null when it has none. */
  exportConversation(conversationId: string): ConversationAcceptance | null {
    const conversation = this.conversations.get(conversationId);
    return conversation ? structuredClone(conversation) : null;
  }

  /** Replaces the conversation's outcomes and hold with exported ones (null: forgets them). */
  importConversation(conversationId: string, exported: ConversationAcceptance | null): void {
    this.conversations.delete(conversationId);
    if (!exported) return;
    const copy = structuredClone(exported);
    copy.outcomes = copy.outcomes.slice(-this.options.conversationWindow);
    this.conversations.set(conversationId, copy);
    while (this.conversations.size > this.options.maxConversations) this.conversations.delete(this.conversations.keys().next().value as string);
  }

  private bound(entries: Entry[], label: string): Acceptance {
    const accepted = count(entries);
    const p = wilsonUpper(accepted, entries.length, this.options.z);
    return { p, basis: `${label} ${accepted} of ${entries.length}, upper bound ${Number(p.toFixed(2))}`, outcomes: entries.length };
  }

  private maybeHold(conversation: ConversationAcceptance, time: number): Hold | null {
    const { holdAfterFailures, holdRequests, holdMs } = this.options;
    const recent = conversation.outcomes.slice(-holdAfterFailures);
    if (conversation.hold || recent.length < holdAfterFailures || recent.some((e) => e.outcome === 'accepted')) return null;
    const failed = recent.filter((e) => e.outcome === 'later_failed').length;
    const what = failed === 0 ? 'escalated' : failed === recent.length ? 'later failed' : 'escalated or later failed';
    conversation.hold = {
      reason: `its last ${holdAfterFailures} drafts were ${what}`,
      remaining: holdRequests,
      until: time + holdMs,
    };
    return { ...conversation.hold };
  }

  private fresh(entries: Entry[] | undefined, maxAgeMs: number, time: number): Entry[] {
    return entries ? entries.filter((e) => time - e.time < maxAgeMs) : [];
  }

  private ruleKey(ruleId: string, actionClass?: ActionClass): string {
    return `${ruleId}\u0000${actionClass ?? ''}`;
  }

  private push(key: string, entry: Entry, window: number): void {
    const entries = this.rules.get(key) ?? [];
    entries.push(entry);
    if (entries.length > window) entries.shift();
    this.rules.set(key, entries);
  }

  private touch(id: string, time: number): ConversationAcceptance {
    let conversation = this.conversations.get(id);
    if (conversation) this.conversations.delete(id);
    else conversation = { outcomes: [], hold: null, lastSeen: time };
    conversation.lastSeen = time;
    this.conversations.set(id, conversation);
    for (const [oldId, old] of this.conversations) {
      const idle = time - old.lastSeen >= this.options.conversationIdleMs && !old.hold;
      if (this.conversations.size <= this.options.maxConversations && !idle) break;
      if (oldId !== id) this.conversations.delete(oldId);
    }
    return conversation;
  }
}

/** The upper end of the Wilson score interval for `successes` of `n` (n > 0) at quantile z. */
export function wilsonUpper(successes: number, n: number, z: number): number {
  const rate = successes / n;
  const z2 = z * z;
  const centre = rate + z2 / (2 * n);
  const spread = z * Math.sqrt((rate * (1 - rate)) / n + z2 / (4 * n * n));
  return Math.min(1, (centre + spread) / (1 + z2 / n));
}

function count(entries: Entry[]): number {
  return entries.reduce((n, e) => n + (e.outcome === 'accepted' ? 1 : 0), 0);
}
