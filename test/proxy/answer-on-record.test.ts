// An answer the client has whole is on record: the last bytes of every answer on the request
// path (the JSON body, the stream's message_stop or error event, the proxy's own error) leave
// only after its decision record was handed to the store, whose team journal is written at
// append; a kill -9 between the two would otherwise lose a request its client saw answered.
// Watched from inside the proxy's process: each write and end of a response is checked against
// the decision log lines written so far (one per record, written by the same step).
import http from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_ID_HEADER } from '../../contracts/decision';
import { HAIKU, HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';

/** A write or end of a response that completes its answer, and whether its record was made by then. */
interface Final {
  what: 'end' | 'final write';
  recorded: boolean;
}

/** Writes that complete an answer: the Messages stream's last events, an OpenAI stream's end marker. */
const COMPLETES = /event: message_stop|event: error|data: \[DONE\]/;

let h: Harness;
const finals = new Map<string, Final[]>();

function observe(res: http.OutgoingMessage, what: Final['what'], chunk: unknown): void {
  if (!(res instanceof http.ServerResponse)) return;
  const id = res.getHeader(REQUEST_ID_HEADER);
  if (typeof id !== 'string') return;
  if (what === 'final write' && !(chunk !== undefined && COMPLETES.test(String(chunk)))) return;
  const recorded = h.logs.some((line) => line.startsWith(`[${id}]`));
  finals.set(id, [...(finals.get(id) ?? []), { what, recorded }]);
}

beforeAll(async () => {
  h = await startHarness({ draftTimeoutMs: 2_000, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  const { end, write } = http.OutgoingMessage.prototype;
  vi.spyOn(http.OutgoingMessage.prototype, 'end').mockImplementation(function (this: http.OutgoingMessage, ...args: unknown[]) {
    observe(this, 'end', typeof args[0] === 'function' ? undefined : args[0]);
    return (end as (...a: unknown[]) => http.OutgoingMessage).apply(this, args);
  });
  vi.spyOn(http.OutgoingMessage.prototype, 'write').mockImplementation(function (this: http.OutgoingMessage, ...args: unknown[]) {
    observe(this, 'final write', args[0]);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});
beforeEach(async () => h.mark());

/** Every completing write and the end of the answer `id` came after its record. */
function expectOnRecordFirst(id: string | null): void {
  expect(id).toMatch(/.+/);
  const seen = finals.get(id!) ?? [];
  expect(seen.some((final) => final.what === 'end')).toBe(true);
  expect(seen.filter((final) => !final.recorded)).toEqual([]);
}

/** A Messages request as a client sends it; the response whatever its status. */
const post = (body: object) =>
  fetch(`${h.proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test-client-key', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });

const ask = { max_tokens: 256, messages: [{ role: 'user' as const, content: 'Explain how a TCP handshake works, step by step.' }] };

describe('the last bytes of an answer leave after its record', () => {
  const cases: Array<[string, string, () => void]> = [
    ['accepted draft', SONNET, () => {}],
    ['escalated to the verifier', SONNET, () => h.sim.script(HAIKU_DRAFT, { kind: 'refusal' })],
    ['passthrough', HAIKU, () => {}],
    ['the upstream’s error, relayed', HAIKU, () => h.sim.script(HAIKU, { kind: 'error', status: 400 })],
  ];
  for (const stream of [false, true]) {
    for (const [name, model, setup] of cases) {
      it(`${stream ? 'stream' : 'JSON'}: ${name}`, async () => {
        setup();
        const response = await post({ ...ask, model, stream });
        await response.text();
        expectOnRecordFirst(response.headers.get(REQUEST_ID_HEADER));
        expect((await h.decisions(1)).length).toBe(1);
      });
    }
  }

  it('stream: the upstream’s error event midway', async () => {
    h.sim.script(HAIKU, { kind: 'stream_error' });
    const response = await post({ ...ask, model: HAIKU, stream: true });
    expect(await response.text()).toMatch(/event: error/);
    expectOnRecordFirst(response.headers.get(REQUEST_ID_HEADER));
  });

  it('stream: the proxy’s own error event when the verifier’s stream breaks', async () => {
    h.sim.script(HAIKU_DRAFT, { kind: 'refusal' });
    h.sim.script(SONNET, { kind: 'break' });
    const response = await post({ ...ask, model: SONNET, stream: true });
    expect(await response.text()).toMatch(/event: error[\s\S]*Upstream claude-sonnet-4-6/);
    expectOnRecordFirst(response.headers.get(REQUEST_ID_HEADER));
  });

  for (const stream of [false, true]) {
    it(`OpenAI chat completions, ${stream ? 'stream' : 'JSON'}: accepted draft and passthrough`, async () => {
      const client = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: 'sk-ant-test-openai-client', maxRetries: 0 });
      for (const model of [SONNET, HAIKU]) {
        const response = await client.chat.completions.create({ model, max_tokens: 256, messages: ask.messages, stream }).asResponse();
        expect(await response.text()).toMatch(stream ? /data: \[DONE\]/ : /"choices"/);
        expectOnRecordFirst(response.headers.get(REQUEST_ID_HEADER));
      }
    });
  }
});
