import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  isTrustedAppUrl,
  resolveAppAsset,
} from './app-protocol';

let root: string;
let outside: string;

beforeAll(async () => {
  const base = await mkdtemp(path.join(tmpdir(), 'cf-app-'));
  root = path.join(base, 'renderer');
  outside = path.join(base, 'secret.txt');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(outside, 'do not serve');
});

afterAll(async () => {
  await rm(path.dirname(root), { recursive: true, force: true });
});

describe('app:// protocol', () => {
  it('trusts only frames of the app origin', () => {
    expect(isTrustedAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isTrustedAppUrl('app://dashboard/assets/x.html#/rules')).toBe(true);
    for (const url of ['file:///index.html', 'https://evil.example', 'app://other/index.html', 'about:blank', '', 'not a url']) {
      expect(isTrustedAppUrl(url)).toBe(false);
    }
  });

  it('maps URLs into the bundle and refuses everything outside it', () => {
    expect(resolveAppAsset(root, 'app://dashboard/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://dashboard/assets/app.js?v=1')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveAppAsset(root, 'app://dashboard/../secret.txt')).toBe(path.join(root, 'secret.txt'));
    // The URL parser collapses (encoded) dot segments at the root; an encoded slash is decoded later and caught.
    expect(resolveAppAsset(root, 'app://dashboard/%2e%2e/secret.txt')).toBe(path.join(root, 'secret.txt'));
    expect(resolveAppAsset(root, 'app://dashboard/..%2fsecret.txt')).toBeNull();
    expect(resolveAppAsset(root, 'app://dashboard/assets/%2e%2e%2f%2e%2e%2fsecret.txt')).toBeNull();
    expect(resolveAppAsset(root, 'app://elsewhere/index.html')).toBeNull();
    expect(resolveAppAsset(root, 'app://dashboard/%00')).toBeNull();
  });

  it('serves files with their type and a strict CSP', async () => {
    const handle = createAppProtocolHandler(root);
    const page = await handle(new Request('app://dashboard/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<!doctype html>');
    const script = await handle(new Request('app://dashboard/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('answers 404 for traversal and missing files, 405 for writes', async () => {
    const handle = createAppProtocolHandler(root);
    const traversal = await handle(new Request('app://dashboard/assets/..%2f..%2fsecret.txt'));
    expect(traversal.status).toBe(404);
    expect(await traversal.text()).not.toContain('do not serve');
    expect((await handle(new Request('app://dashboard/nope.js'))).status).toBe(404);
    expect((await handle(new Request('app://dashboard/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
