// @vitest-environment node
// The HTTP transport against a real HTTP server speaking the admin API's wire format,
// with undici's standards-compliant EventSource and fetch standing in for the browser's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSource, fetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../../contracts/events';
import { decisionRecord, rule, status } from '../../../test/fixtures/contracts';
import { ApiError, createHttpClient } from './http';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
let seen: Seen[];
let streams: ServerResponse[];
/** Answer for the next /api/events connection: 200 stream, or an error status. */
let eventsStatus: number;

function sse(res: ServerResponse, event: ControlEvent): void {
  res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

beforeEach(async () => {
  seen = [];
  streams = [];
  eventsStatus = 200;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith('/api/events')) {
        if (eventsStatus !== 200) {
          res.writeHead(eventsStatus, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('retry: 50\n\n');
        streams.push(res);
        return;
      }
      if (req.url === '/api/rules' && req.method === 'PUT') {
        const rules = JSON.parse(body);
        if (rules[0].threshold > 1) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'threshold must be <= 1' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      if (req.url === '/api/settings') {
        // A proxy speaking another version of the contract.
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ paused: 'yes' }));
        return;
      }
      if (req.url!.startsWith('/api/decisions')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([decisionRecord({ id: 'x' })]));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `No admin API route ${req.method} ${req.url}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const res of streams) res.end();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(token: string | null = null) {
  return createHttpClient({
    baseUrl,
    token,
    fetch: fetch as unknown as typeof globalThis.fetch,
    EventSource: EventSource as unknown as typeof globalThis.EventSource,
    reconnectMs: 50,
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HTTP requests', () => {
  it('sends mutations as JSON with the admin token and returns the answer', async () => {
    const rules = [rule({ threshold: 0.8 })];
    expect(await client('secret').saveRules(rules)).toEqual(rules);
    const put = seen.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.headers['content-type']).toBe('application/json');
    expect(put.headers.authorization).toBe('Bearer secret');
    expect(JSON.parse(put.body)).toEqual(rules);
  });

  it('encodes the decision query', async () => {
    await client().getDecisions({ limit: 50, decision: 'escalated' });
    expect(seen.at(-1)!.url).toBe('/api/decisions?limit=50&decision=escalated');
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('turns Anthropic-format errors into ApiError with the message', async () => {
    const error = await client().saveRules([rule({ threshold: 2 })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', message: 'threshold must be <= 1' });
    await expect(client().getStatus()).rejects.toThrow('No admin API route GET /api/status');
  });

  it('sends a method whose argument is one field of the body, and checks the answer against the contract', async () => {
    const error = await client().setApiKey('sk-ant-x').catch((e: unknown) => e);
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/api/api-key' });
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ key: 'sk-ant-x' });
    // The fake proxy has no such route: its 404 comes back as the error.
    expect(error).toMatchObject({ status: 404, type: 'not_found_error' });
  });

  it('refuses an answer that does not match the method’s result schema', async () => {
    const error = await client().getSettings().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, type: 'invalid_response' });
    expect((error as Error).message).toMatch(/^getSettings: the proxy's answer does not match the contract at \w+: /);
  });

  it('reports an unreachable proxy as a network error', async () => {
    const dead = createHttpClient({ baseUrl: 'http://127.0.0.1:9', fetch: fetch as unknown as typeof globalThis.fetch });
    await expect(dead.getStatus()).rejects.toMatchObject({ status: 0, type: 'network_error' });
  });
});

describe('live events over SSE', () => {
  it('delivers typed events to every subscriber over one stream, with the token in the URL', async () => {
    const c = client('tok en');
    const a: ControlEvent[] = [];
    const b: ControlEvent[] = [];
    const connection: boolean[] = [];
    c.onConnection((connected) => connection.push(connected));
    const offA = c.subscribe((e) => a.push(e));
    const offB = c.subscribe((e) => b.push(e));
    await until(() => streams.length === 1 && connection.includes(true), 'the stream to open');
    expect(seen.filter((s) => s.url.startsWith('/api/events'))).toHaveLength(1);
    expect(seen.at(-1)!.url).toBe('/api/events?token=tok%20en');

    const decision: ControlEvent = { type: 'decision', record: decisionRecord({ id: 'live' }) };
    sse(streams[0], decision);
    sse(streams[0], { type: 'status', status: status({ paused: true }) });
    streams[0].write('event: stats\ndata: not json\n\n'); // ignored, not thrown
    streams[0].write('event: status\ndata: {"type":"status","status":{"paused":true}}\n\n'); // not a status: ignored
    await until(() => a.length === 2 && b.length === 2, 'two events');
    expect(a[0]).toEqual(decision);
    expect(a[1]).toMatchObject({ type: 'status', status: { paused: true } });

    offA();
    sse(streams[0], { type: 'rules', rules: [rule()] });
    await until(() => b.length === 3, 'the rules event');
    expect(a).toHaveLength(2);

    offB();
    await until(() => connection.at(-1) === false, 'the stream to close');
    await until(() => streams[0].destroyed || streams[0].writableEnded || streams[0].socket?.destroyed === true, 'the server to see the close');
  });

  it('reconnects after the proxy drops the stream and reports the gap', async () => {
    const c = client();
    const events: ControlEvent[] = [];
    const connection: boolean[] = [];
    c.onConnection((connected) => connection.push(connected));
    const off = c.subscribe((e) => events.push(e));
    await until(() => streams.length === 1 && connection.at(-1) === true, 'the first stream');

    streams[0].end(); // proxy restarting
    await until(() => streams.length === 2 && connection.at(-1) === true, 'the stream to come back');
    expect(connection).toEqual([true, false, true]);
    sse(streams[1], { type: 'rules', rules: [] });
    await until(() => events.length === 1, 'an event on the new stream');
    off();
  });

  it('reopens a stream the browser gave up on after an HTTP error', async () => {
    eventsStatus = 503;
    const c = client();
    const connection: boolean[] = [];
    c.onConnection((connected) => connection.push(connected));
    const off = c.subscribe(() => undefined);
    await until(() => seen.filter((s) => s.url.startsWith('/api/events')).length >= 1, 'the refused attempt');
    eventsStatus = 200;
    await until(() => streams.length === 1 && connection.at(-1) === true, 'the retry to succeed');
    off();
  });

  it('carries a token given later on every request and reopens the stream with it at once', async () => {
    const c = createHttpClient({
      baseUrl,
      fetch: fetch as unknown as typeof globalThis.fetch,
      EventSource: EventSource as unknown as typeof globalThis.EventSource,
      // Far beyond the wait below: only setToken can reopen the stream in time.
      reconnectMs: 60_000,
    });
    eventsStatus = 401;
    const off = c.subscribe(() => undefined);
    await until(() => seen.some((s) => s.url === '/api/events'), 'the refused stream');
    eventsStatus = 200;
    c.setToken('later');
    await until(() => streams.length === 1, 'the stream to reopen with the token');
    expect(seen.at(-1)!.url).toBe('/api/events?token=later');
    await c.getDecisions({ limit: 1 });
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer later');
    off();
  });
});
