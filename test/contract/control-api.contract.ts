// One behaviour suite for every ControlApi: the proxy's own (in process, as IPC reaches it,
// and over HTTP through the renderer's client) and the in-memory one the renderer's component
// tests use, so a component test cannot pass against an API that accepts what the proxy
// refuses or answers what it never would. Events may arrive after the call that caused them
// (over SSE), so the suite waits for them, and proves an absence by the arrival of a later one.
import { describe, expect, it, vi } from 'vitest';
import { controlMethods, type ControlApi, type ControlMethod } from '../../contracts/control-api';
import type { DecisionRecord } from '../../contracts/decision';
import type { ControlEvent } from '../../contracts/events';
import { decisionRecord, rule } from '../fixtures/contracts';

export interface ControlApiUnderTest {
  api: ControlApi;
  /** A finished request handed over the way the request path hands it over. */
  record(record: DecisionRecord): void;
  /**
   * Resolves once a listener just added hears every later event. A transport may first send
   * a snapshot of the current state, which is not the test's doing and is not counted.
   */
  subscribed?(): Promise<void>;
  close(): Promise<void> | void;
}

/** Passes as soon as `check` does (at once in process), or fails with its last error. */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 3_000, interval: 5 });

/** Calls a method with whatever a transport might hand over, past the compile-time types. */
function call(api: ControlApi, method: ControlMethod, ...args: unknown[]): Promise<unknown> {
  const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(api, args);
}

