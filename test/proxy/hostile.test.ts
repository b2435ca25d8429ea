// Hostile and malformed input, through the real proxy and the simulator: bodies nested past the
// depth limit (one clean 400 on every path), model ids no HTTP header can carry, model ids by
// the thousand and by the megabyte (bounded keys and store), and what Node's HTTP parser
// refuses before any route runs (Anthropic-format errors, bounded slow drips), and more large
// bodies at once than the body budget holds (they wait, or get a 529; the budget comes back).
import { connect } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../proxy/request/body-depth';
import { MAX_BODY_BYTES, OVERLOADED_RETRY_AFTER_S } from '../../proxy/request/body-budget';
import { MODEL_ID_MAX_CHARS } from '../../proxy/request/record';
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from '../../proxy/http/server-limits';
import { MODEL_KEYS_MAX, OTHER_MODELS } from '../../proxy/stats/totals';
import { HAIKU, HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';
import { waitFor } from '../wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ draftTimeoutMs: 2_000 });
});
afterAll(async () => h.close());
beforeEach(async () => h.mark());

const KEY = { 'x-api-key': 'sk-test-client-key', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };

function post(path: string, body: string, headers: Record<string, string> = KEY): Promise<Response> {
  return fetch(`${h.proxy.url}${path}`, { method: 'POST', headers, body });
}

/** A Messages body whose user turn carries `depth` levels of nested arrays (built as text: JSON.stringify itself would overflow). */
function deepBody(model: string, depth: number): string {
  return `{"model":${JSON.stringify(model)},"max_tokens":64,"messages":[{"role":"user","content":[{"type":"text","text":"Explain DNS.","x":${'['.repeat(depth - 5)}${']'.repeat(depth - 5)}}]}]}`;
}

