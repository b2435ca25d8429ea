// Bounded memory for request bodies: every /v1 body is held in memory for as long as its request
// runs (it goes upstream as is, to the draft and to the verifier), so the bytes of the bodies held
// at once are counted against one budget. A request reserves its Content-Length (the body limit
// when the length is unknown or the body is compressed, trimmed to the real size once read) before
// a byte of its body is read, and gives it back when its response closes. A request that does not
// fit waits its turn with its socket unread (TCP backpressure holds the client) for up to
// BODY_WAIT_MS, then gets the API's own overload answer, 529 overloaded_error with retry-after,
// which the SDKs and Claude Code retry. Written here rather than taken from a semaphore library:
// each waiter needs its own deadline and leaves the queue when its client hangs up.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { sendAnthropicError } from '../http/errors';
import { ReadTurns } from '../http/read-turns';

const MB = 1024 * 1024;
/** The largest request body (413 beyond): Claude Code sends long histories, 20+ tools and images. */
export const MAX_BODY_MB = 64;
export const MAX_BODY_BYTES = MAX_BODY_MB * MB;
export const TOO_LARGE_MESSAGE = `Request body exceeds ${MAX_BODY_MB} MB`;
/** Body bytes held at once by default: four bodies at the limit, or hundreds of ordinary ones. */
const DEFAULT_BODY_BUDGET_MB = 256;
const DEFAULT_BODY_BUDGET_BYTES = DEFAULT_BODY_BUDGET_MB * MB;
/** Longest wait for room in the budget before a 529; well within the 60 s a request has to arrive. */
export const BODY_WAIT_MS = 10_000;
/** What the 529 tells the client to wait (s). */
export const OVERLOADED_RETRY_AFTER_S = 2;

/** Bytes held for one request until released (idempotent). */
export interface Reservation {
  /** Keeps only `bytes` of the reservation (the body's real size, once read). */
  trim(bytes: number): void;
  release(): void;
}

interface Waiter {
  bytes: number;
  admit(reservation: Reservation): void;
}

/** Request-body bytes held at once, at most `capacity`; first come, first served. */
export class BodyBudget {
  private used = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly capacity: number) {}

  /** Bytes reserved now. */
  get held(): number {
    return this.used;
  }

  /**
   * A reservation of `bytes` (at most the capacity), once it fits and every earlier waiter has
   * had its turn; null when `waitMs` passes first or `signal` aborts.
   */
  acquire(bytes: number, waitMs: number, signal: AbortSignal): Promise<Reservation | null> {
    const now = this.tryReserve(bytes);
    if (now) return Promise.resolve(now);
    const wanted = Math.min(bytes, this.capacity);
    return new Promise((resolve) => {
      const give = (result: Reservation | null) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', leave);
        resolve(result);
      };
      const waiter: Waiter = { bytes: wanted, admit: give };
      const leave = () => {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        give(null);
        // A large waiter leaving may let smaller ones behind it in.
        this.admitWaiting();
      };
      const timer = setTimeout(leave, waitMs);
      signal.addEventListener('abort', leave, { once: true });
      this.queue.push(waiter);
    });
  }

  /** A reservation of `bytes` (at most the capacity) when it fits at once and nobody waits; else null. */
  tryReserve(bytes: number): Reservation | null {
    const wanted = Math.min(bytes, this.capacity);
    return this.queue.length === 0 && this.used + wanted <= this.capacity ? this.reserve(wanted) : null;
  }

  private reserve(bytes: number): Reservation {
    this.used += bytes;
    let held = bytes;
    const change = (to: number) => {
      this.used -= held - to;
      held = to;
      this.admitWaiting();
    };
    return {
      trim: (to) => {
        if (to < held) change(to);
      },
      release: () => change(0),
    };
  }

  private admitWaiting(): void {
    while (this.queue.length > 0 && this.used + this.queue[0].bytes <= this.capacity) {
      const waiter = this.queue.shift()!;
      waiter.admit(this.reserve(waiter.bytes));
    }
  }
}

export interface BodyBudgetOptions {
  /** Request-body bytes held at once (at least the body limit, so that any allowed body fits). */
  bytes: number;
  /** Longest wait for room before a 529 (ms). */
  waitMs: number;
  /** Body bytes read in one event-loop turn before the requests still reading wait for the next (read-turns.ts). */
  turnReadBytes: number;
}

/** CASCADEFLOW_MAX_BUFFERED_BODY_MB as the budget; throws a message naming a malformed value. */
export function bodyBudgetFromEnv(env: NodeJS.ProcessEnv): Partial<BodyBudgetOptions> {
  const raw = env.CASCADEFLOW_MAX_BUFFERED_BODY_MB?.trim();
  if (!raw) return {};
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < MAX_BODY_MB) throw new Error(`CASCADEFLOW_MAX_BUFFERED_BODY_MB must be an integer of at least ${MAX_BODY_MB} (the body limit), got "${raw}"`);
  return { bytes: mb * MB };
}

