// The parent's side of bench/proxy-server.ts: stopping the forked proxy cleanly, and for sure.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { ParentMessage } from './proxy-server';

/** Asks the proxy to stop (it flushes and removes its data dir); kills it after 5 s. */
export async function stopProxyChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  if (child.exitCode === null) child.kill();
}
