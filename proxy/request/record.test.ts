import { describe, expect, it } from 'vitest';
import { newRequestId } from './record';

describe('newRequestId', () => {
  it('gives 16 hex digits, all distinct across several refills of its random pool', () => {
    // 512 ids per refill: 3000 cross five refills, and the fresh bytes of each must not repeat the last.
    const ids = Array.from({ length: 3000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
