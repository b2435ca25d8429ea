// Where a CPU profile's time went: self time per function and per source module, and the
// longest stretches without idle (the candidates for event-loop blocks), from a V8
// .cpuprofile (node --cpu-prof), for `npm run bench:overhead -- --profile`. Positions in
// the bundled proxy are named by the module they came from, through the bundle's source map.
// Unit-tested in bench/cpu-profile.test.ts.
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }>;
  startTime: number;
  endTime: number;
  /** The node each sample landed in, and the µs before each sample. */
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** The function (V8's pseudo-functions too: (idle), (garbage collector), (program)). */
  name: string;
  /** Its module (see `locate`); '' for the pseudo-functions. */
  where: string;
  ms: number;
  /** Of the whole profile's time, idle included. */
  share: number;
  /**
   * Who called it, by the same self time, largest first: the nearest caller outside Node's own
   * modules (node:…), so that a buffer's `slice` is charged to the code that decoded the buffer.
   */
  callers: Array<{ name: string; where: string; ms: number }>;
}

/** The longest name shown: V8 names a regular expression's code by its whole source. */
const NAME_CHARS = 60;

/** A frame's function name, '(anonymous)' for none, cut to NAME_CHARS. */
function functionName(frame: { functionName: string }): string {
  const name = frame.functionName || '(anonymous)';
  return name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1)}…` : name;
}

/**
 * Self time per (function, module), largest first. A sample lasts until the next one (the
 * last until the profile's end). `locate` names the module of a position.
 */
export function selfTimes(profile: CpuProfile, locate: Locate): SelfTime[] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((child) => [child, n.id] as const)));
  const named = (frame: CpuProfile['nodes'][number]['callFrame']) => ({
    name: functionName(frame),
    where: frame.url ? locate(frame.url, frame.lineNumber, frame.columnNumber) : '',
  });
  const totals = new Map<string, SelfTime & { byCaller: Map<string, { name: string; where: string; ms: number }> }>();
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => (at += delta));
  const totalUs = profile.endTime - profile.startTime;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    if (!frame) throw new Error(`sample of unknown node ${id}`);
    const ms = ((i + 1 < stamps.length ? stamps[i + 1] : profile.endTime) - stamps[i]) / 1000;
    const { name, where } = named(frame);
    const key = `${name}\u0000${where}`;
    const entry = totals.get(key) ?? { name, where, ms: 0, share: 0, callers: [], byCaller: new Map() };
    entry.ms += ms;
    entry.share = totalUs > 0 ? (entry.ms * 1000) / totalUs : 0;
    let callerId = parents.get(id);
    while (callerId !== undefined && nodes.get(callerId)!.url.startsWith('node:') && parents.has(callerId)) callerId = parents.get(callerId);
    const parent = nodes.get(callerId ?? -1);
    if (parent) {
      const caller = named(parent);
      const callerKey = `${caller.name}\u0000${caller.where}`;
      const sum = entry.byCaller.get(callerKey) ?? { ...caller, ms: 0 };
      sum.ms += ms;
      entry.byCaller.set(callerKey, sum);
    }
    totals.set(key, entry);
  });
  return [...totals.values()]
    .map(({ byCaller, ...entry }) => ({ ...entry, callers: [...byCaller.values()].sort((a, b) => b.ms - a.ms) }))
    .sort((a, b) => b.ms - a.ms);
}

/** The same times summed per module ('' = V8's pseudo-functions). */
export function byModule(times: readonly SelfTime[]): Array<{ where: string; ms: number; share: number }> {
  const modules = new Map<string, { where: string; ms: number; share: number }>();
  for (const t of times) {
    const entry = modules.get(t.where) ?? { where: t.where, ms: 0, share: 0 };
    entry.ms += t.ms;
    entry.share += t.share;
    modules.set(t.where, entry);
  }
  return [...modules.values()].sort((a, b) => b.ms - a.ms);
}

/** Names the module of a position in a script: its URL and 0-based line and column. */
export type Locate = (url: string, line: number, column: number) => string;

/**
 * A locator for one bundle, by its source map (the proxy's build links one; its whitespace is
 * minified, so a line of the bundle holds many modules): a position in the bundle is named by
 * the source it came from, relative to `root`, or '(bundle)' where the map has no source for it
 * (esbuild's own helpers); any other URL is shortened to what follows node_modules/ or the
 * file: prefix.
 */
export function bundleLocator(bundleUrl: string, map: SourceMapPayload, root: string): Locate {
  const sourceMap = new SourceMap(map);
  const dir = path.dirname(fileURLToPath(bundleUrl));
  return (url, line, column) => {
    if (url !== bundleUrl) return url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\//, '');
    const entry = sourceMap.findEntry(line, column) as Partial<SourceMapping>;
    if (!entry.originalSource) return '(bundle)';
    const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(dir, entry.originalSource);
    return path.relative(root, source).split(path.sep).join('/');
  };
}

export interface BusyStretch {
  /** From the profile's start, in ms. */
  atMs: number;
  ms: number;
  /** Self time within the stretch, largest first: what the loop was busy with meanwhile. */
  top: Array<{ name: string; where: string; ms: number }>;
}

/**
 * The `count` longest runs of samples without (idle) in between, longest first, each with its
 * `perStretch` largest self times. A run is one loop turn or several back to back, so its
 * length bounds the block it caused; it also counts any time the process waited for a core
 * meanwhile (the sampler runs on a clock, not on CPU time).
 */
export function busyStretches(profile: CpuProfile, locate: Locate, count: number, perStretch = 3): BusyStretch[] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => (at += delta));
  const stretches: Array<{ atUs: number; us: number; self: Map<string, { name: string; where: string; ms: number }> }> = [];
  let open: (typeof stretches)[number] | null = null;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    if (!frame) throw new Error(`sample of unknown node ${id}`);
    if (frame.functionName === '(idle)') {
      open = null;
      return;
    }
    const us = (i + 1 < stamps.length ? stamps[i + 1] : profile.endTime) - stamps[i];
    if (!open) stretches.push((open = { atUs: stamps[i], us: 0, self: new Map() }));
    open.us += us;
    const name = functionName(frame);
    const where = frame.url ? locate(frame.url, frame.lineNumber, frame.columnNumber) : '';
    const key = `${name}\u0000${where}`;
    const entry = open.self.get(key) ?? { name, where, ms: 0 };
    entry.ms += us / 1000;
    open.self.set(key, entry);
  });
  return stretches
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((s) => ({ atMs: (s.atUs - profile.startTime) / 1000, ms: s.us / 1000, top: [...s.self.values()].sort((a, b) => b.ms - a.ms).slice(0, perStretch) }));
}

/** The samples taken from `fromUs` to `toUs` (the profile's clock), as a profile of its own. */
export function sliceProfile(profile: CpuProfile, fromUs: number, toUs: number): CpuProfile {
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => (at += delta));
  const kept = stamps.flatMap((stamp, i) => (stamp >= fromUs && stamp < toUs ? [i] : []));
  return {
    nodes: profile.nodes,
    startTime: fromUs,
    endTime: toUs,
    samples: kept.map((i) => profile.samples[i]),
    timeDeltas: kept.map((i, k) => stamps[i] - (k === 0 ? fromUs : stamps[kept[k - 1]])),
  };
}
