import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLocator, busyStretches, byModule, selfTimes, sliceProfile, type CpuProfile } from './cpu-profile';

// A real bundle of two modules, its whitespace minified and its source map beside it as the
// proxy's build makes them, after a banner line that the map gives no source for.
const root = mkdtempSync(path.join(tmpdir(), 'cpu-profile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(path.join(root, 'relay.ts'), 'export function relay(n: number): number {\n  return n * 2;\n}\n');
writeFileSync(path.join(root, 'server.ts'), "import { relay } from './relay';\nexport function handle(n: number): number {\n  return relay(n) + 1;\n}\n");
const outfile = path.join(root, 'out', 'child.js');
const built = buildSync({
  entryPoints: [path.join(root, 'server.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  minifyWhitespace: true,
  sourcemap: 'external',
  banner: { js: '// banner' },
  outfile,
});
const code = built.outputFiles.find((f) => f.path === outfile)!.text;
const map = JSON.parse(built.outputFiles.find((f) => f.path === `${outfile}.map`)!.text);
const BUNDLE = pathToFileURL(outfile).href;
/** 0-based line and column of `text` in the bundle. */
function at(text: string): { lineNumber: number; columnNumber: number } {
  const before = code.slice(0, code.indexOf(text)).split('\n');
  return { lineNumber: before.length - 1, columnNumber: before.at(-1)!.length };
}

const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [2, 4, 5] },
    { id: 2, callFrame: { functionName: 'handle', url: BUNDLE, ...at('function handle') }, children: [3, 6, 7] },
    { id: 3, callFrame: { functionName: 'relay', url: BUNDLE, ...at('function relay') } },
    { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1, columnNumber: -1 } },
    { id: 5, callFrame: { functionName: 'readFileSync', url: 'file:///repo/node_modules/conf/dist/index.js', lineNumber: 40, columnNumber: 2 } },
    { id: 6, callFrame: { functionName: '', url: BUNDLE, lineNumber: 0, columnNumber: 3 } },
    { id: 7, callFrame: { functionName: 'toString', url: 'node:buffer', lineNumber: 800, columnNumber: 0 }, children: [8] },
    { id: 8, callFrame: { functionName: 'slice', url: 'node:buffer', lineNumber: 600, columnNumber: 0 } },
  ],
  startTime: 1_000,
  endTime: 3_300,
  samples: [2, 3, 3, 4, 5, 6, 8],
  // Samples at 1100, 1300, 1600, 2000, 2500, 2600, 3100 µs; each lasts until the next, the last until 3300.
  timeDeltas: [100, 200, 300, 400, 500, 100, 500],
};
const locate = bundleLocator(BUNDLE, map, root);

describe('selfTimes', () => {
  const times = selfTimes(profile, locate);

  it('gives each sample the time until the next one, the last until the end', () => {
    expect(times.map((t) => [t.name, t.where, Number(t.ms.toFixed(3))])).toEqual([
      ['relay', 'relay.ts', 0.7], // 300 + 400 µs
      ['(idle)', '', 0.5],
      ['(anonymous)', '(bundle)', 0.5], // 2600 → 3100, in the banner
      ['handle', 'server.ts', 0.2],
      ['slice', 'node:buffer', 0.2], // 3100 → 3300
      ['readFileSync', 'conf/dist/index.js', 0.1],
    ]);
  });

  it('cuts a long name, as V8 gives a regular expression its whole source', () => {
    const source = `RegExp: ${'(?:tools|functions) '.repeat(10)}`;
    const regex: CpuProfile = { ...profile, nodes: profile.nodes.map((n) => (n.id === 3 ? { ...n, callFrame: { ...n.callFrame, functionName: source } } : n)) };
    const [top] = selfTimes(regex, locate);
    expect(top.name).toBe(`${source.slice(0, 59)}…`);
  });

  it('names the callers of each function', () => {
    const callers = (name: string) => times.find((t) => t.name === name)!.callers.map((c) => [c.name, c.where, Number(c.ms.toFixed(3))]);
    expect(callers('relay')).toEqual([['handle', 'server.ts', 0.7]]);
    expect(callers('(anonymous)')).toEqual([['handle', 'server.ts', 0.5]]);
    expect(callers('readFileSync')).toEqual([['(root)', '', 0.1]]);
    expect(callers('handle')).toEqual([['(root)', '', 0.2]]);
    expect(callers('slice')).toEqual([['handle', 'server.ts', 0.2]]); // past node:buffer's toString
  });

  it('shares are of the whole profile, idle included', () => {
    expect(times.find((t) => t.name === 'relay')!.share).toBeCloseTo(0.7 / 2.3, 10);
    expect(times.reduce((sum, t) => sum + t.share, 0)).toBeCloseTo(2.2 / 2.3, 10); // 1000 → 1100 precedes the first sample
  });

  it('sums per module', () => {
    const modules = byModule(times);
    expect(modules.map((m) => [m.where, Number(m.ms.toFixed(3))])).toEqual([
      ['relay.ts', 0.7],
      ['', 0.5],
      ['(bundle)', 0.5],
      ['server.ts', 0.2],
      ['node:buffer', 0.2],
      ['conf/dist/index.js', 0.1],
    ]);
  });

  it('refuses a sample of a node the profile does not have', () => {
    expect(() => selfTimes({ ...profile, samples: [9], timeDeltas: [1] }, () => '')).toThrow(/unknown node 9/);
  });
});

describe('busyStretches', () => {
  it('splits the samples at (idle), longest first, with what each was busy with', () => {
    // Busy 1100 → 2000 (handle, relay, relay), idle 2000 → 2500, busy 2500 → 3300 (readFileSync, anonymous, slice).
    const found = busyStretches(profile, locate, 5, 2).map((s) => ({ atMs: s.atMs, ms: Number(s.ms.toFixed(3)), top: s.top.map((t) => [t.name, Number(t.ms.toFixed(3))]) }));
    expect(found).toEqual([
      { atMs: 0.1, ms: 0.9, top: [['relay', 0.7], ['handle', 0.2]] },
      { atMs: 1.5, ms: 0.8, top: [['(anonymous)', 0.5], ['slice', 0.2]] },
    ]);
  });

  it('keeps only the longest `count`', () => {
    expect(busyStretches(profile, locate, 1).map((s) => Number(s.ms.toFixed(3)))).toEqual([0.9]);
  });
});

describe('sliceProfile', () => {
  it('keeps the samples taken in the range, each lasting until the next or the range end', () => {
    // Samples at 1600 (relay), 2000 (idle), 2500 (readFileSync) fall in 1500 → 2550.
    const slice = sliceProfile(profile, 1_500, 2_550);
    expect(slice.samples).toEqual([3, 4, 5]);
    const times = selfTimes(slice, () => '');
    expect(times.map((t) => [t.name, Number(t.ms.toFixed(3))])).toEqual([
      ['(idle)', 0.5],
      ['relay', 0.4],
      ['readFileSync', 0.05],
    ]);
  });

  it('is empty where no sample was taken', () => {
    expect(sliceProfile(profile, 3_200, 3_300).samples).toEqual([]);
  });
});
