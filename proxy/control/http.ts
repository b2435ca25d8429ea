// The control API over HTTP: /stats (the seed's endpoint; /health is ops/routes.ts's) and the
// admin API under /api that the web dashboard uses. The admin routes are built from the contract's
// route table (contracts/control-api.ts), so the router and the renderer's client cannot
// drift apart. Every route is guarded (http/guards.ts).
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { ProxyContext } from '../context';
import { toStatsResponse } from '../stats/response';
import {
  CONTROL_API_PREFIX,
  CONTROL_EVENTS_PATH,
  controlMethodNames,
  controlRoutes,
  routeArgs,
  type ControlApi,
  type ControlMethod,
  type HttpRoute,
} from '../../contracts/control-api';
import type { ControlEvent } from '../../contracts/events';
import type { StatsResponse } from '../../contracts/stats';
import type { TokenInfo } from '../../contracts/tokens';
import { ControlError, describeIssues, sendAnthropicError } from '../http/errors';
import { rejectBrowserOrigins, requireAdminToken, requireJsonBody, requireLocalHost } from '../http/guards';
import { SseWriter } from '../http/sse-writer';

export interface ControlRouterOptions {
  /** Keep-alive comment period on SSE connections (ms). */
  keepAliveMs?: number;
  /** An SSE client that lets this much output pile up unread is cut off (bytes). */
  maxBufferedBytes?: number;
}

/** Every method has a route: a method without one fails to compile here too. */
const routes: { readonly [M in ControlMethod]: HttpRoute } = controlRoutes;

function uptimeSeconds(startedAt: number | null): number {
  return startedAt === null ? 0 : Math.max(0, (Date.now() - startedAt) / 1000);
}

export function createControlRouter(ctx: ProxyContext, options: ControlRouterOptions = {}): Router {
  const router = express.Router();
  const { control } = ctx;
  router.use(['/stats', CONTROL_API_PREFIX], requireLocalHost(ctx), rejectBrowserOrigins());

  // Beyond loopback the totals are the admin's, like the admin API.
  router.get('/stats', requireAdminToken(ctx), async (_req, res) => {
    const [status, stats, tokens] = await Promise.all([control.getStatus(), control.getStats(), control.listTokens()]);
    const body: StatsResponse = toStatsResponse(stats.allTime, uptimeSeconds(status.startedAt));
    if (tokens.length > 0) body.by_token = byToken(tokens);
    res.json(body);
  });

  const api = express.Router();
  router.use(CONTROL_API_PREFIX, requireAdminToken(ctx), api);
  // Not strict: a body that is JSON but the wrong shape (a string for the rules) gets the
  // control API's own message, as over IPC, instead of body-parser's.
  api.use(requireJsonBody(), express.json({ limit: '1mb', strict: false }));

  for (const method of controlMethodNames) {
    const route = routes[method];
    api[verb(route)](route.path, async (req: Request, res: Response) => {
      const call = control[method] as (...args: unknown[]) => Promise<unknown>;
      res.json(await call.apply(control, requestArgs(route, req)));
    });
  }
  api.get(CONTROL_EVENTS_PATH, (_req, res) => streamEvents(control, res, options));
  api.use((req, res) => {
    sendAnthropicError(res, 404, `No admin API route ${req.method} ${CONTROL_API_PREFIX}${req.path}.`);
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, message } = adminErrorResponse(error);
    sendAnthropicError(res, status, message);
  });
  return router;
}

/** Today's requests, cost and savings per client token, rounded like the totals. */
function byToken(tokens: TokenInfo[]): NonNullable<StatsResponse['by_token']> {
  const round = (dollars: number) => Math.round(dollars * 1e6) / 1e6;
  return Object.fromEntries(
    tokens.map(({ name, today }) => [name, { queries: today?.queries ?? 0, cost: round(today?.cost ?? 0), savings: round(today?.savings ?? 0) }]),
  );
}

function verb(route: HttpRoute): 'get' | 'put' | 'patch' | 'post' | 'delete' {
  return route.method.toLowerCase() as Lowercase<HttpRoute['method']>;
}

/**
 * The method's arguments as they arrived. The ControlApi checks them against the contract
 * itself (a 400 naming the argument), as it does for IPC; only the wire's own shape is
 * checked here.
 */
function requestArgs(route: HttpRoute, req: Request): unknown[] {
  // `?token=` is the admin token for EventSource (guards.ts), not an argument.
  const { token: _token, ...query } = req.query;
  if (typeof route.input === 'object') {
    // The argument travels alone in its field: anything else in the body is a caller's mistake.
    const envelope = z.strictObject({ [route.input.field]: z.unknown().optional() }).safeParse(req.body);
    if (!envelope.success) throw new ControlError(400, `Invalid request body: ${describeIssues(envelope.error)}`);
  }
  return routeArgs(route, { query, body: req.body });
}

/** A thrown error as the admin API answers it: the control API's own, body-parser's, or a 500. */
function adminErrorResponse(error: unknown): { status: number; message: string } {
  if (error instanceof ControlError) return { status: error.status, message: error.message };
  const e = error as { type?: string; status?: number; message?: string };
  // body-parser's errors carry their status: malformed JSON, too large, bad charset.
  if (e.type === 'entity.parse.failed') return { status: 400, message: `Request body is not valid JSON: ${e.message}` };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, message: e.message ?? 'Bad request' };
  }
  return { status: 500, message: `Internal error: ${e.message ?? String(error)}` };
}

/**
 * Live events as Server-Sent Events: one `event: <type>` + `data: <ControlEvent JSON>` per
 * event, forwarded as the hub emits them (the hub already coalesces stats events).
 */
function streamEvents(control: ControlApi, res: Response, options: ControlRouterOptions): void {
  const sse = new SseWriter(res, { keepAliveMs: options.keepAliveMs ?? 15_000, maxBufferedBytes: options.maxBufferedBytes });
  sse.retry(2000);
  const send = (event: ControlEvent) => sse.event(event.type, event);
  const unsubscribe = control.subscribe(send);
  res.once('close', unsubscribe);

  // The current state first, so a fresh page needs no extra round trip.
  Promise.all([control.getStatus(), control.getStats()]).then(
    ([status, stats]) => {
      send({ type: 'status', status });
      send({ type: 'stats', stats });
    },
    () => res.destroy(),
  );
}
