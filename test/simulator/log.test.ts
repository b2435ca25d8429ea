// The simulator's request log: one timestamped line per request with method, path, model,
// status, the behaviour and the marker or script that chose it, unknown markers and duration;
// never the prompt text or the key. Without the `log` option it writes nothing.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/server';

const KEY = 'sk-sim-secret-key-0123';
const PROMPT = 'Explain the secret plan';
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  vi.restoreAllMocks();
});

/** Waits for `n` lines: the line is written when the response closes, after the client has the answer. */
async function linesAfter(lines: string[], n: number): Promise<string[]> {
  await vi.waitFor(() => expect(lines.length).toBeGreaterThanOrEqual(n), { timeout: 5_000, interval: 5 });
  return lines;
}

describe('simulator request log', () => {
  it('writes one line per request, without prompt text or keys', async () => {
    const lines: string[] = [];
    sim = await createSimulator({ log: (line) => lines.push(line) });
    const client = new Anthropic({ baseURL: sim.url, apiKey: KEY, maxRetries: 0 });
    const messages = (marker: string) => [{ role: 'user' as const, content: `${PROMPT} ${marker}` }];

    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: messages('[sim:haiku=refusal] [sim:nope]') });
    await client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: messages('') }).finalMessage();
    await client.messages.create({ model: 'claude-sonnet-4-6', messages: messages('') } as never).catch(() => undefined);
    sim.script('claude-opus-*', { kind: 'error', status: 429, message: 'slow down' });
    await client.messages.create({ model: 'claude-opus-4-8', max_tokens: 64, messages: messages('') }).catch(() => undefined);
    await client.models.list();

    const logged = await linesAfter(lines, 5);
    const timestamp = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;
    const expected = [
      String.raw`POST /v1/messages claude-haiku-4-5 200 refusal by \[sim:haiku=refusal\] unknown \[sim:nope\] \d+ms`,
      String.raw`POST /v1/messages claude-sonnet-4-6 200 stream good \d+ms`,
      String.raw`POST /v1/messages claude-sonnet-4-6 400 "max_tokens: Field required" \d+ms`,
      String.raw`POST /v1/messages claude-opus-4-8 429 error by script "slow down" \d+ms`,
      String.raw`GET /v1/models 200 \d+ms`,
    ];
    expect(logged).toHaveLength(5);
    logged.forEach((line, i) => expect(line).toMatch(new RegExp(`^${timestamp} ${expected[i]}$`)));
    for (const line of logged) {
      expect(line).not.toContain('secret');
      expect(line).not.toContain(KEY);
    }
  });

  it('writes nothing without the log option', async () => {
    const spies = [vi.spyOn(console, 'log'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')];
    sim = await createSimulator();
    const client = new Anthropic({ baseURL: sim.url, apiKey: KEY, maxRetries: 0 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] });
    await vi.waitFor(() => expect(sim?.requests[0]?.finished).toBe(true), { timeout: 5_000, interval: 5 });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
