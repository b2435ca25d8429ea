import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDashboard } from './dashboard';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cascadeflow-bundle-'));
  const app = express();
  mountDashboard(app, dir);
  app.use((_req, res) => void res.status(404).json({ type: 'error', error: { type: 'not_found_error', message: 'nope' } }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('serving the dashboard bundle', () => {
  it('explains how to build it while there is no bundle, under the same CSP', async () => {
    const response = await fetch(`${base}/dashboard/`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await response.text()).toContain('npm run build:renderer');
  });

  it('serves a bundle built after startup, with a strict CSP and cache rules', async () => {
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="./assets/app-1.js"></script>');
    writeFileSync(path.join(dir, 'assets', 'app-1.js'), 'console.log(1)');

    const index = await fetch(`${base}/dashboard/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('./assets/app-1.js');

    const asset = await fetch(`${base}/dashboard/assets/app-1.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('redirects /dashboard to /dashboard/ so relative asset URLs resolve, keeping the query', async () => {
    const response = await fetch(`${base}/dashboard?x=1`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/dashboard/?x=1');
  });

  it('leaves other paths and missing assets to the rest of the app', async () => {
    expect((await fetch(`${base}/dashboard/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/dashboardx`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/../package.json`)).status).toBe(404);
  });
});
