// A real proxy (state context, Express app, HTTP server) in front of the real simulator,
// and the official SDK as the client. Shared by the request-path tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { ProxyContext } from '../../proxy/context';
import { startProxyServer, type AppOptions, type RunningProxy } from '../../proxy/server';
import { createSimulator, type Simulator } from '../../simulator/server';
import { createProxyContext } from '../../proxy/runtime';
import { createMemorySecretStore, createMemoryStore } from '../../proxy/state/stores';
import type { DecisionRecord } from '../../contracts/decision';
import { waitFor } from '../wait';
import type { Settings } from '../../contracts/settings';

export interface Harness {
  sim: Simulator;
  ctx: ProxyContext;
  proxy: RunningProxy;
  client: Anthropic;
  /** Log lines the proxy wrote (one per request). */
  logs: string[];
  /** Waits for `n` decision records made since the last `mark()`, oldest first. */
  decisions(n: number): Promise<DecisionRecord[]>;
  /** Starts a new window for `decisions()` and clears the simulator. */
  mark(): Promise<void>;
  close(): Promise<void>;
}

export const SONNET = 'claude-sonnet-4-6';
/** The default rules draft Sonnet 4.x with this model. */
export const HAIKU_DRAFT = 'claude-haiku-4-5';
/** No rule matches Haiku: a pure passthrough. */
export const HAIKU = 'claude-haiku-4-5-20251001';

export interface HarnessOptions {
  env?: NodeJS.ProcessEnv;
  draftTimeoutMs?: number;
  /**
   * Default `always`: request-path tests exercise the cascade itself, and many of them send the
   * same prompt (one conversation to the economics). Tests of the economics and of Claude Code
   * end to end use the product's default, `cost_aware`.
   */
  draftPolicy?: Settings['draftPolicy'];
  /** Retries after a draft (default the product's: 3 attempts within 20 s); tests use a tiny backoff. */
  retry?: AppOptions['retry'];
  /** Headers and pings for a stream waiting on its draft (default the product's: after 5 s, every 5 s). */
  keepalive?: AppOptions['keepalive'];
  /** Request-body bytes held at once and the wait for room (default the product's: 256 MB, 10 s). */
  bodyBudget?: AppOptions['bodyBudget'];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await createSimulator();
  const dataDir = await mkdtemp(join(tmpdir(), 'cascadeflow-test-'));
  const logs: string[] = [];
  const ctx = await createProxyContext({
    env: { CASCADEFLOW_UPSTREAM_URL: sim.url, ...options.env },
    store: createMemoryStore(),
    secrets: createMemorySecretStore(),
    dataDir,
    logger: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
  });
  await ctx.control.updateSettings({ draftPolicy: options.draftPolicy ?? 'always' });
  const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0, draftTimeoutMs: options.draftTimeoutMs, retry: options.retry, bodyBudget: options.bodyBudget, keepalive: options.keepalive });
  const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-test-client-key', maxRetries: 0 });
  let seen = 0;
  const total = async () => (await ctx.control.getStats()).allTime.queries;
  return {
    sim,
    ctx,
    proxy,
    client,
    logs,
    async decisions(n) {
      await waitFor(async () => (await total()) >= seen + n, `${n} decision record(s)`);
      const recent = await ctx.control.getDecisions({ limit: (await total()) - seen });
      return recent.reverse();
    },
    async mark() {
      seen = await total();
      sim.reset();
    },
    async close() {
      await proxy.close();
      await ctx.close();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

