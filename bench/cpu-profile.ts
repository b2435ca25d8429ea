// Where a CPU profile's time went: self time per function and per source module, from a
// V8 .cpuprofile (node --cpu-prof), for `npm run bench:overhead -- --profile`. Positions in
// the bundled proxy are named by the module they came from: esbuild puts a `// path.ts`
// comment line before each module's code. Unit-tested in bench/cpu-profile.test.ts.

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
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

/**
 * Self time per (function, module), largest first. A sample lasts until the next one (the
 * last until the profile's end). `locate` names the module of a script URL and 0-based line.
 */
export function selfTimes(profile: CpuProfile, locate: (url: string, line: number) => string): SelfTime[] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((child) => [child, n.id] as const)));
  const named = (frame: CpuProfile['nodes'][number]['callFrame']) => ({
    name: frame.functionName || '(anonymous)',
    where: frame.url ? locate(frame.url, frame.lineNumber) : '',
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

/**
 * A locator for one bundle's text: a line of it belongs to the module named by the last
 * `// path` comment above it; any other URL is shortened to what follows node_modules/ or the
 * file: prefix.
 */
export function bundleLocator(bundleUrl: string, bundleText: string): (url: string, line: number) => string {
  const starts: Array<{ line: number; module: string }> = [];
  bundleText.split('\n').forEach((text, line) => {
    const module = /^\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(text)?.[1];
    if (module) starts.push({ line, module });
  });
  return (url, line) => {
    if (url !== bundleUrl) return url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\//, '');
    let module = '(bundle)';
    for (const start of starts) {
      if (start.line > line) break;
      module = start.module;
    }
    return module;
  };
}
