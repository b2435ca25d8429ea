// Reachability from records and from the idle probe: when it probes (only after an interval
// without a success), what counts as reached, and that stop() leaves nothing running. Fake
// timers with an injected probe for the schedule; the real probe over HTTP on loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decisionRecord } from '../../test/fixtures/contracts';
import { UpstreamHealth, type UpstreamHealthOptions } from './upstream-health';

const INTERVAL = 30_000;
const call = (status: number, failure?: { kind: 'network' | 'timeout' | 'http_status'; message: string }) => ({
  model: 'claude-sonnet-4-6',
  status,
  usage: null,
  cost: null,
  latencyMs: 5,
  ...(failure ? { failure } : {}),
});
const refused = call(0, { kind: 'network', message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' });

function health(over: Partial<UpstreamHealthOptions> = {}) {
  const probes: string[] = [];
  const changes: Array<boolean | null> = [];
  let answer: () => Promise<void> = async () => {};
  const h: UpstreamHealth = new UpstreamHealth({
    upstreamUrl: () => 'http://upstream.test',
    onChange: () => changes.push(h.current().reachable),
    intervalMs: INTERVAL,
    probe: (url) => {
      probes.push(url);
      return answer();
    },
    ...over,
  });
  return { h, probes, changes, answerWith: (next: () => Promise<void>) => (answer = next) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('UpstreamHealth from records', () => {
  it('is unknown until a call says otherwise; any HTTP answer is reached, a refused connection is not', () => {
    const { h, changes } = health();
    expect(h.current()).toEqual({ reachable: null, lastSuccessAt: null, lastError: null, unreachableSince: null });

    h.observe(decisionRecord({ decision: 'failed', verifier: refused, draft: undefined }));
    expect(h.current()).toMatchObject({ reachable: false, lastSuccessAt: null, lastError: { message: refused.failure?.message } });

    // A 529 is an answer: the upstream is there, only busy.
    h.observe(decisionRecord({ decision: 'failed', verifier: call(529, { kind: 'http_status', message: '529 overloaded_error: Overloaded' }) }));
    expect(h.current().reachable).toBe(true);
    expect(h.current().lastError?.message).toBe(refused.failure?.message);
    expect(changes).toEqual([false, true]);
  });

  it('lets the verifier call, which came last, decide over the draft, and ignores timeouts', () => {
    const { h } = health();
    h.observe(decisionRecord({ decision: 'escalated', draft: refused, verifier: call(200) }));
    expect(h.current().reachable).toBe(true);
    h.observe(decisionRecord({ decision: 'draft_error', draft: call(200), verifier: refused }));
    expect(h.current().reachable).toBe(false);
    // The draft timeout is the proxy's own deadline, not a finding about the upstream.
    h.observe(decisionRecord({ decision: 'failed', draft: undefined, verifier: call(0, { kind: 'timeout', message: 'UND_ERR_HEADERS_TIMEOUT' }) }));
    expect(h.current().reachable).toBe(false);
  });

  it('dates an outage from its first failure; later failures move only the latest one', () => {
    vi.useFakeTimers({ now: 1_000 });
    const { h } = health();
    h.observe(decisionRecord({ decision: 'failed', verifier: refused, draft: undefined }));
    vi.setSystemTime(31_000);
    h.observe(decisionRecord({ decision: 'failed', verifier: refused, draft: undefined }));
    expect(h.current()).toMatchObject({ reachable: false, unreachableSince: 1_000, lastError: { at: 31_000 } });
    vi.setSystemTime(40_000);
    h.observe(decisionRecord({ verifier: call(200) }));
    expect(h.current()).toMatchObject({ reachable: true, unreachableSince: null, lastSuccessAt: 40_000 });
    vi.setSystemTime(50_000);
    h.observe(decisionRecord({ decision: 'failed', verifier: refused, draft: undefined }));
    expect(h.current().unreachableSince).toBe(50_000);
  });

  it('starts again from unknown when the upstream URL changes', () => {
    let url = 'http://one.test';
    const { h } = health({ upstreamUrl: () => url });
    h.observe(decisionRecord({ verifier: refused }));
    expect(h.current().reachable).toBe(false);
    url = 'http://two.test';
    expect(h.current()).toEqual({ reachable: null, lastSuccessAt: null, lastError: null, unreachableSince: null });
  });
});

describe('UpstreamHealth probe', () => {
  it('probes only after an interval without a success, and every interval while that lasts', async () => {
    vi.useFakeTimers();
    const { h, probes } = health();
    h.start();
    h.observe(decisionRecord({ verifier: call(200) }));
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(probes).toHaveLength(0);
    // The first tick: the success is exactly one interval old.
    await vi.advanceTimersByTimeAsync(1);
    expect(probes).toHaveLength(1);

    // Traffic keeps succeeding: no probe.
    await vi.advanceTimersByTimeAsync(INTERVAL - 10);
    h.observe(decisionRecord({ verifier: call(200) }));
    await vi.advanceTimersByTimeAsync(10);
    expect(probes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(probes).toHaveLength(2);
    h.stop();
  });

  it('marks the upstream unreachable when the probe gets no answer, and reachable again when it does', async () => {
    vi.useFakeTimers();
    const { h, changes, answerWith } = health();
    answerWith(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND upstream.test'), { code: 'ENOTFOUND' });
    });
    h.start();
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(h.current()).toMatchObject({ reachable: false, lastError: { message: 'probe GET /v1/models: ENOTFOUND: getaddrinfo ENOTFOUND upstream.test' } });
    answerWith(async () => {});
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(h.current()).toMatchObject({ reachable: true, lastSuccessAt: Date.now() });
    expect(changes).toEqual([false, true]);
    h.stop();
  });

  it('bounds a probe that never answers, and counts it as unreachable', async () => {
    vi.useFakeTimers();
    const { h, answerWith } = health({ timeoutMs: 5_000 });
    answerWith(() => new Promise(() => {}));
    h.start();
    await vi.advanceTimersByTimeAsync(INTERVAL + 5_000);
    expect(h.current()).toMatchObject({ reachable: false, lastError: { message: 'probe GET /v1/models: no answer within 5000 ms' } });
    h.stop();
  });

  it('leaves no timer after stop(), and a probe cut by stop() is no finding', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | null = null;
    const { h } = health({
      probe: (_url, s) =>
        new Promise((_resolve, reject) => {
          signal = s;
          s.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    h.start();
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(signal).not.toBeNull();
    h.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect((signal as AbortSignal | null)?.aborted).toBe(true);
    expect(h.current().reachable).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('over HTTP: any answer (here a 401) is reached; a closed port is refused', async () => {
    const server = createServer((_req, res) => res.writeHead(401).end('{"type":"error"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let url = `http://127.0.0.1:${port}`;
    const paths: string[] = [];
    server.on('request', (req) => paths.push(`${req.method} ${req.url} key:${String(req.headers['x-api-key'] ?? '-')}`));
    const h = new UpstreamHealth({ upstreamUrl: () => url, onChange: () => {}, intervalMs: 20 });
    try {
      h.start();
      await vi.waitFor(() => expect(h.current().reachable).toBe(true), { timeout: 5_000 });
      expect(paths[0]).toBe('GET /v1/models key:-');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      url = `http://127.0.0.1:${port}/`; // the same closed port, as a new URL: unknown first
      await vi.waitFor(() => expect(h.current().reachable).toBe(false), { timeout: 5_000 });
      expect(h.current().lastError?.message).toContain('ECONNREFUSED');
    } finally {
      h.stop();
      server.close();
    }
  });
});
