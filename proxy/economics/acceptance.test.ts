import { describe, expect, it } from 'vitest';
import { AcceptanceTracker, wilsonUpper, type Outcome } from './acceptance';

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

describe('wilsonUpper', () => {
  // (r + z²/2n + z·√(r(1 − r)/n + z²/4n²)) / (1 + z²/n), z = 1.96, z² = 3.8416
  it('is z²/(n + z²) for no success, 1 for all, and in between otherwise', () => {
    expect(wilsonUpper(0, 1, 1.96)).toBeCloseTo(3.8416 / 4.8416, 12); // 0.7935
    expect(wilsonUpper(0, 3, 1.96)).toBeCloseTo(3.8416 / 6.8416, 12); // 0.5615
    expect(wilsonUpper(1, 1, 1.96)).toBe(1);
    expect(wilsonUpper(10, 10, 1.96)).toBe(1);
    // 2 of 3: (0.6667 + 0.6403 + 1.96 × √(0.0741 + 0.1067)) / (1 + 1.2805) = 2.1403 / 2.2805
    expect(wilsonUpper(2, 3, 1.96)).toBeCloseTo(0.93851, 5);
    // 9 of 10: (0.9 + 0.1921 + 1.96 × √(0.009 + 0.0096)) / 1.3842
    expect(wilsonUpper(9, 10, 1.96)).toBeCloseTo(0.98212, 5);
    // z = 1 (the tracker's default): 0 of 1 → 1/2; 1 of 2 → (0.5 + 0.25 + √(0.125 + 0.0625)) / 1.5
    expect(wilsonUpper(0, 1, 1)).toBeCloseTo(0.5, 12);
    expect(wilsonUpper(1, 2, 1)).toBeCloseTo((0.75 + Math.sqrt(0.1875)) / 1.5, 12);
  });
});

describe('AcceptanceTracker', () => {
  it('starts optimistic (no outcome rules out that every draft is good), then bounds the rule from its first outcome', () => {
    const tracker = new AcceptanceTracker();
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 })).toEqual({ p: 1, basis: 'no outcomes yet, upper bound 1', outcomes: 0 });
    feed(tracker, ['accepted', 'accepted']);
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 10 })).toEqual({ p: 1, basis: 'rule 2 of 2, upper bound 1', outcomes: 2 });
    feed(tracker, ['escalated'], { start: T0 + 2 });
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 10 })).toEqual({ p: wilsonUpper(2, 3, 1), basis: 'rule 2 of 3, upper bound 0.86', outcomes: 3 });
    expect(tracker.estimate({ ruleId: 'other', time: T0 + 10 }).basis).toBe('no outcomes yet, upper bound 1');
  });

  it('bounds looser at a higher confidence quantile', () => {
    const tracker = new AcceptanceTracker({ z: 1.96 });
    feed(tracker, ['escalated']);
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 10 })).toEqual({ p: wilsonUpper(0, 1, 1.96), basis: 'rule 0 of 1, upper bound 0.79', outcomes: 1 });
  });

  it("uses the rule's outcomes for the action class when asked and it has some", () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted'], { actionClass: 'read' });
    feed(tracker, ['escalated'], { actionClass: 'write', start: T0 + 10 });
    expect(tracker.estimate({ ruleId: 'opus-5', actionClass: 'read', time: T0 + 20 })).toEqual({ p: 1, basis: 'rule, read drafts 3 of 3, upper bound 1', outcomes: 3 });
    expect(tracker.estimate({ ruleId: 'opus-5', actionClass: 'write', time: T0 + 20 }).basis).toBe('rule, write drafts 0 of 1, upper bound 0.5');
    // No answer drafts yet: the rule's 3 of 4.
    expect(tracker.estimate({ ruleId: 'opus-5', actionClass: 'answer', time: T0 + 20 }).basis).toBe('rule 3 of 4, upper bound 0.9');
  });

  it("puts the conversation's own outcomes first, and the rule's for a conversation without any: its first draft is the gamble", () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted', 'escalated'], { conversationId: 'c1' });
    feed(tracker, ['escalated'], { conversationId: 'c2', start: T0 + 10 });
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c2', time: T0 + 20 })).toEqual({ p: 0.5, basis: 'conversation 0 of 1, upper bound 0.5', outcomes: 1 });
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 20 }).basis).toBe('conversation 3 of 4, upper bound 0.9');
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c3', time: T0 + 20 }).basis).toBe('rule 3 of 5, upper bound 0.78');
  });

  it('keeps the last 10 outcomes of a conversation however long it pauses, and forgets it after 6 idle hours', () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['escalated', ...Array<Outcome>(10).fill('accepted')], { conversationId: 'c1' });
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 20 }).basis).toBe('conversation 10 of 10, upper bound 1');
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 5 * 60 * MIN }).basis).toBe('conversation 10 of 10, upper bound 1');
    // Another conversation seen 6 hours later: c1 is forgotten; the rule keeps its day.
    feed(tracker, ['accepted'], { conversationId: 'c2', start: T0 + 6 * 60 * MIN + 20 });
    expect(tracker.size).toBe(1);
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 6 * 60 * MIN + 30 }).basis).toBe('rule 11 of 12, upper bound 0.97');
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 31 * 60 * MIN }).basis).toBe('no outcomes yet, upper bound 1');
  });

  it("keeps a conversation's own outcomes however many requests it sends without drafting: no second gamble on it", () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted']); // the rule, elsewhere
    tracker.beginRequest('c1', T0);
    feed(tracker, ['escalated'], { conversationId: 'c1', start: T0 + 1 });
    for (let i = 0; i < 30; i++) expect(tracker.beginRequest('c1', T0 + 10 + i)).toBeNull();
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 50 }).basis).toBe('conversation 0 of 1, upper bound 0.5');
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c2', time: T0 + 50 }).basis).toBe('rule 3 of 4, upper bound 0.9');
  });

  it('turns an accepted draft into a failure when its tool call later fails, in the conversation and the rule', () => {
    const tracker = new AcceptanceTracker();
    feed(tracker, ['accepted', 'accepted', 'accepted'], { conversationId: 'c1' });
    expect(tracker.laterFailed('c1-0-1', 'c1', T0 + 5)).toBeNull();
    expect(tracker.estimate({ ruleId: 'opus-5', time: T0 + 10 }).basis).toBe('rule 2 of 3, upper bound 0.86');
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 10 }).basis).toBe('conversation 2 of 3, upper bound 0.86');
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
    // Its outcomes are forgotten: the rule's (1 of 4) speak for it again.
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'c1', time: T0 + 40 }).basis).toBe('rule 1 of 4, upper bound 0.5');
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
    expect(tracker.estimate({ ruleId: 'opus-5', conversationId: 'a', time: T0 + 3 }).basis).toBe('rule 3 of 3, upper bound 1');
  });
});
