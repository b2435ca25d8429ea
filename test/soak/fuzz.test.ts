// Property-based fuzzing (fast-check) of the real proxy in front of the real simulator:
// arbitrary bodies (Messages requests with random fields, random JSON, random bytes, deep
// nesting, cut-off JSON), headers, methods, paths and query strings; and of the upstream's SSE
// chunking, through a raw upstream that cuts an Anthropic stream at arbitrary byte boundaries.
// Every response must be a valid relay or an Anthropic-shaped error, and the proxy must still
// answer /health afterwards. 500 + 200 cases in CI; 10,000 + 2,000 under `npm run soak`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAIKU, SONNET, startHarness, type Harness } from '../proxy/harness';
import { formatSse } from '../../proxy/sse/events';
import { errorProblem, openAiErrorProblem, parseSse, scaled, send, streamedText, streamProblem, type RawRequest, type RawResponse } from './checks';

const REQUEST_CASES = scaled(500, 10_000);
const STREAM_CASES = scaled(200, 2_000);

const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });
/** Characters a URL path or query may carry unescaped (Node's client refuses the rest). */
const urlChars = fc.string({ unit: fc.constantFrom(...'abcz019-._~%/=&+:@!$\'()*,;'.split('')), maxLength: 30 });

const markers = fc.constantFrom(
  '[sim:error:529]',
  '[sim:error:429]',
  '[sim:error:500]',
  '[sim:break]',
  '[sim:stream_error]',
  '[sim:invalid_json]',
  '[sim:hedging]',
  '[sim:refusal]',
  '[sim:truncated]',
  '[sim:tool_invalid]',
  '[sim:tool_unknown]',
  '[sim:tool:Bash:{"command":"ls"}]',
  '[sim:tool:Bash:{bad',
  '[sim:nonsense]',
);
const text = fc.oneof(fc.constant('Explain how DNS resolution works'), markers, fc.string({ unit: 'binary', maxLength: 80 }), markers.map((m) => `Explain DNS ${m}`));
const model = fc.oneof(
  fc.constantFrom(SONNET, HAIKU, 'claude-opus-4-1', 'claude-haiku-4-5', 'nope', '', 'claude-haiku-4-5\u0000', '日本'),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ maxLength: 12 }).map((s) => `claude-sonnet-4-${s}`),
);
const block = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constantFrom('image', 'tool_use', 'tool_result', 'thinking', 'document', 'bogus'), id: printable, input: fc.jsonValue(), content: fc.jsonValue() }, { requiredKeys: ['type'] }),
  fc.jsonValue(),
);
const message = fc.record(
  { role: fc.constantFrom('user', 'user', 'assistant', 'system', 'tool', ''), content: fc.oneof(text, fc.array(block, { maxLength: 3 })) },
  { requiredKeys: [] },
);
const tool = fc.record({ name: fc.oneof(fc.constant('Bash'), printable), description: printable, input_schema: fc.oneof(fc.constant({ type: 'object', properties: { command: { type: 'string' } } }), fc.jsonValue()) }, { requiredKeys: [] });
const messagesRequest = fc
  .tuple(
    fc.record(
      {
        model,
        max_tokens: fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: -3, max: 200_000 }), fc.jsonValue()),
        messages: fc.oneof(fc.array(message, { minLength: 1, maxLength: 4 }), fc.jsonValue()),
        stream: fc.oneof(fc.boolean(), fc.jsonValue()),
        system: fc.oneof(text, fc.array(block, { maxLength: 2 })),
        tools: fc.array(tool, { maxLength: 3 }),
        tool_choice: fc.oneof(fc.record({ type: fc.constantFrom('auto', 'any', 'none', 'tool') }), fc.jsonValue()),
        temperature: fc.oneof(fc.double(), fc.jsonValue()),
        metadata: fc.jsonValue(),
        thinking: fc.oneof(fc.record({ type: fc.constant('enabled'), budget_tokens: fc.integer() }), fc.jsonValue()),
      },
      { requiredKeys: ['model', 'max_tokens', 'messages'] },
    ),
    fc.dictionary(printable, fc.jsonValue(), { maxKeys: 3 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** A body nested `depth` levels deep inside an otherwise valid request (the depth limit's case). */
const deepBody = fc.tuple(fc.integer({ min: 50, max: 6_000 }), fc.constantFrom(SONNET, HAIKU)).map(([depth, m]) => {
  const inner = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return `{"model":"${m}","max_tokens":64,"messages":[{"role":"user","content":"hi"}],"metadata":{"x":${inner}}}`;
});

/** A request the API accepts, with random prompt text (markers included), model and streaming. */
const validRequest = fc.record({
  model: fc.constantFrom(SONNET, HAIKU, 'claude-opus-4-1', 'claude-haiku-4-5'),
  max_tokens: fc.integer({ min: 1, max: 4096 }),
  stream: fc.boolean(),
  messages: fc.array(text, { minLength: 1, maxLength: 3 }).map((turns) =>
    turns.map((content, i) => ({ role: (turns.length - 1 - i) % 2 === 0 ? 'user' : 'assistant', content: content || 'hi' })),
  ),
});

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const body = fc.oneof(
  { weight: 6, arbitrary: validRequest.map((r) => utf8(JSON.stringify(r))) },
  { weight: 4, arbitrary: messagesRequest.map((r) => utf8(JSON.stringify(r))) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => utf8(JSON.stringify(v) ?? '')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 1, arbitrary: deepBody.map(utf8) },
  { weight: 1, arbitrary: fc.tuple(messagesRequest, fc.nat()).map(([r, cut]) => { const json = JSON.stringify(r); return utf8(json.slice(0, cut % json.length)); }) },
);

/** Mostly the usual value, sometimes another (or none): a request must get far enough to reach the upstream. */
const usually = (value: string, other: fc.Arbitrary<string | undefined>) => fc.oneof({ weight: 5, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: other });
const headers = fc
  .record({
    'content-type': usually('application/json', fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', undefined)),
    'content-encoding': usually('identity', fc.oneof(fc.constantFrom('gzip', 'br', 'deflate', 'zstd', undefined), printable)),
    'anthropic-version': usually('2023-06-01', fc.oneof(fc.constant(undefined), printable)),
    'anthropic-beta': fc.oneof(fc.constantFrom(undefined, 'prompt-caching-2024-07-31', 'tool-search-tool-2025-10-19', 'a,b,,c'), printable),
    'x-api-key': usually('sk-test-fuzz', fc.oneof(fc.constant(undefined), printable)),
    authorization: fc.oneof(fc.constant(undefined), fc.constant('Bearer sk-test-fuzz'), printable),
    accept: fc.constantFrom(undefined, 'application/json', 'text/event-stream', '*/*'),
    'accept-encoding': fc.constantFrom(undefined, 'gzip', 'br', 'identity', 'gzip, deflate, br'),
    'x-stainless-retry-count': fc.oneof(fc.constant(undefined), printable),
  })
  .map((all) => Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>);

const OPENAI_PATH = '/v1/chat/completions';
const path = fc.oneof(
  { weight: 16, arbitrary: fc.constant('/v1/messages') },
  { weight: 3, arbitrary: fc.constantFrom('/v1/messages?beta=true', '/v1/messages/count_tokens', '/v1/models', `/v1/models/${SONNET}`, OPENAI_PATH, '/v1/messages/batches') },
  { weight: 2, arbitrary: fc.tuple(urlChars, urlChars).map(([seg, query]) => `/v1/${seg}${query ? `?${query}` : ''}`) },
  { weight: 1, arbitrary: urlChars.map((query) => `/v1/messages?${query}`) },
);
const method = fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') });
const request = fc.record({ method, path, headers, body });

let h: Harness;
beforeAll(async () => {
  // Retries as the product makes them, with a tiny backoff: the fuzzing is about answers, not waiting.
  h = await startHarness({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
});
afterAll(async () => {
  await h?.close();
});

/** What the responses were, so a run that never reached the upstream (or never failed) is noticed. */
const seen = { relayed: 0, bytesCompared: 0, streams: 0, errors: 0, upstreamCalls: 0, statuses: new Map<number, number>() };

/** Null when `res` is a valid relay or an error of the right shape for `req`. */
function responseProblem(req: RawRequest, res: RawResponse, upstreamCalls: { responseBody: string; finished: boolean }[]): string | null {
  seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
  seen.upstreamCalls += upstreamCalls.length;
  if (res.status < 100 || res.status > 599) return `status ${res.status}`;
  if (res.status >= 400) seen.errors++;
  else seen.relayed++;
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) seen.streams++;
  // A passthrough relays the upstream's bytes unchanged, whatever they are (the OpenAI edge translates them).
  const [only] = upstreamCalls;
  const openAi = req.path.startsWith(OPENAI_PATH);
  if (!openAi && res.headers['x-cascadeflow-decision'] === 'passthrough' && upstreamCalls.length === 1 && only.finished) {
    if (only.responseBody !== res.body) return 'a passthrough whose body differs from what the upstream sent';
    seen.bytesCompared++;
    return null;
  }
  // A cascade answers with one of its calls' answers as it came (the verifier's, or the draft's).
  if (!openAi && upstreamCalls.some((call) => call.finished && call.responseBody === res.body)) {
    seen.bytesCompared++;
    return null;
  }
  const bodyless = req.method === 'HEAD' || res.status === 204 || res.status === 304;
  if (res.status >= 400) {
    if (bodyless) return null;
    return openAi ? openAiErrorProblem(res.body) : errorProblem(res.body);
  }
  if (bodyless || req.method === 'OPTIONS') return null;
  if (type.startsWith('text/event-stream')) {
    if (openAi) return res.body.trimEnd().endsWith('data: [DONE]') || res.body.includes('"error"') ? null : 'an OpenAI stream without [DONE]';
    return streamProblem(res.body);
  }
  try {
    JSON.parse(res.body);
    return null;
  } catch {
    return `a ${res.status} whose body is not JSON: ${res.body.slice(0, 120)}`;
  }
}

describe('fuzzing the proxy', () => {
  it(`answers ${REQUEST_CASES} arbitrary requests with a relay or an Anthropic-shaped error, and stays up`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        h.sim.reset();
        const res = await send(h.proxy.url, req);
        const problem = responseProblem(req, res, h.sim.requests);
        if (problem) throw new Error(`${req.method} ${req.path} → ${res.status}: ${problem}`);
      }),
      { numRuns: REQUEST_CASES, interruptAfterTimeLimit: scaled(60_000, 1_800_000), markInterruptAsFailure: true },
    );
    const health = await send(h.proxy.url, { method: 'GET', path: '/health', headers: {} });
    expect(health.status).toBe(200);
    const statuses = [...seen.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
    console.log(
      `fuzz: ${REQUEST_CASES} requests in ${((Date.now() - started) / 1000).toFixed(1)} s: ${seen.relayed} relayed (${seen.streams} streams, ` +
        `${seen.bytesCompared} identical to an upstream answer), ${seen.errors} errors, ${seen.upstreamCalls} upstream calls; statuses ${statuses}`,
    );
    // The generators reach every outcome the property speaks of.
    expect(Math.min(seen.relayed, seen.streams, seen.bytesCompared, seen.errors)).toBeGreaterThan(0);
  }, scaled(90_000, 2_000_000));
});

/** The upstream's answer for the current case: an Anthropic stream, cut where the case says. */
interface Chunked {
  events: string;
  cuts: number[];
}

describe('fuzzing the upstream SSE chunking', () => {
  let current: Chunked = { events: '', cuts: [] };
  let upstream: Server;
  let hc: Harness;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        const bytes = Buffer.from(current.events, 'utf8');
        let from = 0;
        // Each piece its own write, flushed as its own TCP segment where timing allows.
        const next = (i: number): void => {
          if (i >= current.cuts.length) {
            res.end(bytes.subarray(from));
            return;
          }
          const to = current.cuts[i];
          res.write(bytes.subarray(from, to), () => setImmediate(() => next(i + 1)));
          from = to;
        };
        next(0);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    hc = await startHarness({ env: { CASCADEFLOW_UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await hc?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  const answerText = fc.array(fc.string({ unit: fc.oneof(fc.constantFrom('a', ' ', '\n', 'é', '日', '🙂', '"', '\\'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 });
  const stream = fc.record({ parts: answerText, crlf: fc.boolean(), model: fc.constantFrom(HAIKU, SONNET), cutFractions: fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }) });

  it(`relays or judges ${STREAM_CASES} streams cut at arbitrary byte boundaries`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(stream, async ({ parts, crlf, model, cutFractions }) => {
        const events = [
          formatSse('message_start', { type: 'message_start', message: { id: 'msg_fuzz', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } }),
          formatSse('ping', { type: 'ping' }),
          formatSse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
          ...parts.map((t) => formatSse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })),
          formatSse('content_block_stop', { type: 'content_block_stop', index: 0 }),
          formatSse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 30 } }),
          formatSse('message_stop', { type: 'message_stop' }),
        ].join('');
        const wire = crlf ? events.replace(/\n/g, '\r\n') : events;
        const size = Buffer.byteLength(wire);
        current = { events: wire, cuts: [...new Set(cutFractions.map((f) => Math.floor(f * size)))].filter((c) => c > 0 && c < size).sort((a, b) => a - b) };
        const body = { model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'Explain how DNS resolution works' }] };
        const res = await send(hc.proxy.url, { method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test-fuzz' }, body: Buffer.from(JSON.stringify(body)) });
        expect(res.status).toBe(200);
        if (model === HAIKU) {
          // Passthrough: the bytes as the upstream sent them, however they were cut.
          expect(res.body).toBe(wire);
        } else {
          expect(streamProblem(res.body)).toBeNull();
          expect(streamedText(parseSse(res.body))).toBe(parts.join(''));
        }
      }),
      { numRuns: STREAM_CASES, interruptAfterTimeLimit: scaled(60_000, 1_200_000), markInterruptAsFailure: true },
    );
    expect((await send(hc.proxy.url, { method: 'GET', path: '/health', headers: {} })).status).toBe(200);
    console.log(`fuzz: ${STREAM_CASES} chunked streams in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, scaled(90_000, 1_300_000));
});
