// An answer the client has whole is on record: the last bytes of every answer on the request
// path (the JSON body, the stream's message_stop or error event, the proxy's own error) leave
// only after its decision record was handed to the store, whose team journal is written at
// append; a kill -9 between the two would otherwise lose a request its client saw answered.
// Watched from inside the proxy's process: each write and end of a response is checked against
// the records handed to the store so far (deps.keep; the log line and the rest of the sink come
// after the end, in the same turn). Paths: every decision, JSON and stream, both APIs; the
// proxy's own error with nothing sent yet; a stream the keep-alive committed early
// (request/keepalive.ts) that then gets its answer.
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
/** Commits a waiting stream after 20 ms (the drafts below are held longer: the tests wait for the headers, not for time). */
let early: Harness;
/** A proxy whose upstream refuses connections (a port just closed). */
let down: Harness;
const finals = new Map<string, Final[]>();
/** Ids of the records handed to each harness's store (deps.keep), as they are. */
const kept = new Set<string>();

function observe(res: http.OutgoingMessage, what: Final['what'], chunk: unknown): void {
  if (!(res instanceof http.ServerResponse)) return;
  const id = res.getHeader(REQUEST_ID_HEADER);
  if (typeof id !== 'string') return;
  if (what === 'final write' && !(chunk !== undefined && COMPLETES.test(String(chunk)))) return;
  const recorded = kept.has(id);
  finals.set(id, [...(finals.get(id) ?? []), { what, recorded }]);
}

beforeAll(async () => {
  h = await startHarness({ draftTimeoutMs: 2_000, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  early = await startHarness({ draftTimeoutMs: 2_000, keepalive: { afterMs: 20, everyMs: 20 } });
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as { port: number };
  await new Promise((resolve) => closed.close(resolve));
  down = await startHarness({ env: { CASCADEFLOW_UPSTREAM_URL: `http://127.0.0.1:${port}` } });
  for (const { ctx } of [h, early, down]) {
    const keep = ctx.keep;
    ctx.keep = (record) => {
      kept.add(record.id);
      keep(record);
    };
  }
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
  await Promise.all([h, early, down].map((harness) => harness.close()));
});
beforeEach(async () => {
  await Promise.all([h, early, down].map((harness) => harness.mark()));
});

/** Every completing write and the end of the answer `id` came after its record. */
function expectOnRecordFirst(id: string | null): void {
  expect(id).toMatch(/.+/);
  const seen = finals.get(id!) ?? [];
  expect(seen.some((final) => final.what === 'end')).toBe(true);
  expect(seen.filter((final) => !final.recorded)).toEqual([]);
}

/** A request as a client sends it (to /v1/messages unless told), the response whatever its status. */
const post = (body: object, to: Harness = h, path = 'messages') =>
  fetch(`${to.proxy.url}/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test-client-key', authorization: 'Bearer sk-ant-test-openai-client', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });

/** A promise the test settles when it is done with a held upstream call. */
function hold(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

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

describe('the proxy’s own error with nothing sent (lastError): an upstream it cannot reach', () => {
  for (const api of ['messages', 'chat/completions']) {
    for (const stream of [false, true]) {
      it(`${api} ${stream ? 'stream' : 'JSON'}: 502 after the record, recorded as 502`, async () => {
        const response = await post({ ...ask, model: HAIKU, stream }, down, api);
        expect(response.status).toBe(502);
        expect(await response.text()).toMatch(/Could not reach the upstream API/);
        expectOnRecordFirst(response.headers.get(REQUEST_ID_HEADER));
        const [record] = await down.decisions(1);
        expect(record).toMatchObject({ decision: 'failed', status: 502 });
      });
    }
  }
});

describe('a stream committed early by the keep-alive', () => {
  for (const [decision, kind] of [
    ['accepted', 'good'],
    ['escalated', 'refusal'],
  ] as const) {
    it(`${decision}: the answer's message_stop leaves after the record`, async () => {
      const draft = hold();
      early.sim.script(HAIKU_DRAFT, { kind, until: draft.promise }, 1);
      // Headers arrive only through the early commit: nothing else is sent while the draft is held.
      const response = await post({ ...ask, model: SONNET, stream: true }, early);
      expect(response.headers.get('x-cascadeflow-decision')).toBeNull();
      draft.release();
      expect(await response.text()).toMatch(/^event: ping[\s\S]*event: message_stop/);
      expectOnRecordFirst(response.headers.get(REQUEST_ID_HEADER));
      expect(await early.decisions(1)).toMatchObject([{ decision, status: 200 }]);
    });
  }

  it('the verifier’s JSON error, held whole, goes out as the error event after the record', async () => {
    const draft = hold();
    early.sim.script(HAIKU_DRAFT, { kind: 'refusal', until: draft.promise }, 1);
    early.sim.script(SONNET, { kind: 'error', status: 400, message: 'nope' });
    const response = await post({ ...ask, model: SONNET, stream: true }, early);
    draft.release();
    expect(await response.text()).toMatch(/^event: ping[\s\S]*event: error\ndata: .*nope/);
    expectOnRecordFirst(response.headers.get(REQUEST_ID_HEADER));
    expect(await early.decisions(1)).toMatchObject([{ decision: 'failed' }]);
  });
});
