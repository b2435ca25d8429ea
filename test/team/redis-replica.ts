// Proxy replicas sharing one Redis for the Redis tests: each a real proxy (state context, HTTP
// server) in front of the real simulator, with CASCADEFLOW_REDIS_URL and its own replica id.
// Replicas started on one `store` share its client tokens and settings (what the team's
// PostgreSQL configuration does between processes), in memory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { ProxyContext } from '../../proxy/context';
import { createProxyContext } from '../../proxy/runtime';
import { startProxyServer, type RunningProxy } from '../../proxy/server';
import { createMemorySecretStore, type KeyValueStore } from '../../proxy/state/stores';
import { CLIENT_TOKEN_HEADER } from '../../contracts/tokens';

export interface Replica {
  ctx: ProxyContext;
  proxy: RunningProxy;
  logs: string[];
  /** The official SDK against this replica, with a client token and an API key of its own. */
  client(options?: { token?: string; apiKey?: string }): Anthropic;
  close(): Promise<void>;
}

export async function startReplica(store: KeyValueStore, env: NodeJS.ProcessEnv): Promise<Replica> {
  const logs: string[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'cascadeflow-redis-test-'));
  const ctx = await createProxyContext({
    env,
    store,
    secrets: createMemorySecretStore(),
    dataDir,
    logger: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
  });
  const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });
  return {
    ctx,
    proxy,
    logs,
    client: ({ token, apiKey = 'sk-test-client-key' } = {}) =>
      new Anthropic({ baseURL: proxy.url, apiKey, maxRetries: 0, defaultHeaders: token ? { [CLIENT_TOKEN_HEADER]: token } : {} }),
    async close() {
      await proxy.close();
      await ctx.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The HTTP status of a call (200 when it answered). */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  return call.then(
    () => 200,
    (error: unknown) => {
      if (error instanceof Anthropic.APIError && typeof error.status === 'number') return error.status;
      throw error;
    },
  );
}
