import { describe, expect, it } from 'vitest';
import { AcceptanceTracker, type Outcome } from './acceptance';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

function feed(tracker: AcceptanceTracker, outcomes: Outcome[], options: { conversationId?: string; ruleId?: string; start?: number; actionClass?: 'read' | 'write' | 'answer' } = {}) {
  outcomes.forEach((outcome, i) =>
    tracker.record({
      recordId: `${options.conversationId ?? 'x'}-${options.start ?? 0}-${i}`,
      ruleId: options.ruleId ?? 'opus-5',
      conversationId: options.conversationId,
      actionClass: options.actionClass,
      outcome,
      time: (options.start ?? T0) + i,
    }),
  );
}

describe('AcceptanceTracker', () => {
  it('starts from the prior, then the rule once it has 3 outcomes, pulled towards the prior by one', () => {
    const tracker = new AcceptanceTracker();
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 })).toEqual({ p: 0.5, basis: 'prior' });
    feed(tracker, ['accepted', 'accepted']);
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 10 }).basis).toBe('prior');
    feed(tracker, ['escalated'], { start: T0 + 2 });
    // (2 + 0.5) / (3 + 1)
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 10 })).toEqual({ p: 0.625, basis: 'rule 2 of 3' });
    expect(tracker.estimate({ ruleId: 'other', time: T0 + 10 }).basis).toBe('prior');
  });

  it("uses the rule's rate for the action class when asked and known", () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted'], { actionClass: 'read' });
    feed(tracker, ['escalated', 'escalated'], { actionClass: 'write', start: T0 + 10 });
    // read: (3 + 0.5) / 4; write has 2 outcomes, too few: the rule's 3 of 5 → (3 + 0.5) / 6.
    expect(tracker.estimate({ ruleId: 'opus-5', actionClass: 'read', time: T0 + 20 })).toEqual({ p: 0.875, basis: 'rule, read drafts 3 of 3' });
    expect(tracker.estimate({ ruleId: 'opus-5', actionClass: 'write', time: T0 + 20 })).toEqual({ p: 3.5 / 6, basis: 'rule 3 of 5' });
  });

  it("puts the conversation's own outcomes first, with the rule's rate as one more outcome", () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted', 'escalated'], { conversationId: 'c1' }); // rule: (3 + 0.5) / 5 = 0.7
    feed(tracker, ['escalated'], { conversationId: 'c2', start: T0 + 10 });
    // c2: (0 + rule (3 + 0.5) / 6) / 2
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c2', time: T0 + 20 })).toEqual({ p: 3.5 / 12, basis: 'conversation 0 of 1' });
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 20 })).toEqual({ p: (3 + 3.5 / 6) / 5, basis: 'conversation 3 of 4' });
    // A conversation with no outcome yet takes the rule's rate: its first draft is the gamble.
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c3', time: T0 + 20 })).toEqual({ p: 3.5 / 6, basis: 'rule 3 of 5' });
  });

  it('keeps the last 10 outcomes of a conversation however long it pauses, and forgets it after 6 idle hours', () => {
    const tracker = new AcceptanceTracker({ prior: 0 });
    feed(tracker, ['escalated', ...Array<Outcome>(10).fill('accepted')], { conversationId: 'c1' });
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 20 }).basis).toBe('conversation 10 of 10');
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 5 * 60 * MIN }).basis).toBe('conversation 10 of 10');
    // Another conversation seen 6 hours later: c1 is forgotten; the rule keeps its day.
    feed(tracker, ['accepted'], { conversationId: 'c2', start: T0 + 6 * 60 * MIN + 20 });
    expect(tracker.size).toBe(1);
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 6 * 60 * MIN + 30 }).basis).toBe('rule 11 of 12');
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 24 * 60 * MIN + 10 }).basis).toBe('prior');
  });

  it("forgets a conversation's outcomes once 10 more of its requests went by without them (it may try again)", () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted']); // the rule, elsewhere: (3 + 0.5) / 4
    tracker.beginRequest('c1', T0);
    feed(tracker, ['escalated'], { conversationId: 'c1', start: T0 + 1 });
    for (let i = 0; i < 9; i++) tracker.beginRequest('c1', T0 + 10 + i);
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 20 }).basis).toBe('conversation 0 of 1');
    tracker.beginRequest('c1', T0 + 30);
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 31 })).toEqual({ p: 3.5 / 5, basis: 'rule 3 of 4' });
  });

  it('turns an accepted draft into a failure when its tool call later fails, in the conversation and the rule', () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted'], { conversationId: 'c1' });
    expect(tracker.laterFailed('c1-0-1', 'c1', T0 + 5)).toBeNull();
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 10 }).basis).toBe('rule 2 of 3');
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 10 }).basis).toBe('conversation 2 of 3');
  });

  it('holds a conversation after 3 failures in a row for 8 requests, then forgets them and may probe again', () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'escalated', 'escalated'], { conversationId: 'c1' });
    expect(tracker.beginRequest('c1', T0 + 5)).toBeNull();
    const hold = tracker.record({ recordId: 'r4', ruleId: 'opus-5', conversationId: 'c1', outcome: 'escalated', time: T0 + 10 });
    expect(hold).toEqual({ reason: 'its last 3 drafts were escalated', remaining: 8, until: T0 + 10 + 15 * MIN });
    for (let i = 0; i < 8; i++) expect(tracker.beginRequest('c1', T0 + 20 + i)).toEqual({ held: { ...hold, remaining: 8 - i } });
    expect(tracker.beginRequest('c1', T0 + 30)).toEqual({ resumed: 'its last 3 drafts were escalated' });
    expect(tracker.beginRequest('c1', T0 + 31)).toBeNull();
    // Its outcomes are forgotten: the rule's rate (1 of 4) speaks for it again.
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 40 }).basis).toBe('rule 1 of 4');
  });

  it('ends a hold after 15 minutes whatever the count, and says when failures were later failures', () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'escalated', 'escalated'], { conversationId: 'c1' });
    expect(tracker.laterFailed('c1-0-0', 'c1', T0 + 5)?.reason).toBe('its last 3 drafts were escalated or later failed');
    expect(tracker.beginRequest('c1', T0 + 6)).toMatchObject({ held: { remaining: 8 } });
    expect(tracker.beginRequest('c1', T0 + 5 + 15 * MIN)).toEqual({ resumed: 'its last 3 drafts were escalated or later failed' });
  });

  it('forgets the least recently seen conversations beyond its bound', () => {
    const tracker = new AcceptanceTracker({ maxConversations: 2 });
    feed(tracker, ['accepted'], { conversationId: 'a' });
    feed(tracker, ['accepted'], { conversationId: 'b', start: T0 + 1 });
    feed(tracker, ['accepted'], { conversationId: 'c', start: T0 + 2 });
    expect(tracker.size).toBe(2);
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'a', time: T0 + 3 }).basis).toBe('rule 3 of 3');
  });
});
