// How V8 sizes the heap of a process that runs the proxy under plain Node (the headless CLI, and
// the benches, which measure it as it ships). The proxy holds little (~20 MB live) but passes a
// lot through: every request body is a fresh buffer outside the JavaScript heap. With V8's
// default heap growing, V8 began incremental marking again soon after each full collection (at
// 17 MB of a 41 MB limit, --trace-incremental-marking) and ran a full mark-compact about every
// 100 ms under load (48 in 3,500 requests of 150 KB), whose background marking alone took about
// 0.6 ms of CPU per request. Growing the heap to three times what survives a full collection:
// 16 mark-compacts in the same run, and 35 % less CPU per 150 KB passthrough (side by side, six
// rounds: 0.61-0.77 of the default's), for ~20-40 MB more resident memory under load (64 × 150 KB
// streams: 206 MB against 177-191) and ~20 MB more kept after it (1,500 × 150 KB then 300 × 1 MB,
// 64 in flight, then 12 s idle: 143 MB against 121). Small bodies rarely trigger a full collection
// and are unchanged.
// Not in the desktop app: Electron's V8 may refuse flags once it runs (a fatal check in embedders
// that freeze them), and its main process takes V8 flags only from its own command line.
import { setFlagsFromString } from 'node:v8';

export const PROXY_HEAP_FLAGS = '--heap-growing-percent=200';

/** Applies PROXY_HEAP_FLAGS, unless node was started with a heap growing of its own. */
export function tuneHeapForProxy(execArgv: readonly string[] = process.execArgv): void {
  // V8 takes - and _ alike in a flag's name.
  if (execArgv.some((arg) => arg.replaceAll('_', '-').startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(PROXY_HEAP_FLAGS);
}
