// Request starts spread over event-loop turns. A request's synchronous start, once its body is
// in (parsing it, deciding, building the upstream body), costs ~0.1 ms at 20 KB and several ms
// at ~1 MB; when many bodies finish arriving at once (64 Claude Code sessions sending ~1 MB
// each), Node would run all of those starts back to back in one turn, and the loop would stay
// blocked for their sum (300-650 ms of CPU measured at 64 × 1 MB): every stream relay, timer
// and socket of the other requests waits meanwhile. Queued here, starts run back to back only
// while the turn has used less than TURN_BUDGET_MS; the rest wait for the next turn (an
// immediate queued by an immediate runs in the next one), so the I/O of the others interleaves
// and a block is about one large start. Small bodies still start many to a turn, so the
// throughput at 16 × 150 KB is kept. Requests start in the order their bodies arrived; a lone
// one waits one turn (microseconds).
import type { NextFunction, RequestHandler } from 'express';

/** Starts in one turn until they have taken this long (ms): one ~1 MB start takes about as much. */
export const TURN_BUDGET_MS = 2;

export function startsPerTurn(budgetMs = TURN_BUDGET_MS): RequestHandler {
  const waiting: NextFunction[] = [];
  let scheduled = false;
  const startSome = () => {
    const until = performance.now() + budgetMs;
    do waiting.shift()!();
    while (waiting.length > 0 && performance.now() < until);
    scheduled = waiting.length > 0;
    if (scheduled) setImmediate(startSome);
  };
  return (_req, _res, next) => {
    waiting.push(next);
    if (!scheduled) {
      scheduled = true;
      setImmediate(startSome);
    }
  };
}
