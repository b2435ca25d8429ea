// The simulator refuses what the real Messages API refuses, with its 400 invalid_request_error
// in the API's error shape, and accepts what the API accepts (an assistant first turn, two user
// turns in a row, max_tokens 0). Sent with the official SDK (its types would stop most of these
// bodies, the SDK itself sends them); raw fetch only for a body that is not JSON.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/server';

let sim: Simulator;
let client: Anthropic;
const MODEL = 'claude-sonnet-4-6';
const user = { role: 'user' as const, content: 'Explain DNS.' };

beforeAll(async () => {
  sim = await createSimulator();
  client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-sim', maxRetries: 0 });
});
afterAll(async () => sim.close());

/** The error the SDK raised for `body`, as status and the API's error object. */
async function refusal(body: Record<string, unknown>): Promise<{ status: number | undefined; error: unknown }> {
  const err = await client.messages.create(body as never).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.APIError);
  const api = err as InstanceType<typeof Anthropic.APIError>;
  return { status: api.status, error: api.error };
}

const invalid = (message: string) => ({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error', message } } });

describe('requests the API refuses', () => {
  it.each([
    ['max_tokens missing', { model: MODEL, messages: [user] }, 'max_tokens: Field required'],
    ['max_tokens a string', { model: MODEL, max_tokens: '64', messages: [user] }, 'max_tokens: Input should be a valid integer'],
    ['max_tokens a fraction', { model: MODEL, max_tokens: 1.5, messages: [user] }, 'max_tokens: Input should be a valid integer'],
    ['max_tokens negative', { model: MODEL, max_tokens: -1, messages: [user] }, 'max_tokens: Input should be greater than or equal to 0'],
    ['model missing', { max_tokens: 64, messages: [user] }, 'model: Field required'],
    ['model not a string', { model: 7, max_tokens: 64, messages: [user] }, 'model: Input should be a valid string'],
    ['messages missing', { model: MODEL, max_tokens: 64 }, 'messages: Field required'],
    ['messages not a list', { model: MODEL, max_tokens: 64, messages: 'hi' }, 'messages: Input should be a valid list'],
    ['messages empty', { model: MODEL, max_tokens: 64, messages: [] }, 'messages: at least one message is required'],
    ['a message that is not an object', { model: MODEL, max_tokens: 64, messages: [user, 'hi'] }, 'messages.1: Input should be a valid dictionary'],
    ['an unknown role', { model: MODEL, max_tokens: 64, messages: [{ role: 'tool', content: 'x' }] }, "messages.0.role: Input should be 'user' or 'assistant'"],
    ['content missing', { model: MODEL, max_tokens: 64, messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
    [
      'empty user content',
      { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: '' }] },
      'messages.0: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      'an empty assistant turn before the end',
      { model: MODEL, max_tokens: 64, messages: [user, { role: 'assistant', content: [] }, user] },
      'messages.1: all messages must have non-empty content except for the optional final assistant message',
    ],
  ])('%s', async (_name, body, message) => {
    sim.reset();
    expect(await refusal(body)).toEqual(invalid(message));
    // Recorded, with the reason, and nothing was answered.
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0].error).toBe(message);
    expect(sim.requests[0].usage).toBeUndefined();
  });

  it('answers a body that is not JSON with a 400 that says so', async () => {
    const res = await fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body: '{"model": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'body: invalid JSON' } });
  });

  it('checks count_tokens the same way, without max_tokens', async () => {
    expect((await client.messages.countTokens({ model: MODEL, messages: [user] })).input_tokens).toBeGreaterThan(0);
    const err = await client.messages.countTokens({ model: MODEL } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual(invalid('messages: Field required').error);
  });
});

describe('requests the API accepts', () => {
  it('an assistant first turn, turns of one role in a row, an empty final assistant turn', async () => {
    for (const messages of [
      [{ role: 'assistant' as const, content: 'Hello, how can I help?' }, user],
      [user, { role: 'user' as const, content: 'And HTTP?' }],
      [user, { role: 'assistant' as const, content: '' }],
    ]) {
      const answer = await client.messages.create({ model: MODEL, max_tokens: 64, messages });
      expect(answer.content[0]).toMatchObject({ type: 'text' });
    }
  });

  it('max_tokens 0: fills the prompt cache and generates nothing', async () => {
    const answer = await client.messages.create({ model: MODEL, max_tokens: 0, messages: [user] });
    expect(answer).toMatchObject({ content: [], stop_reason: 'max_tokens', usage: { output_tokens: 0 } });
    expect(answer.usage.input_tokens).toBeGreaterThan(0);
  });
});
