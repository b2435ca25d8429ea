// Serves the built dashboard (dist/renderer, from `npm run build:renderer`) at /dashboard/.
// The page talks only to this proxy's own /api, so the CSP allows nothing but 'self'.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Router } from 'express';

export const DASHBOARD_PATH = '/dashboard';

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../dist/renderer', import.meta.url));

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CascadeFlow dashboard not built</title></head>
<body>
<h1>The dashboard is not built yet</h1>
<p>The proxy is running, but there is no dashboard bundle in <code>${escapeHtml(dir)}</code>.</p>
<p>Build it once with <code>npm run build:renderer</code> (it also runs on <code>npm install</code>), then reload this page.</p>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function createDashboardRouter(dir: string = DEFAULT_DASHBOARD_DIR): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', DASHBOARD_CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  router.use(
    express.static(dir, {
      index: 'index.html',
      // Hashed assets never change; index.html must be revalidated to pick up a new build.
      setHeaders: (res, filePath) => {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  // Checked per request, so building while the proxy runs needs no restart.
  router.get('/', (_req, res, next) => {
    if (existsSync(path.join(dir, 'index.html'))) return next();
    res.status(503).type('html').send(notBuiltPage(dir));
  });
  return router;
}

/** Mounts the dashboard at /dashboard/ (and redirects /dashboard there so relative asset URLs resolve). */
export function mountDashboard(app: Express, dir: string = DEFAULT_DASHBOARD_DIR): void {
  app.get(DASHBOARD_PATH, (req, res, next) => {
    if (req.path !== DASHBOARD_PATH) return next();
    const query = req.url.indexOf('?');
    res.redirect(301, `${DASHBOARD_PATH}/${query === -1 ? '' : req.url.slice(query)}`);
  });
  app.use(DASHBOARD_PATH, createDashboardRouter(dir));
}
