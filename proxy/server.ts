// The proxy's HTTP face: the Anthropic API routes (/v1/messages → cascade, any other
// /v1/* → passthrough), the OpenAI-compatible ones (openai/routes.ts), /health and /metrics
// (ops/routes.ts), the control router (/stats, /api), and Anthropic-format errors for
// everything else. Plain Node + Express; the Electron shell and the CLI both start it through
// startProxyServer(); the CLI stops it with drain() on SIGTERM.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createMessagesHandler } from './request/handler';
import type { ProxyContext } from './context';
import { baseUrlFor, isWildcardHost, pointsAt } from './http/hosts';
import { sendAnthropicError } from './http/errors';
import { applyServerLimits, SERVER_OPTIONS } from './http/server-limits';
import { appObjectClasses } from './http/app-objects';
import { createControlRouter } from './control/http';
import { mountDashboard } from './dashboard';
import { rejectBrowserOrigins, requireLocalHost } from './http/guards';
import { startsPerTurn } from './http/turns';
import { processSignatures } from './models/signatures';
import { isLoopedBack } from './upstream/headers';
import { createPassthroughHandler } from './request/passthrough';
import { readBodies, TOO_LARGE_MESSAGE, type BodyBudgetOptions } from './request/body-budget';
import { DraftDeadlines } from './request/draft-deadline';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './upstream/retry';
import { DEFAULT_KEEPALIVE, type KeepaliveTiming } from './request/keepalive';
import { CHAT_COMPLETIONS_PATH, mountOpenAIRoutes } from './openai/routes';
import { sendChatError } from './openai/errors';
import { anthropicHeaders, ignoredTokenNote } from './openai/headers';
import { identifyCaller } from './request/auth';
import { networkUrls } from './ops/addresses';
import { createOpsRouter } from './ops/routes';

export interface AppOptions {
  /**
   * Longest wait (ms) between a draft's chunks, and for its first byte until its model has a
   * history (then a deadline that follows the model, request/draft-deadline.ts); then the verifier answers.
   */
  draftTimeoutMs?: number;
  /** Retries of the answering call after a draft (upstream/retry.ts; default 3 attempts within 20 s). */
  retry?: Partial<RetryPolicy>;
  /** Headers and pings for a streaming client waiting on a draft (request/keepalive.ts; default after 5 s, every 5 s). */
  keepalive?: Partial<KeepaliveTiming>;
  /** Told of every /v1/messages and /v1/chat/completions request while it runs (until its decision is recorded). */
  track?: (run: Promise<void>) => void;
  /** Request-body bytes held at once across /v1 requests, and the wait for room (request/body-budget.ts; default 256 MB, 10 s). */
  bodyBudget?: Partial<BodyBudgetOptions>;
}

export interface RunningProxy {
  /** The base URL on this machine (loopback when listening on all addresses). */
  url: string;
  port: number;
  /** Listening beyond loopback: the URLs other machines use (empty on loopback). */
  networkUrls: string[];
  /** Stops listening and ends open connections (streams in flight are cut, and recorded). */
  close(): Promise<void>;
  /**
   * Stops accepting connections, lets the requests in flight finish for up to `boundMs`, then
   * close(). Resolves with how many requests were still running at the bound (and were cut).
   */
  drain(boundMs: number): Promise<number>;
}