describe('nesting depth: one limit on every path', () => {
  const tooDeep = deepBody(SONNET, MAX_JSON_DEPTH + 1);

  it(`answers a body nested past ${MAX_JSON_DEPTH} levels with a 400 naming the limit, cascaded or not, on every endpoint`, async () => {
    for (const [path, body] of [
      ['/v1/messages', tooDeep],
      ['/v1/messages', deepBody(HAIKU, MAX_JSON_DEPTH + 1)],
      ['/v1/messages/count_tokens', tooDeep],
      ['/v1/messages', deepBody(SONNET, 50_000)],
    ]) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining(`more than ${MAX_JSON_DEPTH} levels deep`) } });
    }
    const openai = await post('/v1/chat/completions', `{"model":"${SONNET}","messages":[{"role":"user","content":"hi"}],"metadata":${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
    expect(openai.status).toBe(400);
    expect(await openai.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining(`more than ${MAX_JSON_DEPTH} levels deep`) } });
    // Nothing went upstream, and the server is fine.
    expect(h.sim.requests).toHaveLength(0);
    expect((await fetch(`${h.proxy.url}/`)).status).toBe(200);
  });

  it('passes a body at the limit through untouched, and cascades one on a cascaded model', async () => {
    const atLimit = deepBody(HAIKU, MAX_JSON_DEPTH);
    const res = await post('/v1/messages', atLimit);
    expect(res.status).toBe(200);
    expect(h.sim.messagesFor(HAIKU).map((r) => r.rawBody)).toEqual([atLimit]);
    const cascaded = await post('/v1/messages', deepBody(SONNET, MAX_JSON_DEPTH));
    expect(cascaded.status).toBe(200);
    expect(cascaded.headers.get('x-cascadeflow-decision')).toMatch(/accepted|escalated|draft_error/);
    expect(h.sim.messagesFor(HAIKU_DRAFT)).toHaveLength(1);
  });
});

describe('model ids no header can carry', () => {
  it('answers what the upstream answered, with the id percent-encoded in x-cascadeflow-model', async () => {
    for (const [model, encoded] of [
      [`${HAIKU}\u0000`, `${HAIKU}%00`],
      ['日本', '%E6%97%A5%E6%9C%AC'],
      [`${HAIKU}\r\nx-evil: 1`, `${HAIKU}%0D%0Ax-evil: 1`],
    ]) {
      await h.mark();
      const res = await post('/v1/messages', JSON.stringify({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Explain DNS.' }] }));
      const [sent] = h.sim.requests.filter((r) => r.path === '/v1/messages' && r.body?.model === model);
      // The upstream's own status (200 for an id it reads by prefix, 404 for one it does not know), never a proxy 502.
      expect(res.status).toBe(sent.error ? 404 : 200);
      expect(res.headers.get('x-cascadeflow-model')).toBe(encoded);
      expect(res.headers.get('x-evil')).toBeNull();
      await res.arrayBuffer();
      const [record] = await h.decisions(1);
      expect(record.requestedModel).toBe(model);
    }
  });
});

describe('client-supplied model ids in the stats', () => {
  it('1,000 distinct ids leave a bounded set of keys (the rest folded into one)', async () => {
    const before = await h.ctx.control.getStats();
    const ids = Array.from({ length: 1_000 }, (_, i) => (i % 2 ? `nope-${i}` : `${HAIKU}-x${i}`));
    const lanes = 16;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = lane; i < ids.length; i += lanes) {
          const res = await post('/v1/messages', JSON.stringify({ model: ids[i], max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }));
          await res.arrayBuffer();
        }
      }),
    );
    const { allTime } = await waitFor(async () => {
      const stats = await h.ctx.control.getStats();
      return stats.allTime.queries - before.allTime.queries === 1_000 ? stats : null;
    }, 'the 1,000 records');
    // Unknown ids are refused (404): never an answering model, never a $0 cost key.
    expect(Object.keys(allTime.modelsUsed).filter((m) => m.startsWith('nope-'))).toEqual([]);
    expect(Object.keys(allTime.costByModel).filter((m) => m.startsWith('nope-'))).toEqual([]);
    // Ids the simulator answers by prefix (priced by the price table's pattern): bounded too.
    expect(Object.keys(allTime.modelsUsed)).toHaveLength(MODEL_KEYS_MAX + 1);
    expect(Object.keys(allTime.costByModel)).toHaveLength(MODEL_KEYS_MAX + 1);
    // The first ids took the keys still free; the rest counted under one.
    const free = MODEL_KEYS_MAX - Object.keys(before.allTime.modelsUsed).length;
    expect(allTime.modelsUsed[OTHER_MODELS]).toBe(500 - free);
  }, 30_000);

  it('a 1 MB model id grows neither /stats nor the log by more than a few hundred bytes', async () => {
    const statsBytes = async () => (await (await fetch(`${h.proxy.url}/stats`)).text()).length;
    const before = await statsBytes();
    for (const model of [`${HAIKU}${'x'.repeat(1 << 20)}`, `nope${'y'.repeat(1 << 20)}`]) {
      const res = await post('/v1/messages', JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }));
      await res.arrayBuffer();
      expect(res.headers.get('x-cascadeflow-model')?.length).toBeLessThanOrEqual(200);
    }
    const records = await h.decisions(2);
    for (const record of records) {
      expect(record.requestedModel.length).toBe(MODEL_ID_MAX_CHARS);
      expect(JSON.stringify(record).length).toBeLessThan(4_000);
    }
    expect(records[1]).toMatchObject({ decision: 'failed', status: 404 });
    for (const line of h.logs.slice(-2)) expect(line.length).toBeLessThan(2_000);
    expect((await statsBytes()) - before).toBeLessThan(1_000);
  });
});

describe('what Node’s HTTP parser refuses', () => {
  /** Sends raw bytes; resolves with everything the server answered once it closes the connection. */
  function raw(write: (socket: ReturnType<typeof connect>) => void, timeoutMs = 5_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(h.proxy.port, '127.0.0.1', () => write(socket));
      let answer = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(answer.slice(0, 200))}`));
      }, timeoutMs);
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(answer);
      });
      socket.on('error', () => {});
    });
  }

  function parse(answer: string): { status: number; body: unknown } {
    const [head, body] = answer.split('\r\n\r\n', 2);
    return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
  }

  it('answers each with an Anthropic-format error', async () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['two Content-Length headers', 'POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', 400, /repeated Content-Length/],
      ['a bad chunk size', 'POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 400, /chunk size/],
      ['headers over 16 KB', `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, /exceed 16 KB/],
      ['a control character in a header', 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\u0001b\r\n\r\n', 400, /invalid character in a header/],
      ['no Host', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 400, /Missing Host header/],
      ['not HTTP at all', 'HELLO\r\n\r\n', 400, /could not be parsed/],
    ];
    for (const [what, bytes, status, message] of cases) {
      const answer = parse(await raw((socket) => socket.write(bytes)));
      expect(answer, what).toEqual({ status, body: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(message) } } });
    }
  });

  it(`closes a slow drip of headers with a 408 after ${HEADERS_TIMEOUT_MS / 1000} s`, async () => {
    const started = Date.now();
    const answer = await raw((socket) => {
      const bytes = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ' + 'a'.repeat(100);
      let i = 0;
      const drip = setInterval(() => {
        if (i < bytes.length && !socket.destroyed) socket.write(bytes[i++]);
        else clearInterval(drip);
      }, 200);
      socket.on('close', () => clearInterval(drip));
    }, HEADERS_TIMEOUT_MS + 5_000);
    const elapsed = Date.now() - started;
    expect(parse(answer)).toEqual({ status: 408, body: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/^Request too slow/) } } });
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
    expect(elapsed).toBeLessThan(HEADERS_TIMEOUT_MS + 2_500);
  }, 30_000);

  it('tells clients how long an idle connection stays open', async () => {
    const res = await fetch(`${h.proxy.url}/`);
    await res.arrayBuffer();
    expect(res.headers.get('keep-alive')).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
  });
});

describe('the OpenAI edge', () => {
  it('keeps working for ids the proxy writes into headers', async () => {
    const openai = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: 'sk-ant-test-client-key', maxRetries: 0 });
    const { response } = await openai.chat.completions.create({ model: `${HAIKU}\u0007`, messages: [{ role: 'user', content: 'Explain DNS.' }] }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cascadeflow-model')).toBe(`${HAIKU}%07`);
  });
});

describe('the body budget: more large bodies at once than it holds', () => {
  const MB = 1024 * 1024;
  /** Room for two 3 MB bodies, not three. */
  const BUDGET = 8 * MB;
  let b: Harness;
  beforeAll(async () => {
    b = await startHarness({ bodyBudget: { bytes: BUDGET, waitMs: 500 } });
  });
  afterAll(async () => b.close());
  beforeEach(async () => b.mark());

  /** A passthrough request of about 3 MB, distinct by `tag`. */
  const bigAsk = (tag: string) => ({ model: HAIKU, max_tokens: 16, messages: [{ role: 'user' as const, content: `${tag} ${'x'.repeat(3 * MB)}` }] });
  const postBig = (tag: string) => fetch(`${b.proxy.url}/v1/messages`, { method: 'POST', headers: KEY, body: JSON.stringify(bigAsk(tag)) });
  function hold(): { until: Promise<void>; release: () => void } {
    let release = () => {};
    const until = new Promise<void>((resolve) => (release = resolve));
    return { until, release };
  }
  /** Two 3 MB bodies upstream, held there: the budget has no room for a third until `release`. */
  async function fillBudget() {
    const held = hold();
    b.sim.script(HAIKU, { kind: 'good', until: held.until }, 2);
    const first = postBig('first');
    const second = postBig('second');
    await waitFor(() => b.sim.messagesFor(HAIKU).length === 2, 'two large bodies upstream');
    return { release: held.release, first, second };
  }

  it('a body that does not fit waits unread, then gets 529 overloaded_error with retry-after; the budget comes back after each request', async () => {
    const { release, first, second } = await fillBudget();

    // The third does not fit beside them: its body is never read, and after the wait the SDK sees the API's overload error.
    const error = (await b.client.messages.create(bigAsk('third')).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.status).toBe(529);
    expect(error.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: expect.stringContaining('8 MB of request bodies at once') } });
    expect(error.headers?.get('retry-after')).toBe(String(OVERLOADED_RETRY_AFTER_S));
    expect(b.sim.messagesFor(HAIKU)).toHaveLength(2);
    // An OpenAI client gets the same refusal in its own API's shape (503: OpenAI clients know no 529).
    const chat = await fetch(`${b.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-ant-api03-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: HAIKU, messages: [{ role: 'user', content: 'x'.repeat(3 * MB) }] }),
    });
    const chatBody = await chat.json();
    expect([chat.status, chatBody]).toEqual([
      503,
      { error: { message: expect.stringContaining('8 MB of request bodies at once'), type: 'server_error', param: null, code: 'overloaded' } },
    ]);

    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    // Both reservations were given back: two more fit at once, and are answered.
    const later = await Promise.all([postBig('fourth'), postBig('fifth')]);
    expect(later.map((res) => res.status)).toEqual([200, 200]);
    expect(b.sim.messagesFor(HAIKU)).toHaveLength(4);
  });

  it('twelve 3 MB bodies at once: each is answered or gets the overload error, and a later request is answered', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => postBig(`burst ${i}`)));
    const overloaded = { type: 'error', error: { type: 'overloaded_error', message: expect.stringContaining('request bodies at once') } };
    for (const res of answers) {
      const body = (await res.json()) as unknown;
      if (res.status === 529) expect(body).toEqual(overloaded);
      else expect([res.status, body]).toEqual([200, expect.objectContaining({ type: 'message' })]);
    }
    const answered = answers.filter((res) => res.status === 200).length;
    expect(b.sim.messagesFor(HAIKU)).toHaveLength(answered);
    expect(answered).toBeGreaterThanOrEqual(2);
    expect((await postBig('after the burst')).status).toBe(200);
  });

  it('clients that leave while waiting for room take none of it when room comes', async () => {
    const { release, first, second } = await fillBudget();
    for (let i = 0; i < 3; i++) {
      const socket = connect(b.proxy.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${KEY['x-api-key']}\r\ncontent-type: application/json\r\ncontent-length: ${3 * MB}\r\n\r\n`);
      // A round trip later the proxy has its headers: it waits for room that two 3 MB bodies leave none of.
      expect((await fetch(`${b.proxy.url}/health`)).ok).toBe(true);
      socket.destroy();
      await new Promise((resolve) => socket.once('close', resolve));
    }
    release();
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    // Had a waiter that left been given room, one of these would wait and get 529.
    expect((await Promise.all([postBig('after the waiters'), postBig('beside it')])).map((r) => r.status)).toEqual([200, 200]);
    expect(b.sim.messagesFor(HAIKU)).toHaveLength(4);
  });

  it('a body cut short by its client reaches nobody and gives its reservation back', async () => {
    const socket = connect(b.proxy.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const length = 3 * MB;
    socket.write(`POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${KEY['x-api-key']}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`);
    socket.write(Buffer.alloc(MB, 0x20));
    // A round trip later the proxy has its headers: its 3 MB are reserved, and two more 3 MB bodies would not fit beside them (8 MB).
    expect((await fetch(`${b.proxy.url}/health`)).ok).toBe(true);
    socket.destroy();
    await new Promise((resolve) => socket.once('close', resolve));
    expect((await Promise.all([postBig('after the cut'), postBig('beside it')])).map((r) => r.status)).toEqual([200, 200]);
    expect(b.sim.requests).toHaveLength(2);
  });

  it('a body over the 64 MB limit gets 413 request_too_large and gives its reservation back', async () => {
    const res = await fetch(`${b.proxy.url}/v1/messages`, { method: 'POST', headers: KEY, body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'request_too_large', message: 'Request body exceeds 64 MB' } });
    expect(b.sim.requests).toHaveLength(0);
    expect((await Promise.all([postBig('after'), postBig('beside')])).map((r) => r.status)).toEqual([200, 200]);
  });

  it('a body of unknown length reserves the limit while it is read, then only its size', async () => {
    const held = hold();
    b.sim.script(HAIKU, { kind: 'good', until: held.until }, 1);
    const bytes = new TextEncoder().encode(JSON.stringify(bigAsk('chunked')));
    const chunked = fetch(`${b.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: KEY,
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += MB) controller.enqueue(bytes.subarray(at, at + MB));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    await waitFor(() => b.sim.messagesFor(HAIKU).length === 1, 'the chunked body upstream');
    // Trimmed to its 3 MB: another 3 MB body fits beside it while it is held.
    expect((await postBig('beside')).status).toBe(200);
    held.release();
    expect((await chunked).status).toBe(200);
  });
});
