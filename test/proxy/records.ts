// One decision record for tests that feed the state side directly: an accepted Sonnet 4.5
// request answered by the Haiku 4.5 draft; tests override what they look at.
import type { DecisionRecord } from '../../proxy/types';

let ids = 0;

export function decisionRecord(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  ids += 1;
  return {
    id: `record-${ids}`,
    time: Date.now(),
    requestedModel: 'claude-sonnet-4-5',
    answeringModel: 'claude-haiku-4-5',
    decision: 'accepted',
    ruleId: 'sonnet-4',
    stream: true,
    confidence: 0.9,
    threshold: 0.7,
    signals: [],
    tokens: { input: 1000, output: 200, cacheWrite: 0, cacheRead: 0 },
    cost: 0.002,
    baselineCost: 0.006,
    savings: 0.004,
    latencyMs: 120,
    ttfbMs: 40,
    status: 200,
    ...overrides,
  };
}
