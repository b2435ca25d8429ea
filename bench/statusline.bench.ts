// Claude Code's status line: how long `cascadeflow statusline` (compiled as `npm run build`
// compiles it) takes from spawn to exit, run as Claude Code runs it (its session JSON on
// stdin), against the proxy in a process of its own with a full decision log. Most of that
// time is Node starting up, so a bare `node -e 0` is measured alternately with it, the same
// way, and the difference is the command's own. CPU time (user + system, from bash's `times`)
// is printed too: on a busy machine it moves less than wall time. A missed target exits
// non-zero. Run: npx tsx bench/statusline.bench.ts
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BIN_FILE, binBuildOptions } from '../electron/tools/build';
import { DEFAULT_RETAIN } from '../proxy/store/decision-store';
import { createSimulator } from '../simulator/server';
import { forkProxyChild } from './proxy-child';
import { CASCADE_MODEL, HEADERS, requestBody } from './requests';

const WARMUP = 5;
const ROUNDS = 41;
/** Runs per CPU-time reading. */
const CPU_RUNS = 20;
const TARGET_MS = 50;

const SESSION = 'bench-session-0001';
const INPUT = JSON.stringify({
  session_id: SESSION,
  cwd: '/work/app',
  model: { id: CASCADE_MODEL, display_name: 'Sonnet' },
  workspace: { current_dir: '/work/app', project_dir: '/work/app', added_dirs: [] },
  version: '2.1.332',
});

const dir = await mkdtemp(path.join(tmpdir(), 'cf-statusline-bench-'));
await build(binBuildOptions(dir));
const bin = path.join(dir, BIN_FILE);
await chmod(bin, 0o755);

const sim = await createSimulator();
const proxy = forkProxyChild({ CASCADEFLOW_UPSTREAM_URL: sim.url });
const url = await proxy.url;
const env = { PATH: process.env.PATH ?? '', CASCADEFLOW_URL: url };

interface Run {
  ms: number;
  stdout: string;
}

/** Spawn to exit, stdin written and closed as Claude Code does. */
function run(args: string[], runEnv = env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: runEnv, stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', () => resolve({ ms: performance.now() - started, stdout }));
    child.stdin.end(INPUT);
  });
}

/** CPU ms per run (user + system of the children), from bash's `times`. */
function cpuMsPerRun(command: string): Promise<number> {
  const quoted = command.replaceAll("'", "'\\''");
  const script = `for i in $(seq ${CPU_RUNS}); do printf '%s' '${INPUT.replaceAll("'", "'\\''")}' | ${quoted} > /dev/null; done; times`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => {
      // The second line of `times`: the children's user and system time, e.g. "0m0.812s 0m0.201s".
      const seconds = [...(out.trim().split('\n').at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolve(((seconds[0] ?? NaN) + (seconds[1] ?? NaN)) * (1000 / CPU_RUNS));
    });
  });
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

let failed = false;
try {
  // The session's turns, then a full decision log (copies of the newest record: the same session).
  for (let i = 0; i < 12; i++) {
    const body = JSON.parse(requestBody(CASCADE_MODEL, false)) as Record<string, unknown>;
    body.metadata = { user_id: JSON.stringify({ session_id: SESSION }) };
    const response = await fetch(`${url}/v1/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
    await response.arrayBuffer();
  }
  await proxy.ask({ type: 'fill', records: DEFAULT_RETAIN }, 'filled');

  const statusLine = [bin, 'statusline'];
  const bare = ['-e', '0'];
  for (let i = 0; i < WARMUP; i++) {
    await run(statusLine);
    await run(bare);
  }
  const times = { statusLine: [] as number[], bare: [] as number[] };
  let line = '';
  for (let i = 0; i < ROUNDS; i++) {
    const a = await run(statusLine);
    const b = await run(bare);
    times.statusLine.push(a.ms);
    times.bare.push(b.ms);
    line = a.stdout.trim();
  }
  // Nothing listens on port 1: connection refused at once.
  const down = { ...env, CASCADEFLOW_URL: 'http://127.0.0.1:1' };
  const downRuns: Run[] = [];
  for (let i = 0; i < 11; i++) downRuns.push(await run(statusLine, down));
  const cpuLine = await cpuMsPerRun(`${process.execPath} ${bin} statusline`);
  const cpuBare = await cpuMsPerRun(`${process.execPath} -e 0`);

  const median = { statusLine: quantile(times.statusLine, 0.5), bare: quantile(times.bare, 0.5) };
  console.log(`cascadeflow statusline against a proxy with ${DEFAULT_RETAIN.toLocaleString('en-US')} decisions (${ROUNDS} runs each, alternating)`);
  console.log(`  output:                     ${line}`);
  console.log(`  status line, spawn to exit: median ${fmt(median.statusLine)}, p90 ${fmt(quantile(times.statusLine, 0.9))}, min ${fmt(quantile(times.statusLine, 0))}`);
  console.log(`  bare \`node -e 0\`:           median ${fmt(median.bare)}, p90 ${fmt(quantile(times.bare, 0.9))}, min ${fmt(quantile(times.bare, 0))}`);
  console.log(`  the command's own:          median ${fmt(median.statusLine - median.bare)} over Node's start`);
  console.log(`  proxy down:                 median ${fmt(quantile(downRuns.map((r) => r.ms), 0.5))} ("${downRuns[0].stdout.trim()}")`);
  console.log(`  CPU per run:                status line ${fmt(cpuLine)}, bare node ${fmt(cpuBare)}`);
  console.log(`  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
  const ok = median.statusLine <= TARGET_MS;
  console.log(`  target: median ≤ ${TARGET_MS} ms ${ok ? 'met' : 'MISSED'}${ok ? '' : ' (compare with bare Node: most of it is Node starting on a busy machine)'}`);
  failed = !ok || !line.startsWith('⚡ saved');
} finally {
  await proxy.stop();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
