// The floor bench/proxy.bench.ts measures the proxy against: a bare Node HTTP proxy that
// forwards each request's bytes to the upstream and the answer's bytes back, and nothing
// else (no parsing, no copies, no records). Whatever it adds is the cost of one more
// process and two more loopback connections, which no proxy can avoid. Forked like the proxy
// (bench/proxy-child.ts: bundled, a process of its own), so that both hops are alike, and
// measured alike (bench/load-window.ts); it reports its URL once listening and closes when
// told to stop.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { settle, windowAnswer } from './load-window';
import type { ChildMessage, ParentMessage } from './proxy-server';

if (!process.send) throw new Error('bench/pipe-server.ts is forked by bench/proxy-child.ts');
const send = process.send.bind(process);
const upstream = new URL(process.env.CASCADEFLOW_UPSTREAM_URL ?? '');
// Kept-alive upstream connections without Nagle's delay, as a proxy worth measuring has; an
// idle one is dropped after 2 s, before the upstream (5 s) could close it under a request.
const agent = new Agent({ keepAlive: true, noDelay: true, timeout: 2_000 });

const server = createServer({ noDelay: true }, (req, res) => {
  const forward = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', () => res.destroy());
  req.pipe(forward);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  send({ type: 'listening', url: `http://127.0.0.1:${port}` } satisfies ChildMessage);
});

process.on('message', (message: ParentMessage) => {
  if (message.type === 'window') send(windowAnswer(message.open) satisfies ChildMessage);
  else if (message.type === 'settle') send(settle() satisfies ChildMessage);
  else if (message.type === 'stop') {
    server.close(() => process.disconnect());
    server.closeAllConnections();
    agent.destroy();
  }
});
