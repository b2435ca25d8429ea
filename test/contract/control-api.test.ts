// The control API contract run against the proxy's control API (as IPC reaches it), against
// the same API over HTTP through the renderer's client (both route tables, the SSE stream),
// and against the in-memory API the renderer's component tests use.
import { EventSource, fetch } from 'undici';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer } from '../../proxy/server';
import { createMemorySecretStore, createMemoryStore } from '../../proxy/state/stores';
import { createHttpClient } from '../../renderer/src/client/http';
import { MemoryControlApi } from '../fixtures/memory-api';
import { controlApiContract } from './control-api.contract';

const proxyContext = () =>
  createProxyContext({
    env: {},
    store: createMemoryStore(),
    secrets: createMemorySecretStore(),
    dataDir: '/nonexistent',
    logger: { info: () => undefined, warn: () => undefined },
  });

controlApiContract('the proxy', async () => {
  const ctx = await proxyContext();
  return { api: ctx.control, record: (record) => ctx.record(record), close: () => ctx.close() };
});

controlApiContract('the proxy over HTTP, through the renderer’s client', async () => {
  const ctx = await proxyContext();
  const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
  // undici's standards-compliant fetch and EventSource stand in for the browser's.
  const api = createHttpClient({
    baseUrl: proxy.url,
    fetch: fetch as unknown as typeof globalThis.fetch,
    EventSource: EventSource as unknown as typeof globalThis.EventSource,
  });
  return {
    api,
    record: (record) => ctx.record(record),
    // The stream opens with the current status and stats, stats last.
    subscribed: () =>
      new Promise<void>((resolve) => {
        const unsubscribe = api.subscribe((event) => {
          if (event.type !== 'stats') return;
          unsubscribe();
          resolve();
        });
      }),
    close: async () => {
      await proxy.close();
      await ctx.close();
    },
  };
});

controlApiContract('the renderer tests’ in-memory API', async () => {
  const api = new MemoryControlApi();
  return { api, record: (record) => api.record(record), close: () => undefined };
});
