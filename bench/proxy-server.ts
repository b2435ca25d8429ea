// The proxy under benchmark, in a process of its own so that its memory is read apart
// from the client's and the simulator's, and so that it gets a core of its own as it
// would in real use. bench/proxy.bench.ts forks it with --expose-gc; it reports its URL
// once listening, then answers CPU and memory probes over IPC until told to stop.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxyServer } from '../proxy/server';
import { createProxyContext } from '../proxy/state/context';
import { createMemorySecretStore, createMemoryStore } from '../proxy/state/stores';

export interface Reading {
  /** CPU time the process has used so far (user + system), in µs. */
  cpuUs: number;
  /** Resident memory after a full collection (like the two below). */
  rss: number;
  /** Live JavaScript objects. */
  heapUsed: number;
  /** Buffers and other memory outside the JavaScript heap that objects hold on to. */
  external: number;
}

export type ChildMessage = { type: 'listening'; url: string } | { type: 'reading'; reading: Reading };
export type ParentMessage = { type: 'read' } | { type: 'stop' };

const gc = globalThis.gc;
if (!process.send || !gc) throw new Error('bench/proxy-server.ts is forked by bench/proxy.bench.ts (IPC and --expose-gc)');
const send = process.send.bind(process);

const dataDir = await mkdtemp(join(tmpdir(), 'cascadeflow-bench-'));
const ctx = await createProxyContext({
  env: { CASCADEFLOW_UPSTREAM_URL: process.env.CASCADEFLOW_UPSTREAM_URL },
  store: createMemoryStore(),
  secrets: createMemorySecretStore(),
  dataDir,
  // One log line per request would measure the terminal, not the proxy.
  logger: { info: () => {}, warn: () => {} },
});
const proxy = await startProxyServer(ctx, { host: '127.0.0.1', port: 0 });

process.on('message', (message: ParentMessage) => {
  if (message.type === 'read') {
    const { user, system } = process.cpuUsage(); // before the collections below
    // Twice: the first collection can leave work (finalizers, weak references) for a second.
    gc();
    gc();
    const { rss, heapUsed, external } = process.memoryUsage();
    send({ type: 'reading', reading: { cpuUs: user + system, rss, heapUsed, external } } satisfies ChildMessage);
  } else if (message.type === 'stop') {
    void (async () => {
      await proxy.close();
      await ctx.close();
      await rm(dataDir, { recursive: true, force: true });
      process.disconnect();
    })();
  }
});
send({ type: 'listening', url: proxy.url } satisfies ChildMessage);
