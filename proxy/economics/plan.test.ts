import { describe, expect, it } from 'vitest';
import type { CallRecord, DecisionRecord, Usage } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import { createAccounting } from '../pricing/accounting';
import { RequestBody } from '../request/request-body';
import type { MessagesRequest } from '../wire';
import { EconomicsState } from './state';

const accounting = createAccounting(() => ({}));
const T0 = 1_700_000_000_000;
const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const HAIKU = 'claude-haiku-5-5';
const opusRule: CascadeRule = { id: 'opus-5', match: 'claude-opus-5*', draftModel: SONNET, verifierModel: null, threshold: 0.75, enabled: true };
const sonnetRule: CascadeRule = { id: 'sonnet-5', match: 'claude-sonnet-5*', draftModel: HAIKU, verifierModel: null, threshold: 0.7, enabled: true };

/** A Claude Code-shaped request: a 120,000-character system prompt cached for an hour, then `turns` turns. */
function request(model: string, turns: number): { request: MessagesRequest; rawBytes: number } {
  const messages: MessagesRequest['messages'] = [];
  for (let i = 0; i < turns; i++) {
    if (i > 0) messages.push({ role: 'assistant', content: [{ type: 'text', text: `answer ${i} `.repeat(50) }] });
    messages.push({ role: 'user', content: [{ type: 'text', text: `question ${i} `.repeat(200) }] });
  }
  const last = messages.at(-1)?.content as Array<Record<string, unknown>>;
  last[0] = { ...last[0], cache_control: { type: 'ephemeral', ttl: '1h' } };
  const body: MessagesRequest = {
    model,
    max_tokens: 32_000,
    system: [{ type: 'text', text: 'x'.repeat(120_000), cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages,
  };
  return { request: body, rawBytes: Buffer.byteLength(JSON.stringify(body)) };
}

function call(model: string, usage: Usage): CallRecord {
  return { model, status: 200, usage, cost: accounting.callCost(model, usage), latencyMs: 1 };
}

/** A record as the request path makes it, with only the fields the economics read set meaningfully. */
function record(fields: Partial<DecisionRecord> & Pick<DecisionRecord, 'decision' | 'time'>): DecisionRecord {
  return {
    id: `r${fields.time}`,
    requestedModel: OPUS,
    answeringModel: OPUS,
    ruleId: 'opus-5',
    stream: true,
    confidence: null,
    threshold: null,
    signals: [],
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    cost: null,
    baselineCost: null,
    savings: null,
    latencyMs: 1,
    ttfbMs: 1,
    status: 200,
    conversationId: 'c1',
    ...fields,
  };
}

const cold = (tokens: number): Usage => ({
  input_tokens: 20,
  output_tokens: 400,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: tokens,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: tokens },
});

describe('planDraft', () => {
  it("drafts a conversation's first request with no outcome to go by, at the optimistic bound, and notes the exploration: the gamble", () => {
    const economics = new EconomicsState(accounting);
    const plan = economics.planDraft({ conversationId: 'c1', rule: sonnetRule, ...request(SONNET, 1), now: T0, policy: 'cost_aware' });
    expect(plan).toMatchObject({
      draft: true,
      signals: [{ name: 'exploration', penalty: 0, reason: 'no draft of this rule judged yet: drafting to learn whether its drafts are good (no outcomes yet, upper bound 1)' }],
      estimate: { acceptance: 1, acceptanceBasis: 'no outcomes yet, upper bound 1', worthDrafting: true },
    });
    expect(plan.estimate!.draft).toBeLessThan(plan.estimate!.direct * 0.9);
    // A conversation not seen before: the requested model's cache is unknown, not cold.
    expect(plan.requestedCache).toBeUndefined();
  });

  it("does not draft with a model half the price once the rule's outcomes bound acceptance below break-even, and says why", () => {
    const economics = new EconomicsState(accounting);
    const first = request(OPUS, 1);
    const prompt = Math.round(first.rawBytes * 0.25);
    // At the optimistic bound 1 drafting would pay even against Opus's warm cache: one escalation elsewhere bounds it at 0.5.
    economics.observe(record({ decision: 'escalated', time: T0, conversationId: 'elsewhere' }), first.rawBytes);
    // The first turn went straight to Opus (no rule then): its cache holds the prefix for an hour.
    economics.observe(record({ decision: 'passthrough', time: T0, ruleId: null, verifier: call(OPUS, cold(prompt)) }), first.rawBytes);
    const plan = economics.planDraft({ conversationId: 'c1', rule: opusRule, ...request(OPUS, 2), now: T0 + 60_000, policy: 'cost_aware' });
    expect(plan.draft).toBe(false);
    expect(plan.estimate!.draft).toBeGreaterThan(plan.estimate!.direct);
    expect(plan.signals).toEqual([
      {
        name: 'not_worth_drafting',
        penalty: 0,
        reason: expect.stringMatching(
          new RegExp(
            `^drafting ≈ \\$\\d\\.\\d{4} vs direct ≈ \\$\\d\\.\\d{4} per request over the next 20: ${OPUS} has ${Math.round(prompt / 1000)} K tokens cached \\(59 min left\\), ${SONNET} has no warm cache; acceptance: rule 0 of 1, upper bound 0.5$`,
          ),
        ),
      },
    ]);
    // The baseline's cache: what Opus holds for the conversation.
    expect(plan.requestedCache).toEqual({ warmTokens: prompt, ttl: '1h' });
  });

  it('drafts whenever a rule matches under the `always` policy, still with its estimate', () => {
    const economics = new EconomicsState(accounting);
    const first = request(OPUS, 1);
    economics.observe(record({ decision: 'escalated', time: T0, conversationId: 'elsewhere' }), first.rawBytes);
    economics.observe(record({ decision: 'passthrough', time: T0, ruleId: null, verifier: call(OPUS, cold(30_000)) }), first.rawBytes);
    const plan = economics.planDraft({ conversationId: 'c1', rule: opusRule, ...request(OPUS, 2), now: T0 + 60_000, policy: 'always' });
    expect(plan).toMatchObject({ draft: true, signals: [], estimate: { worthDrafting: false } });
  });

  it('switches a conversation whose drafts keep being escalated to the requested model for a while, then probes again while drafting could still pay', () => {
    const economics = new EconomicsState(accounting);
    const input = { conversationId: 'c1', rule: sonnetRule, ...request(SONNET, 3), policy: 'cost_aware' as const };
    for (let i = 0; i < 3; i++) {
      const hold = economics.observe(
        record({ decision: 'escalated', time: T0 + i, requestedModel: SONNET, ruleId: 'sonnet-5', draft: call(HAIKU, cold(30_000)), verifier: call(SONNET, cold(30_000)) }),
        input.rawBytes,
      );
      expect(hold === null).toBe(i < 2);
    }
    const held = economics.planDraft({ ...input, now: T0 + 10 });
    expect(held).toMatchObject({ draft: false, estimate: { acceptanceBasis: 'conversation 0 of 3, upper bound 0.25' } });
    expect(held.signals).toEqual([
      {
        name: 'sticky_escalation',
        penalty: 0,
        reason: `conversation switched to ${SONNET}: its last 3 drafts were escalated; drafting again after 8 more requests or in 15 min`,
      },
    ]);
    for (let i = 1; i < 8; i++) expect(economics.planDraft({ ...input, now: T0 + 10 + i }).signals[0].name).toBe('sticky_escalation');
    // The hold is over; the conversation's failures are forgotten and the rule's 3 outcomes (0 accepted) decide:
    // with a draft model at a twentieth of the price, an acceptance of up to 0.25 could still pay, so it probes.
    const after = economics.planDraft({ ...input, now: T0 + 20 });
    expect(after).toMatchObject({ draft: true, estimate: { acceptanceBasis: 'rule 0 of 3, upper bound 0.25', worthDrafting: true } });
    expect(after.signals).toEqual([{ name: 'sticky_probe', penalty: 0, reason: 'drafting again after a pause (its last 3 drafts were escalated)' }]);
  });

  it('probes again after a hold when the rule still does well elsewhere, and says so', () => {
    const economics = new EconomicsState(accounting, { acceptance: { holdRequests: 1 } });
    const input = { conversationId: 'c1', rule: sonnetRule, ...request(SONNET, 3), policy: 'cost_aware' as const };
    const outcome = (decision: 'accepted' | 'escalated', time: number, conversationId: string) =>
      economics.observe(record({ decision, time, requestedModel: SONNET, ruleId: 'sonnet-5', conversationId, draft: call(HAIKU, cold(30_000)) }), input.rawBytes);
    for (let i = 0; i < 6; i++) outcome('accepted', T0 + i, 'elsewhere');
    for (let i = 0; i < 3; i++) outcome('escalated', T0 + 10 + i, 'c1');
    expect(economics.planDraft({ ...input, now: T0 + 20 }).signals[0].name).toBe('sticky_escalation');
    const probe = economics.planDraft({ ...input, now: T0 + 21 });
    expect(probe).toMatchObject({
      draft: true,
      estimate: { acceptanceBasis: 'rule 6 of 9, upper bound 0.8' },
      signals: [{ name: 'sticky_probe', penalty: 0, reason: 'drafting again after a pause (its last 3 drafts were escalated)' }],
    });
  });

  it('outside a conversation looks one request ahead', () => {
    const economics = new EconomicsState(accounting);
    const input = { rule: sonnetRule, ...request(SONNET, 1), policy: 'cost_aware' as const };
    const first = economics.planDraft({ ...input, now: T0 });
    expect(first.requestedCache).toBeUndefined();
    // Horizon 1 at p = 1: the cold draft alone.
    const coldDraft = first.estimate!.draft;
    economics.observe(record({ decision: 'escalated', time: T0 + 1, requestedModel: SONNET, ruleId: 'sonnet-5', conversationId: undefined }), input.rawBytes);
    const second = economics.planDraft({ ...input, now: T0 + 2 });
    // Then the cold draft + (1 − p) × the cold verifier (the requested model, priced as going direct).
    expect(second.estimate).toMatchObject({ acceptance: 0.5, acceptanceBasis: 'rule 0 of 1, upper bound 0.5' });
    expect(second.estimate!.draft).toBeCloseTo(coldDraft + 0.5 * second.estimate!.direct, 12);
  });

  it('drafts without an estimate when a price is unknown', () => {
    const economics = new EconomicsState(accounting);
    const plan = economics.planDraft({ conversationId: 'c1', rule: { ...sonnetRule, draftModel: 'local-model' }, ...request(SONNET, 1), now: T0, policy: 'cost_aware' });
    expect(plan).toEqual({ draft: true, signals: [] });
  });

  it('learns later failures: an accepted draft whose tool call failed counts against the conversation', () => {
    const economics = new EconomicsState(accounting);
    const { rawBytes } = request(SONNET, 2);
    economics.observe(record({ decision: 'accepted', time: T0, id: 'a1', requestedModel: SONNET, ruleId: 'sonnet-5', draft: call(HAIKU, cold(30_000)) }), rawBytes);
    expect(economics.acceptance.estimate({ ruleId: 'sonnet-5', conversationId: 'c1', time: T0 + 1 }).basis).toBe('conversation 1 of 1, upper bound 1');
    economics.laterFailed('a1', 'c1', T0 + 2);
    expect(economics.acceptance.estimate({ ruleId: 'sonnet-5', conversationId: 'c1', time: T0 + 3 }).basis).toBe('conversation 0 of 1, upper bound 0.5');
    // A skipped draft (none was made) is no outcome.
    economics.observe(record({ decision: 'draft_error', time: T0 + 4, ruleId: 'sonnet-5', failure: { kind: 'skipped', message: 'x' } }), rawBytes);
    expect(economics.acceptance.estimate({ ruleId: 'sonnet-5', conversationId: 'c1', time: T0 + 5 }).basis).toBe('conversation 0 of 1, upper bound 0.5');
    // Nor is a draft the upstream refused unbilled (overloaded): it says nothing about the draft model's answers.
    const overloaded = { model: HAIKU, status: 529, usage: null, cost: 0, latencyMs: 5, failure: { kind: 'http_status' as const, message: '529 overloaded_error' } };
    economics.observe(record({ decision: 'draft_error', time: T0 + 6, ruleId: 'sonnet-5', draft: overloaded, failure: overloaded.failure }), rawBytes);
    expect(economics.acceptance.estimate({ ruleId: 'sonnet-5', conversationId: 'c1', time: T0 + 7 }).basis).toBe('conversation 0 of 1, upper bound 0.5');
    // A draft that timed out after it was sent still counts against drafting.
    const timedOut = { model: HAIKU, status: 200, usage: null, cost: 0, latencyMs: 30_000, failure: { kind: 'timeout' as const, message: 'no chunk' } };
    economics.observe(record({ decision: 'draft_error', time: T0 + 8, ruleId: 'sonnet-5', draft: timedOut, failure: timedOut.failure }), rawBytes);
    expect(economics.acceptance.estimate({ ruleId: 'sonnet-5', conversationId: 'c1', time: T0 + 9 }).basis).toBe('conversation 0 of 2, upper bound 0.33');
  });

  it('plans alike from the body as it arrived as from its length, the breakpoint in the system prompt', () => {
    const { request: full } = request(OPUS, 3);
    const systemOnly: MessagesRequest = { ...full, tools: [{ name: 'Read', description: 'reads "a file"\n', input_schema: { type: 'object' } }], messages: full.messages.map((m) => ({ ...m, content: [{ type: 'text', text: 'é'.repeat(100) }] })) };
    const raw = Buffer.from(JSON.stringify(systemOnly));
    const input = { conversationId: 'c1', rule: opusRule, request: systemOnly, rawBytes: raw.length, now: T0, policy: 'cost_aware' as const };
    const fromLength = new EconomicsState(accounting).planDraft(input);
    const fromBody = new EconomicsState(accounting).planDraft({ ...input, body: new RequestBody(raw, systemOnly) });
    expect(fromBody).toEqual(fromLength);
    expect(fromBody.estimate).toBeDefined();
  });
});
