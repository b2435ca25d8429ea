import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ReadTurns } from './read-turns';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function reading(): PassThrough {
  const body = new PassThrough();
  body.on('data', () => {});
  return body;
}

describe('ReadTurns', () => {
  it('pauses the bodies that read past the budget in a turn, and resumes them at the next', async () => {
    const turns = new ReadTurns(100);
    const [a, b, c] = [reading(), reading(), reading()];
    turns.count(a, 60);
    turns.count(b, 30);
    expect([a.isPaused(), b.isPaused()]).toEqual([false, false]);
    turns.count(b, 10); // 100 read this turn: at the budget
    turns.count(c, 5);
    expect([a.isPaused(), b.isPaused(), c.isPaused()]).toEqual([false, true, true]);
    await nextTurn();
    expect([a.isPaused(), b.isPaused(), c.isPaused()]).toEqual([false, false, false]);
    // The count started over.
    turns.count(a, 99);
    expect(a.isPaused()).toBe(false);
  });

  it('pauses a body once however often it reads past the budget', async () => {
    const turns = new ReadTurns(10);
    const body = reading();
    turns.count(body, 20);
    turns.count(body, 20);
    expect(body.isPaused()).toBe(true);
    await nextTurn();
    expect(body.isPaused()).toBe(false);
  });

  it('a paused body’s data waits for the next turn, whole and in order', async () => {
    const turns = new ReadTurns(4);
    const body = new PassThrough();
    const seen: string[] = [];
    body.on('data', (chunk: Buffer) => {
      seen.push(chunk.toString());
      turns.count(body, chunk.length);
    });
    body.write('abcd');
    body.write('efgh');
    body.end();
    await new Promise((resolve) => process.nextTick(resolve));
    expect(seen.join('')).toBe('abcd');
    await new Promise((resolve) => body.once('end', resolve));
    expect(seen.join('')).toBe('abcdefgh');
  });
});
