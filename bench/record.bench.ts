// npm run bench:state: what the state side costs the request path. ctx.record() runs once
// per request (totals, history, decision log, log line, events) and must stay far below a
// millisecond; the batched flush writes the whole store (≤ 1/s) and must stay well under
// the interval. Targets: record ≤ 20 µs mean with a full decision log; flush ≤ 50 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DecisionRecord } from '../contracts/decision';
import { createProxyContext } from '../proxy/state/context';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
const ctx = await createProxyContext({
  env: {},
  dataDir: dir,
  logger: { info: () => {}, warn: () => {} },
  writeIntervalMs: 3_600_000, // flushes are measured on their own below
});
ctx.control.subscribe(() => {}); // a dashboard is watching: events are built

function record(i: number, time: number): DecisionRecord {
  return {
    id: `bench-${i}`,
    time,
    requestedModel: 'claude-sonnet-4-5-20250929',
    answeringModel: i % 3 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5-20250929',
    decision: i % 3 ? 'accepted' : 'escalated',
    ruleId: 'sonnet-4',
    stream: true,
    confidence: 0.5 + (i % 50) / 100,
    threshold: 0.7,
    signals: [{ name: 'hedging', penalty: 0.2, reason: 'hedges or admits uncertainty ("I am not sure")' }],
    tokens: { input: 12_000, output: 800, cacheWrite: 2_000, cacheRead: 30_000 },
    cost: 0.0123,
    baselineCost: 0.0345,
    savings: 0.0222,
    latencyMs: 2300,
    ttfbMs: 400,
    status: 200,
    draft: { model: 'claude-haiku-4-5', status: 200, usage: { input_tokens: 12_000, output_tokens: 800 }, cost: 0.0123, latencyMs: 900 },
  };
}

// A day of history at one request a minute, then a full decision log.
const start = Date.now() - 24 * 3_600_000;
for (let i = 0; i < 1440; i++) ctx.record(record(i, start + i * 60_000));

const runs = 20_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < runs; i++) ctx.record(record(i, Date.now()));
const recordUs = Number(process.hrtime.bigint() - t0) / 1000 / runs;

const flushes: number[] = [];
for (let i = 0; i < 10; i++) {
  ctx.record(record(i, Date.now()));
  const f0 = process.hrtime.bigint();
  await ctx.flush();
  flushes.push(Number(process.hrtime.bigint() - f0) / 1e6);
}
flushes.sort((a, b) => a - b);
const storeKb = fs.statSync(path.join(dir, 'config.json')).size / 1024;
await ctx.close();
fs.rmSync(dir, { recursive: true, force: true });

const flushMs = flushes[Math.floor(flushes.length / 2)];
console.log(`ctx.record(): ${recordUs.toFixed(1)} µs mean over ${runs} (target ≤ 20 µs)`);
console.log(`flush of ${storeKb.toFixed(0)} KB store: ${flushMs.toFixed(1)} ms median (target ≤ 50 ms)`);
if (recordUs > 20 || flushMs > 50) process.exitCode = 1;
