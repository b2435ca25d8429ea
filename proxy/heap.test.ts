import type * as v8 from 'node:v8';
import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROXY_HEAP_FLAGS, tuneHeapForProxy } from './heap';

vi.mock('node:v8', async (importOriginal) => ({ ...(await importOriginal<typeof v8>()), setFlagsFromString: vi.fn() }));

// What the setting does to collections is measured by the overhead bench (its GC/req and CPU/req
// columns); V8 offers no way to read a flag back, so here only which setting is made, and when.
describe('tuneHeapForProxy', () => {
  afterEach(() => vi.mocked(setFlagsFromString).mockClear());

  it('sets the heap growing for a node started without one', () => {
    tuneHeapForProxy(['--enable-source-maps']);
    expect(setFlagsFromString).toHaveBeenCalledWith(PROXY_HEAP_FLAGS);
  });

  it("leaves node's own heap growing alone, however it was spelled", () => {
    tuneHeapForProxy(['--heap-growing-percent=50']);
    tuneHeapForProxy(['--heap_growing_percent=50']);
    tuneHeapForProxy(['--heap-growing_percent=50']);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
