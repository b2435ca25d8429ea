import type { Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { startsPerTurn } from './turns';

/** Counts event-loop turns: an immediate queued by an immediate runs in the next turn. */
function turnCounter(): { turn: () => number; stop: () => void } {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { turn: () => turn, stop: () => (running = false) };
}

/** `count` requests through `middleware` at once, each start taking `busyMs`; the turn each started in, in start order. */
function startTurns(middleware: RequestHandler, count: number, busyMs = 0): Promise<Array<{ id: number; turn: number }>> {
  const counter = turnCounter();
  const started: Array<{ id: number; turn: number }> = [];
  return new Promise((resolve) => {
    for (let id = 0; id < count; id++) {
      void middleware({} as Request, {} as Response, () => {
        started.push({ id, turn: counter.turn() });
        const until = performance.now() + busyMs;
        while (performance.now() < until); // a start's synchronous work
        if (started.length === count) {
          counter.stop();
          resolve(started);
        }
      });
    }
  });
}

describe('startsPerTurn', () => {
  it('starts requests that together outlast the budget in turns of their own, in arrival order', async () => {
    const started = await startTurns(startsPerTurn(5), 4, 6);
    expect(started.map((s) => s.id)).toEqual([0, 1, 2, 3]);
    const turns = started.map((s) => s.turn);
    turns.slice(1).forEach((turn, i) => expect(turn).toBe(turns[i] + 1));
  });

  it('starts quick requests together in one turn', async () => {
    const started = await startTurns(startsPerTurn(10_000), 4);
    expect(started.map((s) => s.id)).toEqual([0, 1, 2, 3]);
    expect(new Set(started.map((s) => s.turn)).size).toBe(1);
  });

  it('starts a lone request in the next turn, not at once', async () => {
    const middleware = startsPerTurn();
    let started = false;
    const done = new Promise<void>((resolve) => {
      void middleware({} as Request, {} as Response, () => {
        started = true;
        resolve();
      });
    });
    expect(started).toBe(false);
    await done;
    expect(started).toBe(true);
  });

  it('takes requests that arrive while others start', async () => {
    const middleware = startsPerTurn(0);
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      void middleware({} as Request, {} as Response, () => {
        order.push('first');
        // Arrives during the first start, once the queue is empty: it must still start.
        void middleware({} as Request, {} as Response, () => {
          order.push('second');
          resolve();
        });
      });
    });
    expect(order).toEqual(['first', 'second']);
  });
});
