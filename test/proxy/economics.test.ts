// The economics end to end: synthetic Claude Code sessions (simulator/sessions.ts) through the
// real proxy, the simulator caching prompt prefixes as the API does, the official SDK as the
// client, the clock moved (Date only) instead of waiting for caches to expire. Checks the
// decisions (a first draft as a gamble at the optimistic bound, skips with both estimates and the reason in the log, a
// conversation switched after its drafts kept failing), the honest baseline, and that every
// dollar in /stats and in each conversation's records is the simulator's own usage at list prices.
import { readFileSync } from 'node:fs';
import type Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import { createAccounting } from '../../proxy/pricing/accounting';
import type { MessagesRequest } from '../../proxy/wire';
import { planTurns, Session, type SessionBase } from '../../simulator/sessions';
import { startHarness, type Harness } from './harness';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/claude-code/request-2.1.332.json', import.meta.url), 'utf8')) as SessionBase;
const prices = createAccounting(() => ({}));
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const SONNET = 'claude-sonnet-5-5';
const HAIKU = 'claude-haiku-5-5';
const OPUS = 'claude-opus-5-5';
/** Every class accepted unverified: a good draft here is an accepted one. */
const acceptAll = { read: true, write: true, answer: true };

let h: Harness;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: T0 });
  h = await startHarness({ draftPolicy: 'cost_aware' });
  await h.ctx.control.updateSettings({ grounding: false });
  return async () => {
    await h.close();
    vi.useRealTimers();
  };
});
afterEach(() => vi.useRealTimers());

function session(id: string, model: string, rule: CascadeRule, goodRate: number, turns: number): Session {
  const plan = planTurns({ turns, goodRate, gapMs: () => 20_000, seed: id.length });
  return new Session(fixture, { id, model, draftModel: rule.draftModel, ttl: '1h', prefixTokens: 30_000, turns: plan, seed: 7 });
}

/** A client that asks for no prompt caching: the same request without its breakpoints. */
function withoutCaching(body: MessagesRequest): MessagesRequest {
  const strip = <T>(value: T): T => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'cache_control' ? undefined : v))) as T;
  return { ...body, system: strip(body.system), messages: strip(body.messages) };
}

/** Plays the session's turns, moving the clock by each turn's gap first. */
async function play(s: Session, count = Number.POSITIVE_INFINITY, adapt = (body: MessagesRequest) => body): Promise<void> {
  for (let i = 0; i < count && !s.done; i++) {
    vi.setSystemTime(Date.now() + s.plan.gapMs);
    // Streamed, as Claude Code asks.
    const body = adapt(s.request()) as unknown as Anthropic.MessageCreateParamsStreaming;
    const message = await h.client.messages.stream(body).finalMessage();
    s.answered(message.content as never);
  }
}

async function useRule(rule: CascadeRule): Promise<void> {
  await h.ctx.control.saveRules([rule]);
}

/** What the simulator billed for a conversation, at list prices, from its own usage records. */
function simulatorCost(sessionId: string): number {
  return h.sim.requests
    .filter((r) => r.usage && r.body && String((r.body.metadata as { user_id?: string } | undefined)?.user_id).includes(sessionId))
    .reduce((sum, r) => sum + (prices.callCost(r.body!.model, r.usage!) ?? Number.NaN), 0);
}

async function conversation(sessionId: string): Promise<DecisionRecord[]> {
  return (await h.ctx.control.getDecisions({ conversationId: `s:${sessionId}` })).reverse();
}

const opusRule: CascadeRule = { id: 'opus-5', match: 'claude-opus-5*', draftModel: SONNET, verifierModel: null, threshold: 0.75, enabled: true, acceptUnverified: acceptAll };
const sonnetRule: CascadeRule = { id: 'sonnet-5', match: 'claude-sonnet-5*', draftModel: HAIKU, verifierModel: null, threshold: 0.7, enabled: true, acceptUnverified: acceptAll };

