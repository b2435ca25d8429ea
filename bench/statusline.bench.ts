// Claude Code's status line: how long each command (as `npm run build` ships them) takes from
// spawn to exit, run as Claude Code runs it (its session JSON on stdin), against the proxy in
// a process of its own with a full decision log: the sh script (curl; what the app installs on
// macOS and Linux) and `cascadeflow statusline` (Node; Windows, or no curl). A bare `sh -c true`
// and `node -e 0` are measured the same way, round-robin with them, as what starting the shell
// or Node alone costs here. CPU time (user + system, from bash's `times`) is printed too: on a
// busy machine it moves less than wall time. The sh script missing its 50 ms median exits
// non-zero. Run: npx tsx bench/statusline.bench.ts
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BIN_FILE, binBuildOptions, copyStatusLineScript, STATUS_LINE_SCRIPT } from '../electron/tools/build';
import { DEFAULT_RETAIN } from '../proxy/store/decision-store';
import { createSimulator } from '../simulator/server';
import { forkProxyChild } from './proxy-child';
import { CASCADE_MODEL, HEADERS, requestBody } from './requests';
import { quantile } from './stats';

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
await copyStatusLineScript(dir);
const script = path.join(dir, STATUS_LINE_SCRIPT);

const sim = await createSimulator();
const proxy = await forkProxyChild({ CASCADEFLOW_UPSTREAM_URL: sim.url });
const url = await proxy.url;
const env = { PATH: process.env.PATH ?? '', CASCADEFLOW_URL: url };

interface Run {
  ms: number;
  stdout: string;
}

/** A program and its arguments. */
type Command = [string, ...string[]];

/** Spawn to exit, stdin written and closed as Claude Code does. */
function run([file, ...args]: Command, runEnv = env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { env: runEnv, stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', () => resolve({ ms: performance.now() - started, stdout }));
    // `sh -c true` exits without reading it: a closed pipe is no error here.
    child.stdin.on('error', () => {});
    child.stdin.end(INPUT);
  });
}

/** CPU ms per run (user + system of the children), from bash's `times`. */
const shellQuote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

function cpuMsPerRun(command: Command): Promise<number> {
  const loop = `for i in $(seq ${CPU_RUNS}); do printf '%s' ${shellQuote(INPUT)} | ${command.map(shellQuote).join(' ')} > /dev/null; done; times`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', loop], { env, stdio: ['ignore', 'pipe', 'inherit'] });
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

  const commands = {
    sh: { label: 'sh script (curl)', command: ['sh', script] as Command },
    node: { label: 'cascadeflow statusline', command: [process.execPath, bin, 'statusline'] as Command },
    bareSh: { label: 'bare `sh -c true`', command: ['sh', '-c', 'true'] as Command },
    bareNode: { label: 'bare `node -e 0`', command: [process.execPath, '-e', '0'] as Command },
  };
  const names = Object.keys(commands) as Array<keyof typeof commands>;
  for (let i = 0; i < WARMUP; i++) for (const name of names) await run(commands[name].command);
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof typeof commands, number[]>;
  const lines = { sh: '', node: '' };
  for (let i = 0; i < ROUNDS; i++) {
    for (const name of names) {
      const { ms, stdout } = await run(commands[name].command);
      times[name].push(ms);
      if (name === 'sh' || name === 'node') lines[name] = stdout.trim();
    }
  }
  // Nothing listens on port 1: connection refused at once.
  const down = { ...env, CASCADEFLOW_URL: 'http://127.0.0.1:1' };
  const downRuns = { sh: [] as Run[], node: [] as Run[] };
  for (let i = 0; i < 11; i++) for (const name of ['sh', 'node'] as const) downRuns[name].push(await run(commands[name].command, down));
  const cpu: Record<string, number> = {};
  for (const name of names) cpu[name] = await cpuMsPerRun(commands[name].command);

  const median = (name: keyof typeof commands) => quantile(times[name], 0.5);
  const load = loadavg();
  console.log(`Claude Code's status line against a proxy with ${DEFAULT_RETAIN.toLocaleString('en-US')} decisions (${ROUNDS} runs each, round-robin)`);
  console.log(`  load average ${load.map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
  console.log(`  output, sh:   ${lines.sh}`);
  console.log(`  output, node: ${lines.node}`);
  console.log('  spawn to exit:');
  for (const name of names) {
    const { label } = commands[name];
    console.log(`    ${label.padEnd(24)} median ${fmt(median(name))}, p90 ${fmt(quantile(times[name], 0.9))}, min ${fmt(Math.min(...times[name]))}, CPU ${fmt(cpu[name])}`);
  }
  for (const name of ['sh', 'node'] as const) {
    console.log(`    ${`${commands[name].label}, proxy down`.padEnd(24)} median ${fmt(quantile(downRuns[name].map((r) => r.ms), 0.5))} ("${downRuns[name][0].stdout.trim()}")`);
  }
  const ok = median('sh') <= TARGET_MS;
  console.log(`  target: sh script median ≤ ${TARGET_MS} ms ${ok ? 'met' : 'MISSED'}`);
  const same = lines.sh === lines.node && lines.sh.startsWith('⚡ saved');
  if (!same) console.log('  the two commands printed different lines');
  failed = !ok || !same || downRuns.sh[0].stdout !== downRuns.node[0].stdout;
} finally {
  await proxy.stop();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
