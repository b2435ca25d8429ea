import { once } from 'node:events';
import { createServer, get, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientResponse } from './client-response';

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
