// The proxy's resident memory right after start, as bench/proxy.bench.ts reads it (`idle RSS,
// started`: forked bundled as it ships, settings saved, a second idle, no collection forced),
// over several starts, since one start varies by a few MB; with where that memory is (Linux
// /proc/<pid>/smaps by mapping) and how long the first requests then take (a passthrough, then
// an accepted cascade), since loading less at start moves work into them.
// Node options or environment the proxy does not ship with can be tried on it:
// --child-flags='--max-semi-space-size=4', --child-env=MALLOC_ARENA_MAX=2 (comma-separated).
// Run: npx tsx bench/idle-rss.ts [starts, default 7] [--json] [--child-flags=…] [--child-env=…]
import { readFile } from 'node:fs/promises';
import { createSimulator } from '../simulator/server';
import { forkProxyChild, type ProxyChild } from './proxy-child';
import { CASCADE_MODEL, claudeCodeBody, HEADERS, PASSTHROUGH_MODEL } from './requests';
import { spread } from './stats';

const MB = 1024 * 1024;
const STARTS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7);
const JSON_OUT = process.argv.includes('--json');
const argument = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
const CHILD_FLAGS = argument('child-flags').split(' ').filter(Boolean);
const CHILD_ENV = Object.fromEntries(
  argument('child-env')
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

/** Resident bytes by kind of mapping: the node binary, other files, malloc's brk heap, anonymous (V8's heap, malloc's mmaps, stacks). */
interface Breakdown {
  node: number;
  files: number;
  brk: number;
  anonymous: number;
}

async function smapsBreakdown(pid: number): Promise<Breakdown | null> {
  const text = await readFile(`/proc/${pid}/smaps`, 'latin1').catch(() => null);
  if (text === null) return null;
  const out: Breakdown = { node: 0, files: 0, brk: 0, anonymous: 0 };
  let kind: keyof Breakdown = 'anonymous';
  for (const line of text.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1];
      kind = name === '[heap]' ? 'brk' : name === process.execPath || name.endsWith('/node') ? 'node' : name.startsWith('/') ? 'files' : 'anonymous';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]) * 1024;
  }
  return out;
}

/** Milliseconds to a whole answer from the proxy, which must decide `decision`. */
async function timed(url: string, body: string, decision: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(`${url}/v1/messages`, { method: 'POST', headers: HEADERS, body });
  await res.arrayBuffer();
  const ms = performance.now() - start;
  if (res.status !== 200 || res.headers.get('x-cascadeflow-decision') !== decision) {
    throw new Error(`${url}: HTTP ${res.status}, decision ${res.headers.get('x-cascadeflow-decision')} (expected ${decision})`);
  }
  return ms;
}

interface Start {
  rssMb: number;
  breakdownMb: Breakdown | null;
  firstPassthroughMs: number;
  firstCascadeMs: number;
}

const sim = await createSimulator();
const body = (model: string) => claudeCodeBody(model, false, 20 * 1024);

async function oneStart(): Promise<Start> {
  let proxy: ProxyChild | null = null;
  try {
    proxy = await forkProxyChild({ ...CHILD_ENV, CASCADEFLOW_UPSTREAM_URL: sim.url }, { execArgv: CHILD_FLAGS });
    const url = await proxy.url;
    // As bench/proxy.bench.ts does before its idle reading: drafting on every cascade request.
    const patched = await fetch(`${url}/api/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ draftPolicy: 'always' }) });
    if (!patched.ok) throw new Error(`PATCH /api/settings: HTTP ${patched.status}`);
    await proxy.ask({ type: 'window', open: true }, 'window');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const figures = (await proxy.ask({ type: 'window', open: false }, 'window')).figures;
    if (!figures) throw new Error('the closed window brought no figures');
    const breakdown = await smapsBreakdown(proxy.process.pid!);
    const breakdownMb = breakdown && (Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, v / MB])) as unknown as Breakdown);
    const firstPassthroughMs = await timed(url, body(PASSTHROUGH_MODEL), 'passthrough');
    const firstCascadeMs = await timed(url, body(CASCADE_MODEL), 'accepted');
    sim.reset();
    return { rssMb: figures.rss / MB, breakdownMb, firstPassthroughMs, firstCascadeMs };
  } finally {
    await proxy?.stop();
  }
}

try {
  const starts: Start[] = [];
  for (let i = 0; i < STARTS; i++) starts.push(await oneStart());
  const rss = spread(starts.map((s) => s.rssMb));
  const summary = {
    starts: starts.length,
    rssMb: { median: rss.p50, min: Math.min(...starts.map((s) => s.rssMb)), max: Math.max(...starts.map((s) => s.rssMb)) },
    firstPassthroughMs: spread(starts.map((s) => s.firstPassthroughMs)).p50,
    firstCascadeMs: spread(starts.map((s) => s.firstCascadeMs)).p50,
  };
  if (JSON_OUT) process.stdout.write(`${JSON.stringify({ summary, starts }, null, 2)}\n`);
  else {
    for (const [i, s] of starts.entries()) {
      const b = s.breakdownMb;
      const where = b ? ` (node binary ${b.node.toFixed(1)}, other files ${b.files.toFixed(1)}, brk ${b.brk.toFixed(1)}, anonymous ${b.anonymous.toFixed(1)})` : '';
      console.log(`start ${i + 1}: idle RSS ${s.rssMb.toFixed(1)} MB${where}; first passthrough ${s.firstPassthroughMs.toFixed(1)} ms, first cascade ${s.firstCascadeMs.toFixed(1)} ms`);
    }
    const { median, min, max } = summary.rssMb;
    console.log(`idle RSS over ${starts.length} starts: median ${median.toFixed(1)} MB, min ${min.toFixed(1)}, max ${max.toFixed(1)}`);
    console.log(`first request (median): passthrough ${summary.firstPassthroughMs.toFixed(1)} ms, accepted cascade ${summary.firstCascadeMs.toFixed(1)} ms`);
  }
} finally {
  await sim.close();
}
