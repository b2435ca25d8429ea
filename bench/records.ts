// A Claude Code-sized decision record for the state benches: a signal, a draft call with usage, cache tokens.
import type { DecisionRecord } from '../contracts/decision';

export function benchRecord(i: number, time: number): DecisionRecord {
  return {
    id: `bench-${i}`,
    time,
    requestedModel: 'claude-sonnet-4-5-20250929',
    answeringModel: i % 3 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5-20250929',
    decision: i % 3 ? 'accepted' : 'escalated',
    ruleId: 'sonnet-4',
    stream: true,
    confidence: 0.5 + (i % 50) / 100,
    threshold: 0.7,
    signals: [{ name: 'hedging', penalty: 0.2, reason: 'hedges or admits uncertainty ("I am not sure")' }],
    tokens: { input: 12_000, output: 800, cacheWrite: 2_000, cacheRead: 30_000 },
    cost: 0.0123,
    baselineCost: 0.0345,
    savings: 0.0222,
    latencyMs: 2300,
    ttfbMs: 400,
    status: 200,
    draft: { model: 'claude-haiku-4-5', status: 200, usage: { input_tokens: 12_000, output_tokens: 800 }, cost: 0.0123, latencyMs: 900 },
  };
}
