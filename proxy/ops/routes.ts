// GET /health (open: load balancers, Docker and systemd watchdogs ask it) and GET /metrics
// (Prometheus; beyond loopback it needs the admin token, like /stats and /api).
import express, { type Router } from 'express';
import type { ProxyContext } from '../context';
import { rejectBrowserOrigins, requireAdminToken, requireLocalHost } from '../http/guards';
import { toHealth } from './health';

export function createOpsRouter(ctx: ProxyContext): Router {
  const router = express.Router();
  router.use(['/health', '/metrics'], requireLocalHost(ctx), rejectBrowserOrigins());

  router.get('/health', async (_req, res) => {
    const [status, rules] = await Promise.all([ctx.control.getStatus(), ctx.control.getRules()]);
    res.json(toHealth(status, rules.length));
  });

  router.get('/metrics', requireAdminToken(ctx), async (_req, res) => {
    const { contentType, text } = await ctx.ops.metrics.scrape();
    res.type(contentType).send(text);
  });
  return router;
}
