// The control API over HTTP: /health and /stats (the seed's endpoints) and the admin API
// under /api that the web dashboard uses. Every route is guarded (security.ts).
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { ProxyContext } from '../context';
import { toStatsResponse } from '../stats/response';
import type { CascadeRule } from '../../contracts/rules';
import type { SettingsPatch } from '../../contracts/settings';
import type { ControlEvent } from '../../contracts/events';
import { ControlError, sendAnthropicError, validationError } from '../http/errors';
import { throttle } from '../state/event-hub';
import { decisionQuerySchema } from '../../contracts/decision';
import { rejectBrowserOrigins, requireAdminToken, requireJsonBody, requireLocalHost } from '../http/guards';

export interface ControlRouterOptions {
  /** Minimum gap between two stats events on one SSE connection (ms). */
  statsIntervalMs?: number;
  /** Keep-alive comment period on SSE connections (ms). */
  keepAliveMs?: number;
  /** An SSE client that lets this much output pile up unread is cut off (bytes). */
  maxBufferedBytes?: number;
}

/** A page that stopped reading (a stalled or suspended tab) must not grow the proxy's memory. */
const DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;

const apiKeyBody = z.object({ key: z.string().nullable() }).strict();

function uptimeSeconds(startedAt: number | null): number {
  return startedAt === null ? 0 : Math.max(0, (Date.now() - startedAt) / 1000);
}

export function createControlRouter(ctx: ProxyContext, options: ControlRouterOptions = {}): Router {
  const router = express.Router();
  const { control } = ctx;
  router.use(['/health', '/stats', '/api'], requireLocalHost(ctx), rejectBrowserOrigins(ctx));

  router.get('/health', async (_req, res) => {
    const [status, rules] = await Promise.all([control.getStatus(), control.getRules()]);
    res.json({
      status: 'healthy',
      version: status.version,
      uptime_seconds: Math.floor(uptimeSeconds(status.startedAt)),
      upstream: status.upstreamUrl,
      rules: rules.length,
      paused: status.paused,
    });
  });

  router.get('/stats', async (_req, res) => {
    const [status, stats] = await Promise.all([control.getStatus(), control.getStats()]);
    res.json(toStatsResponse(stats.allTime, uptimeSeconds(status.startedAt)));
  });

  const api = express.Router();
  router.use('/api', requireAdminToken(ctx), api);
  api.use(requireJsonBody(), express.json({ limit: '1mb' }));

  api.get('/status', async (_req, res) => void res.json(await control.getStatus()));
  api.get('/stats', async (_req, res) => void res.json(await control.getStats()));
  api.get('/decisions', async (req, res) => {
    const { limit, decision } = req.query;
    const query = decisionQuerySchema.safeParse({ limit, decision });
    if (!query.success) throw validationError('decision query', query.error);
    res.json(await control.getDecisions(query.data));
  });
  api.get('/rules', async (_req, res) => void res.json(await control.getRules()));
  api.put('/rules', async (req, res) => void res.json(await control.saveRules(req.body as CascadeRule[])));
  api.get('/settings', async (_req, res) => void res.json(await control.getSettings()));
  api.patch('/settings', async (req, res) => void res.json(await control.updateSettings(req.body as SettingsPatch)));
  api.put('/api-key', async (req, res) => {
    const body = apiKeyBody.safeParse(req.body);
    if (!body.success) throw validationError('request body (expected {"key": string | null})', body.error);
    res.json(await control.setApiKey(body.data.key));
  });
  api.get('/events', (req, res) => streamEvents(ctx, req, res, options));
  api.use((req, res) => {
    sendAnthropicError(res, 404, `No admin API route ${req.method} /api${req.path}.`);
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, message } = describeError(error);
    sendAnthropicError(res, status, message);
  });
  return router;
}

function describeError(error: unknown): { status: number; message: string } {
  if (error instanceof ControlError) return { status: error.status, message: error.message };
  const e = error as { type?: string; status?: number; message?: string };
  // body-parser's errors carry their status: malformed JSON, too large, bad charset.
  if (e.type === 'entity.parse.failed') return { status: 400, message: `Request body is not valid JSON: ${e.message}` };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, message: e.message ?? 'Bad request' };
  }
  return { status: 500, message: `Internal error: ${e.message ?? String(error)}` };
}

/** Server-Sent Events: one `event: <type>` + `data: <ControlEvent JSON>` per event. */
function streamEvents(ctx: ProxyContext, req: Request, res: Response, options: ControlRouterOptions): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const send = (event: ControlEvent) => {
    if (res.destroyed) return;
    // Cut off rather than buffer without bound: EventSource reconnects and reloads a fresh snapshot.
    if (res.writableLength > maxBuffered) return void res.destroy();
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  res.write('retry: 2000\n\n');

  // Bursts of stats events collapse into the latest one per interval.
  let latestStats: ControlEvent | null = null;
  const statsOut = throttle(options.statsIntervalMs ?? 250, () => {
    if (latestStats) send(latestStats);
    latestStats = null;
  });
  const unsubscribe = ctx.control.subscribe((event) => {
    if (event.type === 'stats') {
      latestStats = event;
      statsOut.schedule();
    } else {
      send(event);
    }
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000);
  keepAlive.unref();
  res.on('close', () => {
    unsubscribe();
    statsOut.cancel();
    clearInterval(keepAlive);
  });

  // The current state first, so a fresh page needs no extra round trip.
  Promise.all([ctx.control.getStatus(), ctx.control.getStats()]).then(
    ([status, stats]) => {
      if (res.writableEnded || res.destroyed) return;
      send({ type: 'status', status });
      send({ type: 'stats', stats });
    },
    () => res.destroy(),
  );
}