/** The bytes a request's body may take once read: its Content-Length, or the limit when unknown or compressed. */
function expectedBytes(req: Request): number {
  const encoding = req.headers['content-encoding'];
  const length = Number(req.headers['content-length']);
  if (encoding && encoding !== 'identity') return MAX_BODY_BYTES;
  return Number.isSafeInteger(length) && length >= 0 ? Math.min(length, MAX_BODY_BYTES) : MAX_BODY_BYTES;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
}

/** The route's answers: which callers its headers refuse, and errors in the shape of the API its clients speak. */
export interface BodyRoutes {
  /** Answers a caller its headers already refuse (true when it did), before its body takes room. */
  refused(req: Request, res: Response): boolean;
  sendError(req: Request): typeof sendAnthropicError;
}

/**
 * The body reader of the /v1 routes: waits for room in one budget, reads the body as a Buffer
 * (`req.body`, 413 past the limit), and trims the reservation to what was read.
 */
export function readBodies(options: Partial<BodyBudgetOptions> = {}, routes: BodyRoutes): RequestHandler[] {
  const budget = new BodyBudget(options.bytes ?? DEFAULT_BODY_BUDGET_BYTES);
  const waitMs = options.waitMs ?? BODY_WAIT_MS;
  const reservations = new WeakMap<Request, Reservation>();
  const admit = async (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    if (routes.refused(req, res)) return;
    // Room at once (the usual case): no wait, so no AbortController and close listener per request.
    const reservation = budget.tryReserve(expectedBytes(req)) ?? (await waitForRoom(req, res));
    if (reservation === undefined) return;
    if (!reservation) {
      res.setHeader('retry-after', String(OVERLOADED_RETRY_AFTER_S));
      routes.sendError(req)(res, 529, `Overloaded: the proxy holds at most ${Math.round(budget.capacity / MB)} MB of request bodies at once, and this one waited ${waitMs / 1000} s for room.`);
      return;
    }
    res.once('close', reservation.release);
    reservations.set(req, reservation);
    next();
  };
  /** A reservation once there is room, null past the wait, undefined when the client left meanwhile. */
  const waitForRoom = async (req: Request, res: Response): Promise<Reservation | null | undefined> => {
    const gone = new AbortController();
    const hangUp = () => gone.abort();
    res.once('close', hangUp);
    const reservation = await budget.acquire(expectedBytes(req), waitMs, gone.signal);
    res.off('close', hangUp);
    if (!gone.signal.aborted) return reservation;
    reservation?.release();
    return undefined;
  };
  const trim = (req: Request, _res: Response, next: NextFunction) => {
    reservations.get(req)?.trim(Buffer.isBuffer(req.body) ? req.body.length : 0);
    next();
  };
  return [admit, readBody(express.raw({ type: () => true, limit: MAX_BODY_BYTES }), new ReadTurns(options.turnReadBytes)), trim];
}

/**
 * express.raw, except for a body of known length sent as is (any client's usual request): one
 * buffer of that length, filled as its chunks arrive. express.raw joins the chunks once the last
 * has come, a copy of the whole body in one go: with many ~1 MB bodies finishing together those
 * copies blocked the event loop for ~100 ms (issue 13); the chunks' copies are also spread over
 * loop turns (read-turns.ts). Compressed, chunked and oversized bodies (413) take express.raw.
 */
function readBody(raw: RequestHandler, turns: ReadTurns): RequestHandler {
  return (req, res, next) => {
    const encoding = req.headers['content-encoding'];
    const length = Number(req.headers['content-length']);
    const plain = (!encoding || encoding === 'identity') && req.headers['transfer-encoding'] === undefined;
    if (!plain || !Number.isSafeInteger(length) || length <= 0 || length > MAX_BODY_BYTES) return raw(req, res, next);
    const body = Buffer.allocUnsafe(length);
    let received = 0;
    const onData = (chunk: Buffer) => {
      // The HTTP parser never delivers more than the Content-Length it framed the body with.
      received += chunk.copy(body, received);
      turns.count(req, chunk.length);
    };
    const finish = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
      if (error) return next(error);
      req.body = body;
      next();
    };
    const onEnd = () => finish(received === length ? undefined : aborted());
    const onClose = () => finish(aborted());
    req.on('data', onData).once('end', onEnd).once('error', finish).once('close', onClose);
  };
}

/** As express.raw reports a body cut short (400; the client is gone). */
function aborted(): Error {
  return Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' });
}