export const DEFAULT_DRAFT_TIMEOUT_MS = 30_000;
/** Longest wait in close() for cut requests to record their decision. */
const CLOSE_GRACE_MS = 2_000;

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`Port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

export class UpstreamLoopError extends Error {
  constructor(readonly upstreamUrl: string) {
    super(`The upstream ${upstreamUrl} is this proxy itself; set CASCADEFLOW_UPSTREAM_URL to the real API`);
    this.name = 'UpstreamLoopError';
  }
}

export function createApp(ctx: ProxyContext, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requireLocalHost(ctx));

  const api = express.Router();
  api.use(rejectBrowserOrigins());
  api.use((req, res, next) => {
    if (!isLoopedBack(req.headers)) return next();
    sendAnthropicError(res, 508, `Request loop: the upstream URL ${ctx.config.upstreamUrl} leads back to this proxy`);
  });
  api.use(readBodies(options.bodyBudget, { refused: (req, res) => refusedByHeaders(ctx, req, res), sendError: errorShapeOf }));
  // Bodies that finish arriving together start over several loop turns (http/turns.ts).
  api.use(startsPerTurn());
  const cascade = {
    signatures: processSignatures,
    deadlines: new DraftDeadlines(options.draftTimeoutMs ?? DEFAULT_DRAFT_TIMEOUT_MS),
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    keepalive: { ...DEFAULT_KEEPALIVE, ...options.keepalive },
  };
  const messages = createMessagesHandler(ctx, cascade);
  api.post('/messages', (req, res) => {
    const run = messages(req, res);
    options.track?.(run);
    return run;
  });
  // POST /chat/completions and, for OpenAI clients, GET /models: translated to and from the Messages API.
  mountOpenAIRoutes(api, ctx, cascade, options.track);
  api.all('/{*rest}', createPassthroughHandler(ctx));
  app.use('/v1', api);

  // Claude Code and health checkers probe the base URL.
  app.get('/', (_req, res) => {
    res.json({ name: 'cascadeflow-proxy', status: 'ok', version: ctx.config.version });
  });
  app.use(createOpsRouter(ctx));
  app.use(createControlRouter(ctx));
  // The same dashboard bundle the desktop window shows, over the control API's HTTP side.
  mountDashboard(app);

  app.use((req, res) => {
    sendAnthropicError(res, 404, `No route for ${req.method} ${req.path}`);
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      sendAnthropicError(res, 413, TOO_LARGE_MESSAGE);
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendAnthropicError(res, e.status, e.message ?? 'Invalid request');
    } else {
      sendAnthropicError(res, 500, `Internal proxy error: ${e.message ?? String(err)}`);
    }
  });
  return app;
}

/** Errors of a /v1 request before its route runs, in the shape of the API its client speaks. */
function errorShapeOf(req: Request): typeof sendAnthropicError {
  return req.path === CHAT_COMPLETIONS_PATH ? sendChatError : sendAnthropicError;
}

/**
 * A caller its headers refuse (an unknown client token; beyond loopback neither a token nor the
 * admin token) gets its 401 before its body is read, so it takes no room in the body budget. An
 * OpenAI client's bearer token may be its client token.
 */
function refusedByHeaders(ctx: ProxyContext, req: Request, res: Response): boolean {
  const openai = req.path === CHAT_COMPLETIONS_PATH;
  const caller = identifyCaller(ctx, openai ? anthropicHeaders(req.headers) : req.headers);
  if (!('refused' in caller)) {
    // authorizeRequest takes it from here: the token's hash is not computed twice.
    res.locals.caller = caller;
    return false;
  }
  errorShapeOf(req)(res, 401, caller.refused + (openai ? ignoredTokenNote(req.headers) : ''));
  return true;
}

export async function startProxyServer(
  ctx: ProxyContext,
  opts: { host?: string; port?: number } & AppOptions = {},
): Promise<RunningProxy> {
  const host = opts.host ?? ctx.config.host;
  const port = opts.port ?? ctx.config.port;
  // The address being tried, so a failed (re)start never leaves the previous, dead URL on show.
  const intended = baseUrlFor(isWildcardHost(host) ? '127.0.0.1' : host, port);
  if (pointsAt(ctx.config.upstreamUrl, host, port)) {
    const error = new UpstreamLoopError(ctx.config.upstreamUrl);
    ctx.setStatus({ state: 'error', baseUrl: intended, error: error.message });
    throw error;
  }
  ctx.setStatus({ state: 'starting', baseUrl: intended, error: null });
  // Requests cut by close() still record their decision; close() waits for that.
  const inFlight = new Set<Promise<void>>();
  const track = (run: Promise<void>) => {
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run)).catch(() => {});
  };
  const app = createApp(ctx, { ...opts, track });
  const server: Server = createServer({ ...SERVER_OPTIONS, ...appObjectClasses(app) }, app);
  applyServerLimits(server);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Requests whose response has not ended yet, for drain().
  let active = 0;
  let onIdle: (() => void) | null = null;
  server.on('request', (_req, res) => {
    active += 1;
    res.once('close', () => {
      active -= 1;
      if (active === 0) onIdle?.();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const failure = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortInUseError(host, port) : (err as Error);
    ctx.setStatus({ state: 'error', baseUrl: intended, error: failure.message });
    throw failure;
  }
  const actualPort = (server.address() as AddressInfo).port;
  // A wildcard listener is reached through loopback by local clients.
  const url = baseUrlFor(isWildcardHost(host) ? '127.0.0.1' : host, actualPort);
  const others = networkUrls(host, actualPort);
  ctx.setStatus({ state: 'running', baseUrl: url, networkUrls: others, error: null, startedAt: Date.now() });
  ctx.ops.upstream.start();
  // Stops accepting connections (once); resolves when the last open one has ended.
  let listening: Promise<void> | null = null;
  const stopListening = () => (listening ??= new Promise<void>((resolve) => server.close(() => resolve())));
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    ctx.ops.upstream.stop();
    closing ??= (() => {
      const ended = stopListening();
      for (const socket of sockets) socket.destroy();
      return ended;
    })()
      .then(() => {
        // Every upstream call was aborted with its client; the bound is only a safety net.
        const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
        return Promise.race([Promise.allSettled(inFlight), grace]);
      })
      .then(() => ctx.setStatus({ state: 'stopped' }));
    return closing;
  };
  return {
    url,
    port: actualPort,
    networkUrls: others,
    close,
    async drain(boundMs) {
      // Idle keep-alive connections close at once (Node ≥ 19); busy ones once their response ends.
      void stopListening();
      if (!closing && active > 0) {
        let bound: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          onIdle = resolve;
          bound = setTimeout(resolve, boundMs);
        });
        clearTimeout(bound);
      }
      const cut = active;
      await close();
      return cut;
    },
  };
}
