// Resetting statistics through the control API of a real runtime on real files: what is
// forgotten, what is kept, what every UI hears, and that a restart brings nothing back.
import { describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../contracts/events';
import type { DecisionRecord } from '../../contracts/decision';
import { decisionRecord, rule } from '../../test/fixtures/contracts';
import { useTempDirs } from '../../test/temp-dirs';
import type { Logger } from '../log/logger';
import { createProxyContext } from '../runtime';

const tempDir = useTempDirs('cf-reset-');

function quietLogger() {
  const lines: string[] = [];
  const logger: Logger = { info: (line) => lines.push(line), warn: () => undefined };
  return { logger, lines };
}

/** A request of a Claude Code session in a project, answered by a Haiku draft. */
function sessionRecord(id: string, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return decisionRecord({ id, conversationId: 's:session-1', project: '/work/app', actionClass: 'read', ...over });
}

describe('reset statistics', () => {
  it('forgets totals, history, the log, spending and quality; keeps rules, settings and the key; every UI hears it', async () => {
    const dir = tempDir();
    const { logger, lines } = quietLogger();
    const ctx = await createProxyContext({ env: {}, dataDir: dir, logger });
    const rules = [rule({ threshold: 0.8 })];
    await ctx.control.saveRules(rules);
    await ctx.control.updateSettings({ paused: true });
    await ctx.control.setApiKey('sk-ant-api03-kept');
    const records = [sessionRecord('a'), sessionRecord('b', { decision: 'escalated', answeringModel: 'claude-sonnet-4-5' }), sessionRecord('c')];
    for (const record of records) ctx.record(record);
    ctx.amend({ id: 'a', laterFailed: { time: Date.now(), reason: 'Read came back is_error' } });
    // What the request path remembers of the session: a pending tool call, an acceptance outcome.
    ctx.conversations.accepted('s:session-1', 'c', [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} }], Date.now());
    ctx.economics.observe(records[0], 1_000);
    expect(ctx.conversations.size).toBe(1);
    const acceptance = ctx.economics.acceptance.size;
    expect(acceptance).toBeGreaterThan(0);
    const events: ControlEvent[] = [];
    ctx.control.subscribe((event) => events.push(event));

    const stats = await ctx.control.resetStats();

    expect(stats.allTime).toMatchObject({ queries: 0, cost: 0, savings: 0, accepted: 0, modelsUsed: {} });
    expect(stats.today.queries).toBe(0);
    expect(stats.byRule).toEqual({});
    expect(stats.history).toEqual({ minute: [], hour: [], day: [] });
    expect(await ctx.control.getDecisions()).toEqual([]);
    const spending = await ctx.control.getSpending({ period: 'all' });
    expect(spending.conversations.byCost).toEqual([]);
    expect(spending.projects.byCost).toEqual([]);
    expect((await ctx.control.getConversationSummary({ id: 's:session-1' })).conversation).toBeNull();
    expect((await ctx.control.qualityStats()).byRule.sonnet.classes.read).toMatchObject({ accepted: 0, laterFailed: 0 });
    // The conversation memory named records that are gone; the economics keep what they learned.
    expect(ctx.conversations.size).toBe(0);
    expect(ctx.economics.acceptance.size).toBe(acceptance);

    expect(await ctx.control.getRules()).toEqual(rules);
    expect(await ctx.control.getSettings()).toMatchObject({ paused: true, apiKeySet: true });
    expect(lines).toContain('Statistics reset: 3 requests forgotten');
    // At once, not after the stats throttle: the empty totals and the status.
    expect(events.map((e) => e.type)).toEqual(['stats', 'status']);
    expect(events[0]).toEqual({ type: 'stats', stats });

    // A request after the reset counts from zero.
    ctx.record(sessionRecord('d'));
    expect((await ctx.control.getStats()).allTime.queries).toBe(1);
    await ctx.close();
  });

  it('survives a restart: the files hold no old total or record, only what came after', async () => {
    const dir = tempDir();
    const first = await createProxyContext({ env: {}, dataDir: dir, logger: quietLogger().logger });
    const rules = [rule({ id: 'kept', threshold: 0.75 })];
    await first.control.saveRules(rules);
    first.record(sessionRecord('a'));
    first.record(sessionRecord('b'));
    await first.flush();
    await first.control.resetStats();
    first.record(sessionRecord('after'));
    await first.close();

    const second = await createProxyContext({ env: {}, dataDir: dir, logger: quietLogger().logger });
    const stats = await second.control.getStats();
    expect(stats.allTime.queries).toBe(1);
    expect((await second.control.getDecisions()).map((r) => r.id)).toEqual(['after']);
    expect((await second.control.getSpending({ period: 'all' })).conversations.byCost.map((c) => c.counts.queries)).toEqual([1]);
    expect(await second.control.getRules()).toEqual(rules);
    expect((await second.control.getStatus()).warnings).toEqual([]);
    await second.close();
  });
});
