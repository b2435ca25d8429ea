// The metrics' bounds and the fields only some records carry: at most MAX_MODEL_LABELS model
// labels however many ids clients invent, ids unfit for a label folded, retries counted by leg,
// and escalations lowering the net savings.
import { describe, expect, it } from 'vitest';
import { decisionRecord } from '../../test/fixtures/contracts';
import { MAX_MODEL_LABELS, OTHER_MODEL, ProxyMetrics } from './metrics';

const upstream = () => ({ reachable: null, lastSuccessAt: null, lastError: null, unreachableSince: null });

function metrics(priced: (model: string) => boolean = () => true) {
  return new ProxyMetrics({ version: '9.9.9', priced, upstream });
}

async function requestLabels(m: ProxyMetrics): Promise<string[]> {
  return [...(await m.scrape()).text.matchAll(/^cascadeflow_requests_total\{decision="\w+",model="([^"]*)"\}/gm)].map((x) => x[1]);
}

describe('ProxyMetrics', () => {
  it(`keeps at most ${MAX_MODEL_LABELS} model labels; later ids and ids the price table does not know count as "${OTHER_MODEL}"`, async () => {
    const m = metrics((model) => model.startsWith('claude-'));
    for (let i = 0; i < MAX_MODEL_LABELS + 10; i++) m.observe(decisionRecord({ requestedModel: `claude-test-${i}` }));
    m.observe(decisionRecord({ requestedModel: 'gpt-unknown' }));
    m.observe(decisionRecord({ requestedModel: 'claude-test-0' }));
    const labels = await requestLabels(m);
    expect(labels).toHaveLength(MAX_MODEL_LABELS + 1);
    expect(labels).toContain(OTHER_MODEL);
    expect(labels).not.toContain(`claude-test-${MAX_MODEL_LABELS}`);
    expect((await m.scrape()).text).toContain(`cascadeflow_requests_total{decision="accepted",model="${OTHER_MODEL}"} 11`);
    expect((await m.scrape()).text).toContain('cascadeflow_requests_total{decision="accepted",model="claude-test-0"} 2');
  });

  it('never makes a label of an id with characters a label should not carry', async () => {
    const m = metrics();
    m.observe(decisionRecord({ requestedModel: 'claude-haiku-4-5\u0000' }));
    m.observe(decisionRecord({ requestedModel: '日本' }));
    m.observe(decisionRecord({ requestedModel: 'x'.repeat(101) }));
    expect(await requestLabels(m)).toEqual([OTHER_MODEL]);
  });

  it('counts retries by leg and lets an escalation lower the net savings', async () => {
    const m = metrics();
    const call = { model: 'claude-sonnet-4-6', status: 200, usage: null, cost: 0.01, latencyMs: 900 };
    m.observe(decisionRecord({ decision: 'escalated', savings: -0.002, verifier: { ...call, retries: 2 } }));
    m.observe(decisionRecord({ decision: 'accepted', savings: 0.004, verifier: undefined, draft: { ...call, retries: 0 } }));
    const { contentType, text } = await m.scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('cascadeflow_upstream_retries_total{leg="verifier"} 2');
    expect(text).not.toContain('cascadeflow_upstream_retries_total{leg="draft"}');
    expect(text).toMatch(/^cascadeflow_savings_dollars 0\.002\d*$/m);
  });

  it('loses only the metrics of a record prom-client refuses, before its load and after it', async () => {
    const m = metrics();
    // Before prom-client has loaded (the first records queue for it); the histogram refuses NaN.
    m.observe(decisionRecord({ latencyMs: Number.NaN }));
    m.observe(decisionRecord({ decision: 'accepted', requestedModel: 'claude-test-0' }));
    expect((await m.scrape()).text).toContain('cascadeflow_requests_total{decision="accepted",model="claude-test-0"} 1');
    // After it: the same record neither throws to the sink nor stops the next.
    expect(() => m.observe(decisionRecord({ latencyMs: Number.NaN }))).not.toThrow();
    m.observe(decisionRecord({ decision: 'accepted', requestedModel: 'claude-test-0' }));
    expect((await m.scrape()).text).toContain('cascadeflow_requests_total{decision="accepted",model="claude-test-0"} 2');
  });
});
