// Guards for everything the proxy serves to the local user. A localhost server is reachable
// from any web page the user opens: DNS rebinding (a foreign name resolving to 127.0.0.1)
// is stopped by the Host check, cross-site requests (CSRF) by the Origin check, and when
// the proxy listens beyond loopback the admin API also needs a token.
import { timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendAnthropicError } from './errors';
import { hostnameOfHeader, isLoopbackHost, isWildcardHost } from './hosts';

/** What the guards read, per request, so a settings change applies to the next one. */
export interface GuardedListener {
  readonly config: { readonly host: string; readonly adminToken: string | null; readonly allowedHosts?: string[] };
}

function allowedHostname(ctx: GuardedListener, hostname: string): boolean {
  if (isLoopbackHost(hostname)) return true;
  const { host, allowedHosts = [] } = ctx.config;
  if (hostname === host.toLowerCase() || allowedHosts.includes(hostname)) return true;
  if (isWildcardHost(host)) {
    // Listening everywhere: the machine's own addresses and name are fine; a rebinding
    // attack needs a foreign DNS name, never an IP literal.
    const machine = os.hostname().toLowerCase();
    return net.isIP(hostname) !== 0 || hostname === machine || hostname === `${machine}.local`;
  }
  return false;
}

/** Refuses a request whose Host is not this machine (DNS rebinding). */
export function requireLocalHost(ctx: GuardedListener): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.host;
    if (!header) {
      sendAnthropicError(res, 400, 'Missing Host header.');
      return;
    }
    if (!allowedHostname(ctx, hostnameOfHeader(header))) {
      sendAnthropicError(
        res,
        403,
        `Host "${header}" is not allowed: this proxy answers only to localhost or its configured host ` +
          '(add other names to CASCADEFLOW_ALLOWED_HOSTS).',
      );
      return;
    }
    next();
  };
}

/**
 * Refuses browser requests from any origin other than the proxy's own: an `Origin` that
 * differs (or is "null"), or a cross-site fetch without one (`Sec-Fetch-Site`). Plain
 * navigations are let through: they cannot read the answer and GETs change nothing.
 */
export function rejectBrowserOrigins(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let sameOrigin = false;
      try {
        const url = new URL(origin);
        sameOrigin = url.protocol === `${req.protocol}:` && url.host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
      } catch {
        sameOrigin = false;
      }
      if (!sameOrigin) {
        sendAnthropicError(res, 403, `Cross-origin request from ${origin} refused: the proxy only serves its own pages and non-browser clients.`);
        return;
      }
    }
    const site = req.headers['sec-fetch-site'];
    const navigation = req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate';
    if ((site === 'cross-site' || site === 'same-site') && !navigation) {
      sendAnthropicError(res, 403, 'Cross-site request refused: the proxy only serves its own pages and non-browser clients.');
      return;
    }
    next();
  };
}

/**
 * Mutating requests must be JSON: an HTML form or a "simple" cross-site fetch cannot send
 * application/json without a CORS preflight, which the Origin check refuses.
 */
export function requireJsonBody(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !req.is('application/json')) {
      sendAnthropicError(res, 415, 'Content-Type must be application/json.');
      return;
    }
    next();
  };
}

/** Constant-time comparison, so the admin token cannot be guessed a character at a time. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** When an admin token is configured: `Authorization: Bearer <token>`, or `?token=` for EventSource. */
export function requireAdminToken(ctx: GuardedListener): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const expected = ctx.config.adminToken;
    if (!expected) return next();
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    const given = bearer ?? query;
    if (!given || !tokenMatches(given, expected)) {
      sendAnthropicError(
        res,
        401,
        given
          ? 'Invalid admin token.'
          : 'This proxy listens beyond localhost: the admin API needs "Authorization: Bearer <token>" (the token is printed at startup).',
      );
      return;
    }
    next();
  };
}
