import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import type { MessagesRequest } from '../wire';
import { formatAmendLine, formatDecisionLine } from './decision-line';
import { EXCERPT_CHARS, promptExcerpt } from './prompt-excerpt';

const base: DecisionRecord = {
  id: 'x',
  time: 0,
  requestedModel: 'claude-3-5-sonnet-20241022',
  answeringModel: 'claude-3-5-haiku-20241022',
  decision: 'accepted',
  ruleId: 'sonnet-3-5',
  stream: false,
  confidence: 0.9,
  threshold: 0.7,
  signals: [],
  tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
  cost: 0.00008,
  baselineCost: 0.0002,
  savings: 0.00012,
  latencyMs: 1,
  ttfbMs: 1,
  status: 200,
};

describe('formatDecisionLine', () => {
  it('counts the answering call’s retries', () => {
    const verifier = { model: 'claude-sonnet-4-6', status: 529, usage: null, cost: 0, latencyMs: 40, retries: 2, failure: { kind: 'http_status' as const, message: '529 overloaded_error: Overloaded' } };
    const failed = { ...base, decision: 'failed' as const, answeringModel: 'claude-sonnet-4-6', status: 529, verifier, failure: verifier.failure };
    expect(formatDecisionLine(failed)).toMatch(/⛔ Failed: claude-sonnet-4-6 after 2 retries: .*529 overloaded_error: Overloaded \(HTTP 529\)/);
    const escalated = { ...base, decision: 'escalated' as const, answeringModel: 'claude-sonnet-4-6', verifier: { ...verifier, status: 200, retries: 1, failure: undefined } };
    expect(formatDecisionLine(escalated)).toMatch(/to verifier: claude-sonnet-4-6 after 1 retry \(reason:/);
    expect(formatDecisionLine({ ...escalated, verifier: { ...escalated.verifier, retries: undefined } })).not.toMatch(/retr/);
  });

  it('names the draft’s action class, and the policy’s reason when no signal lowered confidence', () => {
    expect(formatDecisionLine({ ...base, actionClass: 'read' })).toMatch(/^\[x\] ✅ Draft accepted \(read\): claude-3-5-haiku/);
    const line = formatDecisionLine({
      ...base,
      decision: 'escalated',
      actionClass: 'answer',
      unverified: true,
      signals: [{ name: 'policy', penalty: 0, reason: 'unverified answer: the rule waits for evidence' }],
    });
    expect(line).toMatch(/^\[x\] ❌ Escalated \(answer, unverified\) to verifier: .*\(reason: unverified answer: the rule waits for evidence\)/);
  });

  it('a skipped draft, with the gate’s reasons', () => {
    const line = formatDecisionLine({
      ...base,
      decision: 'not_worth_drafting',
      answeringModel: 'claude-3-5-sonnet-20241022',
      confidence: null,
      signals: [{ name: 'after_failure', penalty: 0, reason: "an accepted draft's Edit came back is_error: the requested model answers" }],
    });
    expect(line).toBe(
      "[x] ⏭️  Not worth drafting: answered by claude-3-5-sonnet-20241022 (an accepted draft's Edit came back is_error: the requested model answers), $0.000080",
    );
  });

  it('amendments: a later failure and a shadow check, naming the record by its request id', () => {
    expect(formatAmendLine({ id: '0123456789abcdef', laterFailed: { time: 1, reason: 'Edit came back is_error' } })).toBe(
      "[0123456789abcdef] ↩️  Later failed: accepted draft (Edit came back is_error); escalating the conversation's next requests",
    );
    const shadow = { model: 'opus', agreed: false, reason: 'final numbers differ: 42 vs 41', cost: 0.0021, usage: null };
    expect(formatAmendLine({ id: 'abcdefghij', shadow })).toBe('[abcdefghij] 🔍 Shadow check by opus: disagreed (final numbers differ: 42 vs 41), $0.002100');
  });


  it('accepted, in the seed format', () => {
    expect(formatDecisionLine(base)).toBe(
      '[x] ✅ Draft accepted: claude-3-5-haiku-20241022, $0.000080 (~60% savings vs claude-3-5-sonnet-20241022)',
    );
  });

  it('escalated, with the reasons that lowered confidence', () => {
    const line = formatDecisionLine({
      ...base,
      decision: 'escalated',
      answeringModel: 'claude-3-5-sonnet-20241022',
      confidence: 0.3,
      cost: 0.00028,
      signals: [
        { name: 'truncated', penalty: 0.5, reason: 'truncated at max_tokens' },
        { name: 'length', penalty: 0, reason: 'length fine' },
      ],
    });
    expect(line).toBe('[x] ❌ Escalated to verifier: claude-3-5-sonnet-20241022 (reason: truncated at max_tokens), $0.000280');
  });

  it('escalated without penalising signals names the threshold', () => {
    const line = formatDecisionLine({ ...base, decision: 'escalated', confidence: 0.65, answeringModel: 'claude-3-5-sonnet-20241022' });
    expect(line).toContain('(reason: confidence 0.65 < threshold 0.70)');
  });

  it('draft error and passthrough; unknown prices are said, not $0', () => {
    expect(
      formatDecisionLine({
        ...base,
        decision: 'draft_error',
        answeringModel: 'claude-3-5-sonnet-20241022',
        failure: { kind: 'http_status', message: '400 invalid_request_error: thinking: unsupported' },
        draft: { model: 'claude-3-5-haiku-20241022', status: 400, usage: null, cost: 0, latencyMs: 1 },
      }),
    ).toBe(
      '[x] ⚠️ Draft error (claude-3-5-haiku-20241022: http_status: 400 invalid_request_error: thinking: unsupported), answered by claude-3-5-sonnet-20241022, $0.000080',
    );
    const skipped = 'claude-sonnet-5-5 does not accept tool_choice "tool"';
    expect(
      formatDecisionLine({ ...base, decision: 'draft_error', answeringModel: 'claude-opus-4-6', failure: { kind: 'skipped', message: skipped } }),
    ).toBe(
      `[x] ⚠️ Draft error (skipped: ${skipped}), answered by claude-opus-4-6, $0.000080`,
    );
    expect(
      formatDecisionLine({ ...base, decision: 'passthrough', answeringModel: 'mystery', cost: null, baselineCost: null, savings: null, unpricedModels: ['mystery'] }),
    ).toBe('[x] ➡️  Passthrough: mystery, cost unknown [no price for mystery]');
  });

  it('failed: the client got an error, named with its status and what was tried first', () => {
    const failure = { kind: 'http_status' as const, message: '529 overloaded_error: Overloaded' };
    expect(formatDecisionLine({ ...base, decision: 'failed', answeringModel: 'nope', status: 404, cost: 0, failure: { kind: 'http_status', message: '404 not_found_error: model: nope' } })).toBe(
      '[x] ⛔ Failed: nope: http_status: 404 not_found_error: model: nope (HTTP 404), $0.000000',
    );
    const draft = { model: 'claude-3-5-haiku-20241022', status: 200, usage: null, cost: 0.00008, latencyMs: 1 };
    expect(formatDecisionLine({ ...base, decision: 'failed', answeringModel: 'claude-3-5-sonnet-20241022', status: 529, failure, draft })).toBe(
      '[x] ⛔ Failed: claude-3-5-sonnet-20241022: http_status: 529 overloaded_error: Overloaded (HTTP 529), after a draft by claude-3-5-haiku-20241022, $0.000080',
    );
  });
});

describe('prompt excerpts (settings.logPrompts)', () => {
  const ask = (content: MessagesRequest['messages'][number]['content']): MessagesRequest => ({
    model: 'claude-opus-5-5',
    messages: [
      { role: 'user', content: 'an earlier question' },
      { role: 'assistant', content: 'an answer' },
      { role: 'user', content },
    ],
  });

  it('takes the last user message on one short line, without Claude Code’s system reminders', () => {
    const excerpt = promptExcerpt(
      ask([
        { type: 'text', text: '<system-reminder>\nContext the user did not type.\n</system-reminder>' },
        { type: 'text', text: 'Fix the failing test\nin\tsrc/app.ts \u001b[31mnow\u001b[0m' },
      ]),
    );
    expect(excerpt).toBe('Fix the failing test in src/app.ts [31mnow [0m');
    const long = promptExcerpt(ask('word '.repeat(100)));
    expect(long).toHaveLength(EXCERPT_CHARS);
    expect(long?.endsWith('…')).toBe(true);
    expect(promptExcerpt(ask([{ type: 'tool_result', tool_use_id: 't1', content: 'secret output' }]))).toBe('(tool results)');
    expect(promptExcerpt({ model: 'm', messages: [] })).toBeNull();
  });

  it('keeps one line whatever the client or upstream put in model ids and error messages', () => {
    const line = formatDecisionLine({
      ...base,
      decision: 'failed',
      answeringModel: 'evil\n✅ Draft accepted: forged\u001b[2J',
      status: 500,
      failure: { kind: 'http_status', message: 'boom\r\nsecond line' },
    });
    expect(line).toBe('[x] ⛔ Failed: evil ✅ Draft accepted: forged [2J: http_status: boom second line (HTTP 500), $0.000080');
  });

  it('reads no excerpt from malformed messages instead of throwing', () => {
    const malformed = (messages: unknown[]) => promptExcerpt({ model: 'm', messages } as MessagesRequest);
    expect(malformed([null, { role: 'user', content: 5 }])).toBeNull();
    expect(malformed([{ role: 'user', content: [null, { type: 'text', text: 'hi' }] }])).toBe('hi');
  });

  it('is appended to the decision line only when given, quoted so it stays one line', () => {
    expect(formatDecisionLine(base, 'say "hi"')).toBe(`${formatDecisionLine(base)} | prompt: "say \\"hi\\""`);
  });
});
