// The SSE writer on a real loopback connection: the exact bytes a client receives.
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatSse } from '../sse/events';
import { SseWriter } from './sse-writer';

let server: http.Server | null = null;
afterEach(async () => {
  vi.useRealTimers();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

/** Serves one response with `respond`; resolves with the client's response. */
async function serve(respond: (res: ServerResponse) => void): Promise<Response> {
  server = http.createServer((_req, res) => respond(res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

describe('SseWriter', () => {
  it('opens an event stream and writes retry, events in the wire form, comments, then ends', async () => {
    const res = await serve((res) => {
      const sse = new SseWriter(res);
      sse.retry(2000);
      sse.event('rules', { type: 'rules', rules: [] });
      sse.comment('hello');
      sse.close();
      sse.event('late', {}); // after close: dropped, not thrown
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(await res.text()).toBe(`retry: 2000\n\n${formatSse('rules', { type: 'rules', rules: [] })}: hello\n\n`);
  });

  it('adds to a response that has already started (a relay) without writing headers again', async () => {
    const res = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_upstream' });
      res.write(formatSse('message_start', { type: 'message_start' }));
      const sse = new SseWriter(res);
      sse.event('error', { type: 'error', error: { type: 'api_error', message: 'upstream stream broke' } });
      sse.close();
    });
    expect(res.headers.get('request-id')).toBe('req_upstream');
    expect(await res.text()).toBe(
      formatSse('message_start', { type: 'message_start' }) +
        formatSse('error', { type: 'error', error: { type: 'api_error', message: 'upstream stream broke' } }),
    );
  });

  it('sends keep-alive comments on its timer until closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let sse!: SseWriter;
    const res = await serve((r) => {
      sse = new SseWriter(r, { keepAliveMs: 1000 });
    });
    vi.advanceTimersByTime(3000);
    expect(vi.getTimerCount()).toBe(1);
    sse.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(await res.text()).toBe(': keep-alive\n\n'.repeat(3));
  });

  it('cuts off a client that stops reading instead of buffering without bound', async () => {
    let sse!: SseWriter;
    let response!: ServerResponse;
    const res = await serve((r) => {
      response = r;
      sse = new SseWriter(r, { maxBufferedBytes: 64 * 1024 });
    });
    // The client never reads the body: the writes pile up in the socket, then in the response.
    const chunk = { text: 'x'.repeat(16 * 1024) };
    let written = 0;
    while (sse.open && written < 1000) {
      sse.event('filler', chunk);
      written += 1;
    }
    expect(sse.open).toBe(false);
    expect(response.destroyed).toBe(true);
    expect(written).toBeLessThan(1000);
    await res.body?.cancel().catch(() => undefined);
  });
});
