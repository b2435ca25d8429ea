// Builders for contract-shaped test data, starting from the proxy's own empty values.
import type { ProxyStatus, PublicSettings, StatsSnapshot } from '../../../proxy/control/api';
import { DEFAULT_SETTINGS } from '../../../proxy/state/settings';
import { emptyTotals } from '../../../proxy/stats/totals';
import type { CascadeRule, DecisionRecord, Totals } from '../../../proxy/types';

export function totals(over: Partial<Totals> = {}): Totals {
  return { ...emptyTotals(), ...over };
}

export function stats(over: Partial<StatsSnapshot> = {}): StatsSnapshot {
  return {
    allTime: totals(),
    today: totals(),
    history: { minute: [], hour: [], day: [] },
    byRule: {},
    prices: { 'claude-sonnet-4*': { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 } },
    ...over,
  };
}

let sequence = 0;

export function record(over: Partial<DecisionRecord> = {}): DecisionRecord {
  sequence += 1;
  return {
    id: `d${sequence}`,
    time: 1_700_000_000_000 + sequence * 1000,
    requestedModel: 'claude-sonnet-4-5',
    answeringModel: 'claude-haiku-4-5',
    decision: 'accepted',
    ruleId: 'sonnet',
    stream: true,
    confidence: 0.9,
    threshold: 0.7,
    signals: [],
    tokens: { input: 100, output: 50, cacheWrite: 0, cacheRead: 0 },
    cost: 0.00035,
    baselineCost: 0.00105,
    savings: 0.0007,
    latencyMs: 420,
    ttfbMs: 300,
    status: 200,
    ...over,
  };
}

export function rule(over: Partial<CascadeRule> = {}): CascadeRule {
  return {
    id: 'sonnet',
    match: 'claude-sonnet-4*',
    draftModel: 'claude-haiku-4-5',
    verifierModel: null,
    threshold: 0.7,
    enabled: true,
    ...over,
  };
}

export function status(over: Partial<ProxyStatus> = {}): ProxyStatus {
  return {
    state: 'running',
    baseUrl: 'http://127.0.0.1:8000',
    paused: false,
    upstreamUrl: 'https://api.anthropic.com',
    error: null,
    version: '0.1.0',
    startedAt: 1_700_000_000_000,
    ...over,
  };
}

export function settings(over: Partial<PublicSettings> = {}): PublicSettings {
  return { ...DEFAULT_SETTINGS, apiKeySet: false, apiKeyStorage: 'basic_text', lockedByEnv: [], ...over };
}
