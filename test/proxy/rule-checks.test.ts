// Rule checks and the statistics reset end to end: the real proxy in front of the simulator,
// the official SDK as the client, the admin API over HTTP as the dashboard and curl use it.
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleChecks, RuleWarning } from '../../contracts/rule-checks';
import type { CascadeRule } from '../../contracts/rules';
import type { ProxyStatus } from '../../contracts/status';
import { rule } from '../fixtures/contracts';
import { startHarness, type Harness } from './harness';
import { waitFor } from '../wait';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Opus requests drafted with a mistyped Haiku id. */
const opus: CascadeRule = rule({ id: 'opus', match: 'claude-opus-4*', draftModel: 'claude-haiku-4.5', threshold: 0.7 });

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${h!.proxy.url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(res.status, `${init.method ?? 'GET'} ${path}`).toBe(200);
  return (await res.json()) as T;
}

const ruleWarnings = async () => (await api<ProxyStatus>('/api/status')).ruleWarnings ?? [];
const kinds = (warnings: RuleWarning[]) => warnings.map((w) => `${w.ruleId}:${w.kind}`);

async function ask(model: string): Promise<void> {
  await h!.client.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'What is the capital of France?' }] });
}

describe('rule checks, end to end', () => {
  it('warns about a mistyped draft model when saved, then about its 404s; a reset forgets requests and keeps rules', async () => {
    h = await startHarness({ env: { ANTHROPIC_API_KEY: 'sk-ant-proxy-key' } });
    await api('/api/rules', { method: 'PUT', body: [opus] });

    // Saving fetched the upstream's list with the proxy's key: the warning names the closest id.
    const checks = await api<RuleChecks>('/api/rule-checks');
    expect(checks.upstreamModelsError).toBeNull();
    expect(checks.warnings).toEqual([
      {
        ruleId: 'opus',
        kind: 'unknown_model',
        field: 'draftModel',
        message: 'Unknown draft model: claude-haiku-4.5 is not a model the upstream lists or the price table knows.',
        suggestion: 'claude-haiku-4-5',
      },
    ]);
    expect(checks.models).toContainEqual({ id: 'claude-haiku-4-5', listed: true, priced: true });
    expect(await ruleWarnings()).toEqual(checks.warnings);
    const listCalls = h.sim.requests.filter((r) => r.path === '/v1/models');
    expect(listCalls.map((r) => r.headers['x-api-key'])).toEqual(['sk-ant-proxy-key']);

    // Each request pays a draft call that comes back 404, then the verifier answers.
    await ask('claude-opus-4-8');
    await ask('claude-opus-4-8');
    expect(kinds(await ruleWarnings())).toEqual(['opus:unknown_model']);
    await ask('claude-opus-4-8');
    const records = await h.decisions(3);
    expect(records.map((r) => [r.decision, r.draft?.status])).toEqual([
      ['draft_error', 404],
      ['draft_error', 404],
      ['draft_error', 404],
    ]);
    expect(kinds(await ruleWarnings())).toEqual(['opus:unknown_model', 'opus:model_not_found']);
    expect((await ruleWarnings())[1].message).toBe(
      'The upstream answered the last 3 draft calls to claude-haiku-4.5 with 404 not_found_error: every request pays an extra failing round trip.',
    );

    // Reset statistics over HTTP: /stats and the decision log are empty, the rules are kept.
    const reset = await api<{ allTime: { queries: number } }>('/api/stats/reset', { method: 'POST', body: {} });
    expect(reset.allTime.queries).toBe(0);
    expect(await api('/stats')).toMatchObject({ total_queries: 0, total_cost: 0, draft_error_count: 0 });
    expect(await api('/api/decisions')).toEqual([]);
    expect(await api('/api/rules')).toEqual([opus]);
    expect(h.logs).toContain('Statistics reset: 3 requests forgotten');
    // The 404 run went with the records; the rule itself is still wrong.
    expect(kinds(await ruleWarnings())).toEqual(['opus:unknown_model']);

    // Fixing the rule clears every warning.
    await api('/api/rules', { method: 'PUT', body: [{ ...opus, draftModel: 'claude-haiku-4-5' }] });
    expect(await ruleWarnings()).toEqual([]);
  });

  it('warns when no recent draft reaches the threshold; lowered to what they reached, all pass', async () => {
    h = await startHarness();
    const strict = rule({ threshold: 0.95 });
    await api('/api/rules', { method: 'PUT', body: [strict] });
    for (let i = 0; i < 9; i++) await ask('claude-sonnet-4-6');
    const nine = await h.decisions(9);
    expect(new Set(nine.map((r) => r.decision))).toEqual(new Set(['escalated']));
    expect(await ruleWarnings()).toEqual([]);
    await ask('claude-sonnet-4-6');
    const records = await h.decisions(10);
    const highest = Math.max(...records.map((r) => r.confidence ?? 0));
    expect(highest).toBeLessThan(0.95);
    expect(await ruleWarnings()).toEqual([
      {
        ruleId: 'sonnet',
        kind: 'threshold_unreachable',
        field: 'threshold',
        message: `No recent draft reaches 0.95 (highest ${highest.toFixed(2)} of 10 drafts): every request pays for the draft and the verifier.`,
      },
    ]);
    // Lowered to what the drafts reached, all ten pass and the warning clears.
    await api('/api/rules', { method: 'PUT', body: [{ ...strict, threshold: Math.floor(Math.min(...records.map((r) => r.confidence ?? 0)) * 100) / 100 }] });
    expect((await api<RuleChecks>('/api/rule-checks')).reach).toEqual([{ ruleId: 'sonnet', drafts: 10, passing: 10, highest }]);
    expect(await ruleWarnings()).toEqual([]);
  });

  it('without a key of its own, lists the models with a client request’s credentials, once, and never logs them', async () => {
    h = await startHarness();
    await api('/api/rules', { method: 'PUT', body: [opus] });
    const before = await api<RuleChecks>('/api/rule-checks');
    expect(before.upstreamModelsError).toMatch(/no key to ask with yet/);
    // The price table alone does not know the id, and has no alias close enough to suggest.
    expect(before.warnings.map((w) => [w.kind, w.suggestion])).toEqual([['unknown_model', undefined]]);

    await ask('claude-sonnet-4-6');
    await ask('claude-sonnet-4-6');
    const checks = await waitFor(async () => {
      const now = await api<RuleChecks>('/api/rule-checks');
      return now.upstreamModelsError === null ? now : null;
    }, 'the model list');
    expect(checks.warnings[0].suggestion).toBe('claude-haiku-4-5');
    const listCalls = h.sim.requests.filter((r) => r.path === '/v1/models');
    expect(listCalls).toHaveLength(1);
    // The client's own credential and API version, as its messages request carried them.
    const [message] = h.sim.requests.filter((r) => r.path === '/v1/messages');
    for (const name of ['x-api-key', 'authorization', 'anthropic-version']) expect(listCalls[0].headers[name], name).toBe(message.headers[name]);
    expect(JSON.stringify(listCalls[0].headers)).toContain('sk-test-client-key');
    expect(h.logs.join('\n')).not.toContain('sk-test-client-key');
  });
});
