// The control API contract run against the proxy's control API (as IPC and HTTP reach it)
// and against the in-memory API the renderer's component tests use.
import { createProxyContext } from '../../proxy/runtime';
import { createMemorySecretStore, createMemoryStore } from '../../proxy/state/stores';
import { MemoryControlApi } from '../fixtures/memory-api';
import { controlApiContract } from './control-api.contract';

controlApiContract('the proxy', async () => {
  const ctx = await createProxyContext({
    env: {},
    store: createMemoryStore(),
    secrets: createMemorySecretStore(),
    dataDir: '/nonexistent',
    logger: { info: () => undefined, warn: () => undefined },
  });
  return { api: ctx.control, record: (record) => ctx.record(record), close: () => ctx.close() };
});

controlApiContract('the renderer tests’ in-memory API', async () => {
  const api = new MemoryControlApi();
  return { api, record: (record) => api.record(record), close: () => undefined };
});
