// Request-body bytes read per event-loop turn. libuv reads every ready socket in one poll phase,
// up to 32 reads of 64 KB each, and Node hands each read to the request at once: with 64 bodies of
// ~1 MB arriving together the proxy copied ~64 MB into their buffers in one turn, the kernel
// faulting in their fresh pages, and the loop stayed blocked for ~80-150 ms (a CPU profile of the
// longest block: the body copy and the buffers' allocation, issue 13) while every stream relay
// and timer of the other requests waited. Past TURN_READ_BYTES in a turn, a request is paused
// (its socket is then no longer read: TCP holds the client back) and resumed at the next turn,
// so that the other requests' I/O runs in between. Total work is the same; it is spread out.
// Measured with the overhead bench, the proxy's longest own block (the worst of its targets):
// 64 × 1 MB JSON passthrough 154 -> 61 ms and accepted 211 -> 47; 64 × 1 MB SSE passthrough
// 61-84 -> 17-23, accepted 97-114 -> 60-67; 16 × 1 MB JSON, three interleaved runs of each:
// 81-91 ms without, 65-81 with 16 MB a turn, 38-47 with 4 MB, and the added p50s the same
// within the runs' spread (passthrough +16 to +195 ms without, +80 to +142 with 4 MB; the
// pipe's own +12 to +152).
import type { Readable } from 'node:stream';

/** Body bytes read in one turn before the requests still reading wait for the next one. */
export const TURN_READ_BYTES = 4 * 1024 * 1024;

export class ReadTurns {
  private read = 0;
  private scheduled = false;
  private readonly waiting: Readable[] = [];

  constructor(private readonly budget = TURN_READ_BYTES) {}

  /** `bytes` of `body` were read this turn: past the budget, `body` pauses until the next turn. */
  count(body: Readable, bytes: number): void {
    this.read += bytes;
    if (!this.scheduled) {
      this.scheduled = true;
      // An immediate runs after this turn's I/O; one queued by an immediate runs in the next turn.
      setImmediate(ReadTurns.nextTurn, this);
    }
    if (this.read >= this.budget && !body.isPaused()) {
      body.pause();
      this.waiting.push(body);
    }
  }

  /** The turn's end: the count starts over and the paused bodies read again. Static: no closure per turn. */
  private static nextTurn(turns: ReadTurns): void {
    turns.scheduled = false;
    turns.read = 0;
    for (const body of turns.waiting.splice(0)) body.resume();
  }
}
