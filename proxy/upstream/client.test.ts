// The upstream client against a real HTTP server on loopback.
import { getEventListeners, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendUpstream, type UpstreamRequest } from './client';

type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
const routes = new Map<string, Route>();
/** Each request's connection, to see it closed. */
const closed = new Map<string, Promise<unknown>>();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    closed.set(req.url!, once(res, 'close'));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => routes.get(req.url!)!(req, res, Buffer.concat(chunks)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

/** A stream that sends one event and then stays open. */
const oneEventThenSilence: Route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write('event: ping\ndata: {}\n\n');
};

const call = (path: string, extra: Partial<UpstreamRequest> = {}) =>
  sendUpstream({ baseUrl, pathAndQuery: path, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: new AbortController().signal, ...extra });

describe('sendUpstream', () => {
  it('sends the body (pieces with their summed length) and gives the status, headers and body', async () => {
    routes.set('/echo?beta=true', (req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-length': String(req.headers['content-length']), 'x-chunked': String(req.headers['transfer-encoding'] ?? 'no') });
      res.end(body);
    });
    const res = await call('/echo?beta=true', { body: [Buffer.from('{"a":'), Buffer.from('1}')] });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-length']).toBe('7');
    expect(res.headers['x-chunked']).toBe('no');
    expect(await res.body.text()).toBe('{"a":1}');
  });

  it('relays a large answer whole to a reader slower than the upstream', async () => {
    const answer = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < answer.length; i++) answer[i] = (i * 31) % 251;
    routes.set('/large', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(answer);
    });
    const res = await call('/large');
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      chunks.push(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(Buffer.concat(chunks).equals(answer)).toBe(true);
  });

  it('an abort before the answer rejects with the signal’s reason and closes the connection', async () => {
    routes.set('/never', () => {});
    const abort = new AbortController();
    const pending = call('/never', { signal: abort.signal });
    await waitFor(() => closed.has('/never'));
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await closed.get('/never');
  });

  it('an abort during the answer breaks its body', async () => {
    routes.set('/half', oneEventThenSilence);
    const abort = new AbortController();
    const res = await call('/half', { signal: abort.signal });
    const reading = (async () => {
      for await (const chunk of res.body) if (chunk.length) abort.abort();
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    await closed.get('/half');
  });

  it('a reader that leaves the loop early ends the call', async () => {
    routes.set('/stream', oneEventThenSilence);
    const res = await call('/stream');
    for await (const chunk of res.body) if (chunk.length) break;
    await closed.get('/stream');
  });

  it('a missing head past the headers timeout is a timeout', async () => {
    routes.set('/slow', () => {});
    await expect(call('/slow', { headersTimeoutMs: 50 })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('a signal shared by many calls keeps no listener once they have ended, and aborting it later hurts none', async () => {
    routes.set('/ok', (_req, res) => res.end('ok'));
    const shared = new AbortController();
    for (let i = 0; i < 20; i++) expect(await (await call('/ok', { signal: shared.signal })).body.text()).toBe('ok');
    // The last call's listener goes with its body's close, right after the end.
    expect(getEventListeners(shared.signal, 'abort').length).toBeLessThanOrEqual(1);
    await waitFor(() => getEventListeners(shared.signal, 'abort').length === 0);
    shared.abort();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
