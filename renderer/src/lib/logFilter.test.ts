import { describe, expect, it } from 'vitest';
import { decisionRecord } from '../../../test/fixtures/contracts';
import { decidingSignals, filterDecisions, groupSignals, mergeDecisions, summarizeDecision } from './logFilter';

const accepted = decisionRecord({ id: 'a', time: 3 });
const escalated = decisionRecord({
  id: 'e',
  time: 2,
  decision: 'escalated',
  answeringModel: 'claude-sonnet-4-5',
  signals: [
    { name: 'length', penalty: 0, reason: 'answer length fits the question' },
    { name: 'truncated', penalty: 0.6, reason: 'truncated at max_tokens' },
    { name: 'tool_schema', penalty: 0.8, reason: "tool input failed schema: missing 'command'" },
  ],
});
const failed = decisionRecord({ id: 'f', time: 1, decision: 'draft_error', confidence: null, failure: { kind: 'http_status', message: '400 invalid_request_error: unknown parameter' } });
const passthrough = decisionRecord({ id: 'p', time: 0, decision: 'passthrough', ruleId: null, requestedModel: 'claude-haiku-4-5' });
const all = [accepted, escalated, failed, passthrough];

describe('filterDecisions', () => {
  it('keeps everything for "all" and one kind otherwise', () => {
    expect(filterDecisions(all, 'all')).toHaveLength(4);
    expect(filterDecisions(all, 'escalated').map((r) => r.id)).toEqual(['e']);
    expect(filterDecisions(all, 'draft_error').map((r) => r.id)).toEqual(['f']);
  });

  it('searches models, reasons and errors', () => {
    expect(filterDecisions(all, 'all', 'max_tokens').map((r) => r.id)).toEqual(['e']);
    expect(filterDecisions(all, 'all', 'UNKNOWN PARAMETER').map((r) => r.id)).toEqual(['f']);
    expect(filterDecisions(all, 'all', 'http_status').map((r) => r.id)).toEqual(['f']);
    expect(filterDecisions(all, 'passthrough', 'haiku').map((r) => r.id)).toEqual(['p']);
    expect(filterDecisions(all, 'accepted', 'max_tokens')).toEqual([]);
  });
});

describe('mergeDecisions', () => {
  it('dedupes by id, newest first, bounded', () => {
    const updated = { ...accepted, latencyMs: 1 };
    const merged = mergeDecisions([escalated, accepted], [failed, updated, decisionRecord({ id: 'n', time: 10 })], 3);
    expect(merged.map((r) => r.id)).toEqual(['n', 'a', 'e']);
    expect(merged[1].latencyMs).toBe(1);
  });
});

describe('the reason in words', () => {
  it('lists the penalising signals, strongest first', () => {
    expect(decidingSignals(escalated.signals).map((s) => s.name)).toEqual(['tool_schema', 'truncated']);
    expect(summarizeDecision(escalated)).toBe("tool input failed schema: missing 'command'; truncated at max_tokens");
  });

  it('explains the other decisions', () => {
    expect(summarizeDecision(failed)).toBe('http_status: 400 invalid_request_error: unknown parameter');
    expect(summarizeDecision(accepted)).toBe('no quality problem found');
    expect(summarizeDecision(passthrough)).toMatch(/no rule applied/);
    expect(summarizeDecision({ ...passthrough, status: 529 })).toBe('upstream answered 529');
  });
});

describe('agent decisions', () => {
  const policy = { name: 'policy', penalty: 0, reason: 'confidence 0.91 ≥ threshold 0.55 (read)' };
  const evidence = { name: 'tool_fit', penalty: 0, support: 0.5, reason: 'Read fits the request' };
  const read = decisionRecord({ id: 'r', signals: [evidence, policy], actionClass: 'read', conversationId: 's:abc123', project: '/home/ada/shop' });
  const skip = decisionRecord({ id: 's', decision: 'not_worth_drafting', confidence: null, signals: [] });

  it('says why the policy let a draft through when nothing counted against it', () => {
    expect(summarizeDecision(read)).toBe('confidence 0.91 ≥ threshold 0.55 (read)');
    expect(summarizeDecision(escalated)).toBe("tool input failed schema: missing 'command'; truncated at max_tokens");
    expect(summarizeDecision(skip)).toBe('a rule matched, but drafting was not expected to pay');
  });

  it('groups signals into against, for and notes', () => {
    const against = { name: 'loop', penalty: 0.3, reason: 'same call as two turns ago' };
    expect(groupSignals([policy, evidence, against, { ...evidence, name: 'grounded', support: 0.8 }])).toEqual({
      against: [against],
      support: [{ ...evidence, name: 'grounded', support: 0.8 }, evidence],
      notes: [policy],
    });
  });

  it('finds records by class, conversation, project and later failure', () => {
    const failed = decisionRecord({ id: 'f2', laterFailed: { time: 1, reason: 'Edit came back is_error' } });
    const records = [read, failed, accepted];
    expect(filterDecisions(records, 'all', 'read').map((r) => r.id)).toEqual(['r']);
    expect(filterDecisions(records, 'all', 'S:ABC').map((r) => r.id)).toEqual(['r']);
    expect(filterDecisions(records, 'all', 'shop').map((r) => r.id)).toEqual(['r']);
    expect(filterDecisions(records, 'all', 'is_error').map((r) => r.id)).toEqual(['f2']);
  });
});
