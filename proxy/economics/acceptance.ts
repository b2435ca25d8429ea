// How often drafts have been good enough lately — accepted, escalated, or accepted and later
// failed: per conversation (the outcomes of its last 10 requests), per rule and per rule and
// action class (the last 50 outcomes of the last day). It gives the acceptance rate p the cost
// estimate uses, with where p came from. A conversation that stops drafting therefore forgets
// why after 10 requests and may try again. One whose drafts keep failing is also held: after 3
// failures in a row it does not draft for a cooldown, and the log says so. Bounded; ids, names
// and counts only.
import type { ActionClass } from '../../contracts/decision';

export type Outcome = 'accepted' | 'escalated' | 'later_failed';

interface Entry {
  recordId: string;
  outcome: Outcome;
  time: number;
  actionClass?: ActionClass;
  /** The conversation's request count when it was recorded. */
  request: number;
}

export interface Acceptance {
  /** The acceptance rate used, in [0, 1]. */
  p: number;
  /** Where it came from: "conversation 4 of 5", "rule 12 of 20", "rule, read drafts 5 of 6", "prior". */
  basis: string;
}

/** A conversation that skips drafting for a while. */
export interface Hold {
  reason: string;
  /** Requests still skipped (the current one included). */
  remaining: number;
  /** It ends then at the latest, whatever the count. */
  until: number;
}

export interface AcceptanceOptions {
  /** A first draft's chance, with no outcome to go by: no evidence either way. */
  prior?: number;
  /** A conversation's outcomes count for this many of its requests (a pause changes nothing about its drafts). */
  conversationWindow?: number;
  /** A conversation not seen for this long is forgotten. */
  conversationIdleMs?: number;
  /** Outcomes a rule (and each of its classes) keeps, and how long. */
  ruleWindow?: number;
  ruleMaxAgeMs?: number;
  /** A rule's (or class's) rate counts once it has this many outcomes. */
  minRuleOutcomes?: number;
  /** This many failures in a row hold the conversation... */
  holdAfterFailures?: number;
  /** ...for this many requests, or until this much time has passed, whichever comes first. */
  holdRequests?: number;
  holdMs?: number;
  maxConversations?: number;
}

interface ConversationEntry {
  outcomes: Entry[];
  /** Requests planned under `cost_aware` so far. */
  requests: number;
  hold: Hold | null;
  lastSeen: number;
}

const DEFAULTS: Required<AcceptanceOptions> = {
  prior: 0.5,
  conversationWindow: 10,
  conversationIdleMs: 6 * 60 * 60_000,
  ruleWindow: 50,
  ruleMaxAgeMs: 24 * 60 * 60_000,
  minRuleOutcomes: 3,
  holdAfterFailures: 3,
  holdRequests: 8,
  holdMs: 15 * 60_000,
  maxConversations: 5_000,
};

export class AcceptanceTracker {
  private readonly options: Required<AcceptanceOptions>;
  private readonly conversations = new Map<string, ConversationEntry>();
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
    const entry: Entry = { recordId: input.recordId, outcome: input.outcome, time: input.time, request: conversation?.requests ?? 0 };
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
   * p for the next draft: the conversation's recent outcomes when it has any, pulled towards the
   * rule's rate (for the action class when given and known) by one pseudo-outcome; else the
   * rule's own rate; else the prior.
   */
  estimate(input: { ruleId: string; conversationId?: string; actionClass?: ActionClass; time: number }): Acceptance {
    const parent = this.ruleRate(input.ruleId, input.actionClass, input.time);
    const conversation = input.conversationId ? this.conversations.get(input.conversationId) : undefined;
    const outcomes = conversation ? this.current(conversation) : [];
    if (!outcomes.length) return parent;
    const accepted = count(outcomes);
    return { p: (accepted + parent.p) / (outcomes.length + 1), basis: `conversation ${accepted} of ${outcomes.length}` };
  }

  /**
   * A request of the conversation is being planned (under `cost_aware`): it counts towards the
   * conversation's window, and the answer says whether the conversation is held at it (`held`,
   * counting the request against the hold) or its hold just ended (`resumed`, with the reason it
   * had). When a hold ends the conversation forgets its outcomes: its next draft is a probe,
   * judged by the rule's rate again.
   */
  beginRequest(conversationId: string, time: number): { held: Hold } | { resumed: string } | null {
    const conversation = this.touch(conversationId, time);
    conversation.requests += 1;
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

  private ruleRate(ruleId: string, actionClass: ActionClass | undefined, time: number): Acceptance {
    const { minRuleOutcomes, ruleMaxAgeMs, prior } = this.options;
    const byClass = actionClass ? this.fresh(this.rules.get(this.ruleKey(ruleId, actionClass)), ruleMaxAgeMs, time) : [];
    const [outcomes, label] =
      byClass.length >= minRuleOutcomes ? [byClass, `rule, ${actionClass} drafts`] : [this.fresh(this.rules.get(this.ruleKey(ruleId)), ruleMaxAgeMs, time), 'rule'];
    if (outcomes.length < minRuleOutcomes) return { p: prior, basis: 'prior' };
    const accepted = count(outcomes);
    return { p: (accepted + prior) / (outcomes.length + 1), basis: `${label} ${accepted} of ${outcomes.length}` };
  }

  private maybeHold(conversation: ConversationEntry, time: number): Hold | null {
    const { holdAfterFailures, holdRequests, holdMs } = this.options;
    const recent = this.current(conversation).slice(-holdAfterFailures);
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

  /** The conversation's outcomes of its last `conversationWindow` requests. */
  private current(conversation: ConversationEntry): Entry[] {
    return conversation.outcomes.filter((e) => e.request > conversation.requests - this.options.conversationWindow);
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

  private touch(id: string, time: number): ConversationEntry {
    let conversation = this.conversations.get(id);
    if (conversation) this.conversations.delete(id);
    else conversation = { outcomes: [], requests: 0, hold: null, lastSeen: time };
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

function count(entries: Entry[]): number {
  return entries.reduce((n, e) => n + (e.outcome === 'accepted' ? 1 : 0), 0);
}
