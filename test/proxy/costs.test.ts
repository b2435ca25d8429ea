// Costs and savings from upstream-reported usage (cache tokens included), checked against
// hand-computed values in the decision records, the response headers and GET /stats.
// Each test gets its own proxy and simulator, so none depends on what another sent.
import { beforeEach, describe, expect, it } from 'vitest';
import { HAIKU, HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  return () => h.close();
});

/**
 * Each request its own conversation: the hand-computed baselines below are single requests (what a
 * conversation's cache state does to the baseline is tested in proxy/pricing and proxy/economics).
 */
const ask = (model: string, session: string) => ({
  model,
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Explain how a TCP handshake works, step by step.' }],
  metadata: { user_id: JSON.stringify({ session_id: session }) },
});

// List prices, $/MTok: Haiku 4.5 1 in / 5 out / 1.25 5-min write / 2 1-h write / 0.1 read;
// Sonnet 4.x 3 / 15 / 3.75 / 6 / 0.3.

/** A Sonnet request whose Haiku draft is accepted (streamed). */
function acceptedDraft() {
  h.sim.script(HAIKU_DRAFT, {
    kind: 'good',
    usage: { input_tokens: 1000, output_tokens: 200, cache_creation_input_tokens: 2000, cache_read_input_tokens: 5000 },
  }, 1);
  return h.client.messages.stream(ask(SONNET, 'accepted')).withResponse();
}

/** A Sonnet request whose draft hedges, answered by Sonnet with a 1-hour cache write. */
function escalated() {
  h.sim.script(HAIKU_DRAFT, { kind: 'hedging', usage: { input_tokens: 1000, output_tokens: 50 } }, 1);
  h.sim.script(SONNET, {
    kind: 'good',
    usage: {
      input_tokens: 1000,
      output_tokens: 300,
      cache_creation_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1000 },
      cache_read_input_tokens: 2000,
    },
  }, 1);
  return h.client.messages.create(ask(SONNET, 'escalated')).withResponse();
}

/** A Haiku request no rule matches. */
function passthrough() {
  h.sim.script(HAIKU, { kind: 'good', usage: { input_tokens: 100, output_tokens: 10 } }, 1);
  return h.client.messages.stream(ask(HAIKU, 'passthrough')).finalMessage();
}

describe('costs and savings', () => {
  it('accepted draft: cost is the draft call, baseline the same usage at the requested model', async () => {
    const { response } = await acceptedDraft();
    // 1000×1 + 200×5 + 2000×1.25 + 5000×0.1 = 5000 µ$ ; at Sonnet: 3000 + 3000 + 7500 + 1500 = 15000 µ$
    expect(response.headers.get('x-cascadeflow-cost-usd')).toBe('0.005000');
    expect(response.headers.get('x-cascadeflow-savings-usd')).toBe('0.010000');
    const [record] = await h.decisions(1);
    expect(record.decision).toBe('accepted');
    expect(record.cost).toBeCloseTo(0.005, 9);
    expect(record.baselineCost).toBeCloseTo(0.015, 9);
    expect(record.savings).toBeCloseTo(0.01, 9);
    expect(record.tokens).toEqual({ input: 1000, output: 200, cacheWrite: 2000, cacheRead: 5000 });
  });

  it('escalated: cost is draft + verifier, baseline the verifier alone, savings negative', async () => {
    const { response } = await escalated();
    // draft: 1000×1 + 50×5 = 1250 µ$ ; verifier: 1000×3 + 300×15 + 1000×6 (1-h write) + 2000×0.3 = 14100 µ$
    expect(response.headers.get('x-cascadeflow-decision')).toBe('escalated');
    expect(response.headers.get('x-cascadeflow-cost-usd')).toBe('0.015350');
    expect(response.headers.get('x-cascadeflow-savings-usd')).toBe('-0.001250');
    const [record] = await h.decisions(1);
    expect(record.cost).toBeCloseTo(0.01535, 9);
    expect(record.baselineCost).toBeCloseTo(0.0141, 9);
    expect(record.savings).toBeCloseTo(-0.00125, 9);
    expect(record.draft?.cost).toBeCloseTo(0.00125, 9);
    expect(record.verifier?.cost).toBeCloseTo(0.0141, 9);
    expect(record.tokens).toEqual({ input: 2000, output: 350, cacheWrite: 1000, cacheRead: 2000 });
  });

  it('passthrough: cost equals baseline', async () => {
    await passthrough();
    const [record] = await h.decisions(1);
    expect(record.decision).toBe('passthrough');
    // 100×1 + 10×5 = 150 µ$
    expect(record.cost).toBeCloseTo(0.00015, 9);
    expect(record.baselineCost).toBeCloseTo(0.00015, 9);
    expect(record.savings).toBeCloseTo(0, 9);
  });

  it('GET /stats adds them up with the public field names', async () => {
    await acceptedDraft();
    await escalated();
    await passthrough();
    await h.decisions(3);
    const stats = (await (await fetch(`${h.proxy.url}/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({
      total_queries: 3,
      cascade_used_count: 1,
      escalated_count: 1,
      passthrough_count: 1,
      draft_error_count: 0,
      unpriced_query_count: 0,
      models_used: { [HAIKU_DRAFT]: 1, [SONNET]: 1, [HAIKU]: 1 },
    });
    expect(stats.total_cost).toBeCloseTo(0.005 + 0.01535 + 0.00015, 6);
    expect(stats.baseline_cost).toBeCloseTo(0.015 + 0.0141 + 0.00015, 6);
    expect(stats.total_savings).toBeCloseTo(0.01 - 0.00125, 6);
    expect(stats.avg_cost_per_query).toBeCloseTo(0.0205 / 3, 6);
    expect(stats.cascade_usage_pct).toBeCloseTo(100 / 3, 1);
    expect(typeof stats.savings_pct).toBe('number');
    expect(typeof stats.uptime_seconds).toBe('number');
  });

  it('GET /health reports the proxy', async () => {
    const health = (await (await fetch(`${h.proxy.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'healthy', upstream: h.sim.url, version: expect.any(String) });
    expect(health.rules).toBeGreaterThan(0);
    expect(typeof health.uptime_seconds).toBe('number');
  });
});
