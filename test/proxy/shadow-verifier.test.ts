// The shadow verifier against the real simulator: what it sends, what it reports and what it
// costs, its bounds (concurrency, queue, pause) and its shutdown.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecisionAmend } from '../../contracts/decision';
import { createSimulator, type Simulator } from '../../simulator/server';
import { draftMessage, requestFor } from '../fixtures/messages';
import { rule } from '../fixtures/contracts';
import { createAccounting } from '../../proxy/pricing/accounting';
import { ShadowVerifier, type ShadowCandidate, type ShadowVerifierOptions } from '../../proxy/shadow/verifier';

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator();
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

const SONNET = 'claude-sonnet-4-6';
const accounting = createAccounting(() => ({}));

function verifier(over: Partial<ShadowVerifierOptions> = {}) {
  const results: DecisionAmend[] = [];
  const warnings: string[] = [];
  const shadow = new ShadowVerifier({
    upstreamUrl: () => sim.url,
    accounting,
    paused: () => false,
    onResult: (change) => results.push(change),
    warn: (message) => warnings.push(message),
    sample: () => true,
    ...over,
  });
  return { shadow, results, warnings };
}

const question = requestFor('Explain what a TCP handshake is.', { model: SONNET, stream: true });
const candidate = (over: Partial<ShadowCandidate> = {}): ShadowCandidate => ({
  recordId: 'record-1',
  rule: rule({ shadowRate: 1 }),
  request: question,
  headers: { 'x-api-key': 'sk-test', 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
  pathAndQuery: '/v1/messages?beta=true',
  draft: draftMessage('A handshake opens a TCP connection.'),
  ...over,
});

/** Passes once `check` does; the simulator answers in the background. */
const until = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 5 });

/** A promise a test settles when it has seen what it waits for. */
function hold(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('ShadowVerifier', () => {
  it('samples nothing at the default rate of 0', () => {
    const { shadow } = verifier();
    expect(shadow.consider(candidate({ rule: rule() }))).toBe(false);
    expect(shadow.consider(candidate({ rule: rule({ shadowRate: 0.5 }) }))).toBe(true);
    expect(verifier({ sample: () => false }).shadow.consider(candidate())).toBe(false);
  });

  it("sends the request to the verifier, unstreamed, with the client's headers and path, and reports agreement and cost", async () => {
    const text = 'A TCP handshake opens a connection: SYN, SYN-ACK, ACK.';
    sim.script(SONNET, { kind: 'good', text });
    const { shadow, results } = verifier();
    shadow.consider(candidate({ draft: draftMessage(text) }));
    await until(() => expect(results.length).toBe(1));
    const [sent] = sim.messagesFor(SONNET);
    expect(sent.body).toMatchObject({ model: SONNET, stream: false, messages: question.messages });
    expect(sent.query).toBe('beta=true');
    expect(sent.headers['x-api-key']).toBe('sk-test');
    const usage = sent.usage as { input_tokens: number; output_tokens: number };
    expect(results).toEqual([
      {
        id: 'record-1',
        shadow: {
          model: SONNET,
          agreed: true,
          method: 'wording',
          reason: 'wording similarity 1.00 ≥ 0.55',
          // Sonnet 4.6 list price: $3 per million input tokens, $15 per million output tokens.
          cost: expect.closeTo((usage.input_tokens * 3 + usage.output_tokens * 15) / 1e6, 12) as number,
          usage: expect.objectContaining({ input_tokens: usage.input_tokens, output_tokens: usage.output_tokens }) as object,
        },
      },
    ]);
  });

  it("asks the rule's verifier model when it names one", async () => {
    const { shadow, results } = verifier();
    shadow.consider(candidate({ rule: rule({ shadowRate: 1, verifierModel: 'claude-opus-4-6' }) }));
    await until(() => expect(results.length).toBe(1));
    expect(results[0].shadow?.model).toBe('claude-opus-4-6');
    expect(sim.messagesFor('claude-opus-4-6')).toHaveLength(1);
  });

  it('reports a failed call with what it cost and no comparison', async () => {
    sim.script(SONNET, { kind: 'error', status: 529 });
    const { shadow, results } = verifier();
    shadow.consider(candidate());
    await until(() => expect(results.length).toBe(1));
    expect(results[0].shadow).toMatchObject({ agreed: false, reason: 'no comparison: http_status', cost: 0, failure: { kind: 'http_status' } });
  });

  it('runs two calls at once, queues the next, drops beyond the queue, and starts nothing while paused', async () => {
    const call = hold();
    sim.script(SONNET, { kind: 'good', until: call.promise });
    let paused = false;
    const { shadow, results } = verifier({ queueLimit: 2, paused: () => paused });
    const offered = ['a', 'b', 'c', 'd', 'e'].map((id) => shadow.consider(candidate({ recordId: id })));
    expect(offered).toEqual([true, true, true, true, false]);
    expect(shadow.dropped).toBe(1);
    await until(() => expect(sim.messagesFor(SONNET).length).toBe(2));
    paused = true;
    expect(shadow.consider(candidate({ recordId: 'f' }))).toBe(false);
    call.release();
    await until(() => expect(results.length).toBe(2));
    // The queued two were let go, not started: the proxy was paused when their turn came.
    paused = false;
    expect(shadow.consider(candidate({ recordId: 'g' }))).toBe(true);
    await until(() => expect(results.map((r) => r.id)).toEqual(['a', 'b', 'g']));
    expect(sim.messagesFor(SONNET)).toHaveLength(3);
    await shadow.close();
  });

  it('aborts running calls on close and reports nothing', async () => {
    const never = hold();
    sim.script(SONNET, { kind: 'good', until: never.promise });
    const { shadow, results, warnings } = verifier();
    shadow.consider(candidate());
    await until(() => expect(sim.messagesFor(SONNET).length).toBe(1));
    await shadow.close();
    await until(() => expect(sim.messagesFor(SONNET)[0].aborted).toBe(true));
    expect(results).toEqual([]);
    expect(warnings).toEqual([]);
    expect(shadow.consider(candidate())).toBe(false);
    never.release();
  });
});
