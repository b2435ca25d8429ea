// GET /metrics through the real proxy: each decision kind made by real requests (the official
// SDK, the simulator), then the Prometheus text checked against the decision records: counts by
// decision and folded model, latency and time-to-first-byte histograms, cost, baseline and
// savings, upstream errors by leg; and the token beyond loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import { HAIKU, HAIKU_DRAFT, SONNET, startHarness, type Harness } from '../proxy/harness';

/** Samples as `name{label="v",…}` (labels sorted) → value. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = match[2] ? [...match[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => `${m[1]}="${m[2]}"`).sort() : [];
    samples.set(`${match[1]}{${labels.join(',')}}`, Number(match[3]));
  }
  return samples;
}

const key = (name: string, labels: Record<string, string> = {}) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')}}`;

const sum = (records: DecisionRecord[], pick: (r: DecisionRecord) => number | null) => records.reduce((total, r) => total + (pick(r) ?? 0), 0);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('GET /metrics', () => {
  it('counts what the decision records say, with unknown model ids folded into "other"', async () => {
    const ask = (model: string, stream = false) => ({ model, max_tokens: 256, stream, messages: [{ role: 'user' as const, content: 'Explain how a TCP handshake works, step by step.' }] });
    await h.client.messages.create(ask(SONNET)); // accepted
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal' }, 1);
    await h.client.messages.create(ask(SONNET)); // escalated
    h.sim.script(HAIKU_DRAFT, { kind: 'error', status: 529 }, 1);
    await h.client.messages.create(ask(SONNET)); // draft error, then the requested model
    await h.client.messages.stream(ask(HAIKU, true)).finalMessage(); // passthrough, streamed
    for (const made_up of ['nope-1', 'nope-2']) await h.client.messages.create(ask(made_up)).catch(() => null);
    const records = await h.decisions(6);
    expect(records.map((r) => r.decision).slice(0, 4)).toEqual(['accepted', 'escalated', 'draft_error', 'passthrough']);

    const res = await fetch(`${h.proxy.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const m = parse(text);

    const requests = (labels: Record<string, string>) => m.get(key('cascadeflow_requests_total', labels));
    expect(requests({ decision: 'accepted', model: SONNET })).toBe(1);
    expect(requests({ decision: 'escalated', model: SONNET })).toBe(1);
    expect(requests({ decision: 'draft_error', model: SONNET })).toBe(1);
    expect(requests({ decision: 'passthrough', model: HAIKU })).toBe(1);
    const folded = [...m].filter(([k]) => k.startsWith('cascadeflow_requests_total{') && k.includes('model="other"'));
    expect(folded.reduce((total, [, v]) => total + v, 0)).toBe(2);
    expect(text).not.toContain('nope-');

    for (const decision of new Set(records.map((r) => r.decision))) {
      const mine = records.filter((r) => r.decision === decision);
      expect(m.get(key('cascadeflow_request_duration_seconds_count', { decision }))).toBe(mine.length);
      expect(m.get(key('cascadeflow_request_duration_seconds_sum', { decision }))).toBeCloseTo(sum(mine, (r) => r.latencyMs) / 1000, 6);
      expect(m.get(key('cascadeflow_time_to_first_byte_seconds_count', { decision })) ?? 0).toBe(mine.filter((r) => r.ttfbMs !== null).length);
    }
    expect(m.get(key('cascadeflow_time_to_first_byte_seconds_count', { decision: 'passthrough' }))).toBe(1);

    expect(m.get(key('cascadeflow_cost_dollars_total'))).toBeCloseTo(sum(records, (r) => r.cost), 9);
    expect(m.get(key('cascadeflow_baseline_cost_dollars_total'))).toBeCloseTo(sum(records, (r) => r.baselineCost), 9);
    expect(m.get(key('cascadeflow_savings_dollars'))).toBeCloseTo(sum(records, (r) => r.savings), 9);
    expect(m.get(key('cascadeflow_cost_dollars_total'))).toBeGreaterThan(0);

    // The 529 of the draft; the made-up models' 404s on the requested model's leg.
    expect(m.get(key('cascadeflow_upstream_errors_total', { leg: 'draft', kind: 'http_status' }))).toBe(1);
    const verifierErrors = records.filter((r) => r.verifier?.failure?.kind === 'http_status').length;
    expect(verifierErrors).toBe(2);
    expect(m.get(key('cascadeflow_upstream_errors_total', { leg: 'verifier', kind: 'http_status' }))).toBe(verifierErrors);

    expect(m.get(key('cascadeflow_upstream_up'))).toBe(1);
    expect(m.get(key('cascadeflow_upstream_last_success_timestamp_seconds'))).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(m.get(key('cascadeflow_info', { version: h.ctx.config.version }))).toBe(1);
    // The process's own figures, for leak and load dashboards.
    expect(m.get(key('process_resident_memory_bytes'))).toBeGreaterThan(0);
  });
});

describe('/metrics, /stats and /health beyond loopback', () => {
  it('needs the admin token for /metrics and /stats; /health stays open for health checkers', async () => {
    // Configured for the LAN (HOST=0.0.0.0), reached here through loopback.
    const lan = await startHarness({ env: { HOST: '0.0.0.0' } });
    try {
      const token = lan.ctx.config.adminToken as string;
      expect(token).toBeTruthy();
      for (const path of ['/metrics', '/stats']) {
        const anonymous = await fetch(`${lan.proxy.url}${path}`);
        expect(anonymous.status, path).toBe(401);
        expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
        expect((await fetch(`${lan.proxy.url}${path}`, { headers: { authorization: 'Bearer wrong' } })).status, path).toBe(401);
        expect((await fetch(`${lan.proxy.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status, path).toBe(200);
      }
      expect((await fetch(`${lan.proxy.url}/health`)).status).toBe(200);
    } finally {
      await lan.close();
    }
    // On loopback without a configured token, all three answer anyone on this machine.
    for (const path of ['/metrics', '/stats', '/health']) expect((await fetch(`${h.proxy.url}${path}`)).status, path).toBe(200);
  });
});