describe('drafting where it pays', () => {
  it("gambles on a conversation's first draft, then skips drafts that would not pay, with both estimates and the reason", async () => {
    // Sonnet drafting for Opus at half the price: one escalated draft bounds acceptance at 0.5, below break-even.
    await useRule(opusRule);
    const s = session('bad-1', OPUS, opusRule, 0, 5);
    await play(s);
    const records = await h.decisions(5);
    expect(records[0]).toMatchObject({
      decision: 'escalated',
      estimate: { acceptance: 1, acceptanceBasis: 'no outcomes yet, upper bound 1' },
      signals: expect.arrayContaining([expect.objectContaining({ name: 'exploration', penalty: 0 })]),
    });
    for (const record of records.slice(1)) {
      expect(record.decision).toBe('not_worth_drafting');
      expect(record.estimate!.draft).toBeGreaterThan(0.9 * record.estimate!.direct);
      expect(record.signals).toEqual([expect.objectContaining({ name: 'not_worth_drafting', reason: expect.stringContaining(`${OPUS} has`) })]);
      expect(record.estimate?.acceptanceBasis).toBe('conversation 0 of 1, upper bound 0.5');
      // Nothing saved, nothing lost: the one call is cost and baseline alike.
      expect(record.savings).toBe(0);
      expect(record.draft).toBeUndefined();
    }
    expect(h.logs.filter((line) => line.includes('drafting ≈'))).toHaveLength(4);
    // After the first turn Opus reads its prefix from the cache, as the simulator reports it.
    expect(h.sim.messagesFor(OPUS).slice(1).every((r) => (r.usage?.cache_read_input_tokens ?? 0) > 25_000)).toBe(true);
    const stats = await h.ctx.control.getStats();
    expect(stats.allTime.notWorthDrafting).toBe(4);
    expect(Math.abs(stats.allTime.cost - simulatorCost('bad-1'))).toBeLessThan(0.005);
    expect(Math.abs(records.reduce((sum, r) => sum + (r.cost ?? Number.NaN), 0) - simulatorCost('bad-1'))).toBeLessThan(0.005);
  });

  it("keeps drafting a conversation whose drafts are accepted, and prices the baseline with the requested model's cache", async () => {
    await useRule(sonnetRule);
    const s = session('good-1', SONNET, sonnetRule, 1, 4);
    await play(s);
    const records = await h.decisions(4);
    expect(records.map((r) => r.decision)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(records.map((r) => r.estimate?.acceptanceBasis)).toEqual(['no outcomes yet, upper bound 1', 'conversation 1 of 1, upper bound 1', 'conversation 2 of 2, upper bound 1', 'conversation 3 of 3, upper bound 1']);
    // Haiku's cache is warm from the second turn on: it reads the prefix it wrote.
    const drafts = h.sim.messagesFor(HAIKU).map((r) => r.usage!);
    expect(drafts.slice(1).every((u) => (u.cache_read_input_tokens ?? 0) > 25_000)).toBe(true);
    // Turn 3's baseline: Sonnet, had it answered every turn, would read what turn 2 cached and
    // write the rest for an hour. Sonnet 5.5: $2 input, $10 output, $4 1-hour write, $0.10 read.
    const [previous, current] = [drafts[1], drafts[2]];
    const warm = previous.cache_read_input_tokens! + previous.cache_creation_input_tokens!;
    const cacheable = current.cache_read_input_tokens! + current.cache_creation_input_tokens!;
    const expected = (current.input_tokens * 2 + current.output_tokens * 10 + warm * 0.1 + (cacheable - warm) * 4) / 1e6;
    expect(records[2].baselineCost).toBeCloseTo(expected, 9);
    // Far below pricing Haiku's cache writes as Sonnet's: the draft wrote only the turn's new tokens.
    expect(records[2].savings).toBeGreaterThan(0);
    const spent = (await conversation('good-1')).reduce((sum, r) => sum + (r.cost ?? Number.NaN), 0);
    expect(Math.abs(spent - simulatorCost('good-1'))).toBeLessThan(0.005);
  });

  it('sees caches expire across a pause: both models write the prefix again', async () => {
    await useRule(sonnetRule);
    const s = session('pause-1', SONNET, sonnetRule, 1, 4);
    await play(s, 2);
    vi.setSystemTime(Date.now() + 61 * 60_000);
    await play(s, 1);
    const records = await h.decisions(3);
    expect(records.map((r) => r.decision)).toEqual(['accepted', 'accepted', 'accepted']);
    const [, warmTurn, afterPause] = h.sim.messagesFor(HAIKU).map((r) => r.usage!);
    expect(warmTurn.cache_read_input_tokens).toBeGreaterThan(25_000);
    expect(afterPause).toMatchObject({ cache_read_input_tokens: 0, cache_creation: { ephemeral_1h_input_tokens: expect.any(Number) } });
    expect(afterPause.cache_creation_input_tokens).toBeGreaterThan(25_000);
    // The baseline knows Sonnet's cache would have expired too: it prices the whole prefix as written.
    const cacheable = afterPause.cache_creation_input_tokens!;
    expect(records[2].baselineCost).toBeCloseTo((afterPause.input_tokens * 2 + afterPause.output_tokens * 10 + cacheable * 4) / 1e6, 9);
  });

  it('switches a conversation to the requested model after three escalations in a row, and says when and why', async () => {
    // Haiku drafting for Opus, for a client that caches nothing: a draft costs a fortieth of an
    // answer, so even after two bad drafts the estimate still says try (upper bounds 1, 0.5, 0.33).
    const rule: CascadeRule = { id: 'opus-haiku', match: 'claude-opus-5*', draftModel: HAIKU, verifierModel: null, threshold: 0.75, enabled: true, acceptUnverified: acceptAll };
    await useRule(rule);
    const s = session('sticky-1', OPUS, rule, 0, 5);
    await play(s, 5, withoutCaching);
    const records = await h.decisions(5);
    expect(records.slice(0, 3).map((r) => r.decision)).toEqual(['escalated', 'escalated', 'escalated']);
    const switched = `conversation switched to ${OPUS}: its last 3 drafts were escalated; drafting again after 8 more requests or in 15 min`;
    expect(records[3]).toMatchObject({ decision: 'not_worth_drafting', signals: [{ name: 'sticky_escalation', penalty: 0, reason: switched }] });
    expect(records[4].signals[0].reason).toContain('after 7 more requests');
    expect(h.logs.some((line) => line.includes(switched))).toBe(true);
    const spent = (await conversation('sticky-1')).reduce((sum, r) => sum + (r.cost ?? Number.NaN), 0);
    expect(Math.abs(spent - simulatorCost('sticky-1'))).toBeLessThan(0.005);
  });
});
