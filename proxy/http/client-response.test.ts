import { once } from 'node:events';
import { createServer, get, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientResponse, headerSafe, OWN_HEADER_MAX_CHARS } from './client-response';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('ClientResponse', () => {
  it('waits for drain on a full socket without leaving listeners behind', async () => {
    const chunk = Buffer.alloc(1 << 20, 'x');
    const writes = 20;
    let listenersAfter: Record<string, number> = {};
    const server = createServer((_req, res: ServerResponse) => void respond(res));
    async function respond(res: ServerResponse) {
      const before = { close: res.listenerCount('close'), drain: res.listenerCount('drain'), error: res.listenerCount('error') };
      const client = new ClientResponse(res as unknown as Response, Date.now());
      client.head(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < writes; i++) await client.write(chunk);
      listenersAfter = {
        close: res.listenerCount('close') - before.close,
        drain: res.listenerCount('drain') - before.drain,
        error: res.listenerCount('error') - before.error,
      };
      client.end();
    }
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const received = await new Promise<number>((resolve, reject) => {
      get(`http://127.0.0.1:${port}/`, (res) => {
        let bytes = 0;
        res.on('data', (data: Buffer) => (bytes += data.length));
        res.on('end', () => resolve(bytes));
      }).on('error', reject);
    });
    expect(received).toBe(chunk.length * writes);
    expect(listenersAfter).toEqual({ close: 0, drain: 0, error: 0 });
  });
});

describe('ClientResponse.head', () => {
  it("holds an answer's headers to leave with its first bytes in one write; an event stream's leave by the loop turn's end without them", async () => {
    const written: Record<string, number> = {};
    /** Resolved when the client has the headers of /sse-slow. */
    let headersArrived = () => {};
    const arrived = new Promise<void>((resolve) => (headersArrived = resolve));
    const server = createServer((req, res: ServerResponse) => {
      const client = new ClientResponse(res as unknown as Response, Date.now());
      const before = res.socket?.bytesWritten ?? 0;
      client.head(200, { 'content-type': req.url === '/json' ? 'application/json' : 'text/event-stream' });
      written[req.url!] = (res.socket?.bytesWritten ?? 0) - before;
      if (req.url !== '/sse-slow') return client.end('{}');
      // No event yet: the body waits for the client to have the headers, which only the flush can send.
      void arrived.then(() => client.end('event: ping\ndata: {}\n\n'));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    for (const path of ['/sse', '/json', '/sse-slow']) {
      await new Promise<void>((resolve, reject) =>
        get(`http://127.0.0.1:${port}${path}`, (res) => {
          if (path === '/sse-slow') headersArrived();
          res.resume().on('end', resolve);
        }).on('error', reject),
      );
    }
    expect(written).toEqual({ '/sse': 0, '/json': 0, '/sse-slow': 0 });
  });
});

describe('headerSafe', () => {
  it('keeps printable ASCII, percent-encodes the rest (and %) as UTF-8, and reads back', () => {
    expect(headerSafe('claude-haiku-4-5')).toBe('claude-haiku-4-5');
    expect(headerSafe('claude-haiku-4-5\u0000')).toBe('claude-haiku-4-5%00');
    expect(headerSafe('日本')).toBe('%E6%97%A5%E6%9C%AC');
    expect(headerSafe('a%b\r\nx: y')).toBe('a%25b%0D%0Ax: y');
    expect(headerSafe('\ud800')).toBe('%EF%BF%BD');
    for (const id of ['claude-haiku-4-5\u0000', '日本', 'a%b\r\n']) expect(decodeURIComponent(headerSafe(id))).toBe(id);
  });

  it(`is at most ${OWN_HEADER_MAX_CHARS} characters, never cut inside an escape`, () => {
    expect(headerSafe('x'.repeat(1_000_000))).toHaveLength(OWN_HEADER_MAX_CHARS);
    expect(headerSafe('x'.repeat(OWN_HEADER_MAX_CHARS))).toBe('x'.repeat(OWN_HEADER_MAX_CHARS));
    expect(headerSafe(`${'x'.repeat(OWN_HEADER_MAX_CHARS - 1)}%`)).toBe('x'.repeat(OWN_HEADER_MAX_CHARS - 1));
    const encoded = headerSafe('日'.repeat(100));
    expect(encoded.length).toBeLessThanOrEqual(OWN_HEADER_MAX_CHARS);
    expect(decodeURIComponent(encoded)).toBe('日'.repeat(encoded.length / 9));
  });
});
