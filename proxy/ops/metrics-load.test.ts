// prom-client loads on first use (metrics.ts); an install without it must not take the proxy
// down: records keep flowing, nothing is kept for metrics that cannot come, and the scrape
// fails (its route answers 500).
import { describe, expect, it, vi } from 'vitest';
import { decisionRecord } from '../../test/fixtures/contracts';
import { ProxyMetrics } from './metrics';

vi.mock('prom-client', () => {
  throw new Error("Cannot find package 'prom-client'");
});

describe('ProxyMetrics without prom-client', () => {
  it('observes without an unhandled rejection, and the scrape fails (a 500 from its route)', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const m = new ProxyMetrics({ version: '9.9.9', priced: () => true, upstream: () => ({ reachable: null, lastSuccessAt: null, lastError: null, unreachableSince: null }) });
      m.observe(decisionRecord());
      await expect(m.scrape()).rejects.toThrow();
      m.observe(decisionRecord());
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
      expect((m as unknown as { early: unknown[] }).early).toEqual([]);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