export function controlApiContract(name: string, create: () => Promise<ControlApiUnderTest>): void {
  describe(`ControlApi contract: ${name}`, () => {
    async function withApi(test: (subject: ControlApiUnderTest, events: ControlEvent[]) => Promise<void>): Promise<void> {
      const subject = await create();
      const events: ControlEvent[] = [];
      const unsubscribe = subject.api.subscribe((event) => events.push(event));
      try {
        await subject.subscribed?.();
        events.splice(0);
        await test(subject, events);
      } finally {
        unsubscribe();
        await subject.close();
      }
    }
    const ofType = <T extends ControlEvent['type']>(events: ControlEvent[], type: T) =>
      events.filter((e): e is Extract<ControlEvent, { type: T }> => e.type === type);

    it('answers every read with what its result schema accepts', () =>
      withApi(async ({ api }) => {
        for (const method of ['getStatus', 'getStats', 'getDecisions', 'qualityStats', 'getRules', 'getRuleChecks', 'getSettings'] as const) {
          const result = controlMethods[method].result.safeParse(await call(api, method));
          expect(result.error, method).toBeUndefined();
        }
        const withArgs: Array<[ControlMethod, unknown[]]> = [
          ['getSpending', [{ period: '7d', limit: 5 }]],
          ['getConversationSummary', [{ id: 's:never-seen' }]],
          ['getStatusLine', [{ session: 'never-seen' }]],
          ['getStatusLine', []],
        ];
        for (const [method, args] of withArgs) {
          const result = controlMethods[method].result.safeParse(await call(api, method, ...args));
          expect(result.error, method).toBeUndefined();
        }
      }));

    it('refuses arguments its contract does not accept, and changes nothing', () =>
      withApi(async ({ api }, events) => {
        const rulesBefore = await api.getRules();
        const settingsBefore = await api.getSettings();
        const refused: Array<[ControlMethod, unknown[], RegExp]> = [
          ['getStatus', ['extra'], /invalid/i],
          ['qualityStats', ['extra'], /invalid/i],
          ['resetStats', ['extra'], /invalid/i],
          ['getRuleChecks', ['extra'], /invalid/i],
          ['getDecisions', [{ limit: 0 }], /limit/],
          ['getDecisions', [{ decision: 'maybe' }], /decision/],
          ['getDecisions', [{ colour: 'blue' }], /colour/],
          ['getSpending', [{ period: 'month' }], /period/],
          ['getConversationSummary', [{ id: '' }], /id/],
          ['getConversationSummary', [{ id: 's:a', colour: 'blue' }], /colour/],
          ['getStatusLine', [{ session: '' }], /session/],
          ['getStatusLine', [{ id: 's:a' }], /id/],
          ['saveRules', [[rule({ threshold: 1.5 })]], /threshold/],
          ['saveRules', [[rule(), rule()]], /duplicate rule id "sonnet"/],
          ['saveRules', [[{ id: 'x' }]], /match/],
          ['saveRules', ['not a list'], /invalid/i],
          ['updateSettings', [{ port: 'eighty' }], /port/],
          ['updateSettings', [{ colour: 'blue' }], /colour/],
          ['updateSettings', [{ upstreamUrl: 'ftp://example.com' }], /upstreamUrl/],
          ['setApiKey', [''], /must not be empty/],
          ['setApiKey', ['sk ant'], /must not contain spaces/],
          ['setApiKey', [42], /invalid/i],
          ['setApiKey', [], /invalid/i],
        ];
        for (const [method, args, why] of refused) {
          await expect(call(api, method, ...args), `${method}(${JSON.stringify(args)})`).rejects.toThrow(why);
        }
        expect(await api.getRules()).toEqual(rulesBefore);
        expect(await api.getSettings()).toEqual(settingsBefore);
        // Events arrive in order: a refused call's event would come before this one's.
        await api.saveRules(rulesBefore);
        await eventually(() => expect(events).toEqual([{ type: 'rules', rules: rulesBefore }]));
      }));

    it('saves the whole rule list and answers it back, with a rules event', () =>
      withApi(async ({ api }, events) => {
        const rules = [
          rule({ id: 'opus', match: 'claude-opus-4*', threshold: 0.8 }),
          rule({ id: 'sonnet', enabled: false, verifierModel: 'claude-haiku-4-5' }),
        ];
        expect(await api.saveRules(rules)).toEqual(rules);
        expect(await api.getRules()).toEqual(rules);
        await eventually(() => expect(ofType(events, 'rules')).toEqual([{ type: 'rules', rules }]));
        expect(await api.saveRules([])).toEqual([]);
        expect(await api.getRules()).toEqual([]);
      }));

    it('checks every saved rule: one reach per rule, in order, none drafted yet', () =>
      withApi(async ({ api }) => {
        await api.saveRules([rule({ id: 'opus', match: 'claude-opus-4*' }), rule()]);
        const checks = await api.getRuleChecks();
        expect(checks.reach).toEqual([
          { ruleId: 'opus', drafts: 0, passing: 0, highest: null },
          { ruleId: 'sonnet', drafts: 0, passing: 0, highest: null },
        ]);
        expect(checks.warnings).toEqual([]);
      }));

    it('resets statistics: recorded requests are forgotten, rules and settings kept, a stats and a status event follow', () =>
      withApi(async ({ api, record }, events) => {
        const rules = [rule({ threshold: 0.8 })];
        await api.saveRules(rules);
        const settings = await api.getSettings();
        record(decisionRecord({ id: 'a' }));
        record(decisionRecord({ id: 'b' }));
        await eventually(() => expect(ofType(events, 'decision')).toHaveLength(2));
        events.splice(0);

        const stats = await api.resetStats();
        expect(stats.allTime.queries).toBe(0);
        expect(stats.today.queries).toBe(0);
        expect(stats.byRule).toEqual({});
        expect(await api.getStats()).toEqual(stats);
        expect(await api.getDecisions()).toEqual([]);
        expect(await api.getRules()).toEqual(rules);
        expect(await api.getSettings()).toEqual(settings);
        await eventually(() => {
          expect(ofType(events, 'stats').at(-1)?.stats.allTime.queries).toBe(0);
          expect(ofType(events, 'status')).not.toHaveLength(0);
        });
      }));

    it('client tokens: the secret only in create’s answer, a taken name refused, revoked by name', () =>
      withApi(async ({ api }) => {
        const created = await api.createToken({ name: 'ci', limits: { requestsPerMinute: 5 } });
        expect(created.token).toMatch(/^cft_[A-Za-z0-9_-]{43}$/);
        expect(created.info).toMatchObject({ name: 'ci', limits: { requestsPerMinute: 5 }, allowFallbackKey: false, today: { queries: 0, limited: 0 } });
        const list = await api.listTokens();
        expect(list).toEqual([created.info]);
        expect(JSON.stringify(list)).not.toContain(created.token);
        await expect(api.createToken({ name: 'ci' })).rejects.toThrow(/already exists/);
        await expect(call(api, 'createToken', { name: 'has space' })).rejects.toThrow(/name/);
        expect(await api.revokeToken('ci')).toEqual([]);
        await expect(api.revokeToken('ci')).rejects.toThrow(/No token named/);
      }));

    it('answers decisions newest first, filtered by kind, rule, client token and time range, cut at the limit', () =>
      withApi(async ({ api, record }, events) => {
        record(decisionRecord({ id: 'a', time: 1_000 }));
        record(decisionRecord({ id: 'b', time: 2_000, decision: 'escalated', answeringModel: 'claude-sonnet-4-5' }));
        record(decisionRecord({ id: 'c', time: 3_000, ruleId: 'opus', tokenName: 'ci' }));
        const ids = (records: DecisionRecord[]) => records.map((r) => r.id);
        expect(ids(await api.getDecisions())).toEqual(['c', 'b', 'a']);
        expect(ids(await api.getDecisions({ limit: 2 }))).toEqual(['c', 'b']);
        expect(ids(await api.getDecisions({ decision: 'escalated' }))).toEqual(['b']);
        expect(ids(await api.getDecisions({ decision: 'accepted', limit: 1 }))).toEqual(['c']);
        expect(await api.getDecisions({ decision: 'draft_error' })).toEqual([]);
        // Time range: since inclusive, until exclusive; and by rule.
        expect(ids(await api.getDecisions({ since: 2_000, until: 3_000 }))).toEqual(['b']);
        expect(ids(await api.getDecisions({ since: 2_001 }))).toEqual(['c']);
        expect(ids(await api.getDecisions({ ruleId: 'opus' }))).toEqual(['c']);
        expect(ids(await api.getDecisions({ tokenName: 'ci' }))).toEqual(['c']);
        await eventually(() => expect(ofType(events, 'decision').map((e) => e.record.id)).toEqual(['a', 'b', 'c']));
      }));

    it('patches only the settings it is sent, takes a whole settings object back, and emits the result', () =>
      withApi(async ({ api }, events) => {
        const before = await api.getSettings();
        const paused = await api.updateSettings({ paused: !before.paused, upstreamUrl: 'https://api.example.com/' });
        expect(paused).toEqual({ ...before, paused: !before.paused, upstreamUrl: 'https://api.example.com' });
        expect(await api.getSettings()).toEqual(paused);
        await eventually(() => expect(ofType(events, 'settings').at(-1)).toEqual({ type: 'settings', settings: paused }));

        // What a UI read, sent back whole: the read-only fields are ignored, not refused.
        const again = await call(api, 'updateSettings', { ...paused, apiKeySet: !paused.apiKeySet, logPrompts: true });
        expect(again).toEqual({ ...paused, logPrompts: true });
      }));

    it('stores the API key write-only and says whether one is set', () =>
      withApi(async ({ api }, events) => {
        const key = 'sk-ant-api03-never-answered';
        const set = await api.setApiKey(key);
        expect(set.apiKeySet).toBe(true);
        expect(JSON.stringify(set)).not.toContain('never-answered');
        expect(JSON.stringify(await api.getSettings())).not.toContain('never-answered');
        await eventually(() => expect(ofType(events, 'settings').at(-1)?.settings.apiKeySet).toBe(true));
        expect((await api.setApiKey(null)).apiKeySet).toBe(false);
        await eventually(() => expect(ofType(events, 'settings').at(-1)?.settings.apiKeySet).toBe(false));
        expect(JSON.stringify(events)).not.toContain('never-answered');
      }));

    it('stops delivering events to a listener that unsubscribed', () =>
      withApi(async ({ api }, events) => {
        const seen: ControlEvent[] = [];
        const unsubscribe = api.subscribe((event) => seen.push(event));
        await api.saveRules([rule()]);
        await eventually(() => expect(ofType(seen, 'rules')).toEqual([{ type: 'rules', rules: [rule()] }]));
        unsubscribe();
        await api.saveRules([]);
        // The later event reached the listener still subscribed, and not this one.
        await eventually(() => expect(ofType(events, 'rules').at(-1)).toEqual({ type: 'rules', rules: [] }));
        expect(ofType(seen, 'rules')).toEqual([{ type: 'rules', rules: [rule()] }]);
      }));
  });
}
