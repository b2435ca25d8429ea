// Claude Code's status line end to end: both commands as `npm run build` ships them (the
// `cascadeflow` command and the sh script beside it, run by sh with the machine's curl), run
// as Claude Code runs them (its session JSON on stdin), against the real proxy in front of the
// simulator, after requests sent by the official SDK with Claude Code's session id in
// `metadata.user_id`. The money they print is checked against hand-computed list prices, and
// they print the same line.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN_FILE, binBuildOptions, copyStatusLineScript, STATUS_LINE_SCRIPT } from '../../electron/tools/build';
import { HAIKU_DRAFT, type Harness, SONNET, startHarness } from '../proxy/harness';

let outDir: string;
let bin: string;
let script: string;
let h: Harness;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'cf-statusline-bin-'));
  await build(binBuildOptions(outDir));
  bin = path.join(outDir, BIN_FILE);
  await chmod(bin, 0o755);
  await copyStatusLineScript(outDir);
  script = path.join(outDir, STATUS_LINE_SCRIPT);
  h = await startHarness();
  // This test is about the money, not the checker's calibration: any draft not ruled out is accepted.
  const rules = await h.ctx.control.getRules();
  await h.ctx.control.saveRules(rules.map((rule) => ({ ...rule, threshold: 0.05, acceptUnverified: { answer: true } })));
}, 60_000);

afterAll(async () => {
  await h?.close();
  await rm(outDir, { recursive: true, force: true });
});

type Command = 'node' | 'sh';

/** Runs a command as Claude Code does: its session JSON on stdin, one line out. */
function runStatusLine(command: Command, input: string, env: NodeJS.ProcessEnv): Promise<string> {
  const [file, args] = command === 'node' ? [bin, ['statusline']] : ['sh', [script]];
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: { PATH: process.env.PATH, ...env }, timeout: 10_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

/** Both commands' output, which must be the same. */
async function bothPrint(input: string, env: NodeJS.ProcessEnv): Promise<string> {
  const [node, sh] = await Promise.all([runStatusLine('node', input, env), runStatusLine('sh', input, env)]);
  expect(sh).toBe(node);
  return node;
}

const SESSION = '5b0d6c1e-2f3a-4b7c-9d8e-0a1b2c3d4e5f';
const session = (id: string, model = 'claude-sonnet-4-6') =>
  JSON.stringify({ session_id: id, cwd: '/work/app', model: { id: model, display_name: 'Sonnet' }, workspace: { current_dir: '/work/app', project_dir: '/work/app' }, version: '2.1.332' });

function ask(sessionId: string, prompt: string) {
  return h.client.messages.create({
    model: SONNET,
    max_tokens: 1024,
    metadata: { user_id: JSON.stringify({ device_id: 'd', account_uuid: '', session_id: sessionId }) },
    messages: [{ role: 'user', content: prompt }],
  });
}

// List prices, $/MTok: Haiku 4.5 1 in / 5 out; Sonnet 4.x 3 in / 15 out.
describe('cascadeflow statusline', () => {
  it("prints the session's savings and drafts and today's spend from the running proxy", async () => {
    // Two accepted drafts: 1000 in + 200 out at Haiku = $0.002, against $0.006 at Sonnet.
    h.sim.script(HAIKU_DRAFT, { kind: 'good', usage: { input_tokens: 1000, output_tokens: 200 } }, 2);
    await ask(SESSION, 'Explain how a TCP handshake works, step by step.');
    await ask(SESSION, 'Explain how DNS resolution works, step by step.');
    // An escalation: a truncated Haiku draft (1000 in + 100 out: $0.0015) and Sonnet's answer
    // (1000 in + 300 out: $0.0075), against $0.0075.
    h.sim.script(HAIKU_DRAFT, { kind: 'truncated', usage: { input_tokens: 1000, output_tokens: 100 } }, 1);
    h.sim.script(SONNET, { kind: 'good', usage: { input_tokens: 1000, output_tokens: 300 } }, 1);
    await ask(SESSION, 'Explain how TLS certificates are checked, step by step.');
    // Another session: one accepted draft of 2000 in + 400 out: $0.004.
    h.sim.script(HAIKU_DRAFT, { kind: 'good', usage: { input_tokens: 2000, output_tokens: 400 } }, 1);
    await ask('another-session', 'Explain how a B-tree stays balanced, step by step.');
    const records = await h.decisions(4);
    expect(records.map((r) => [r.decision, r.conversationId])).toEqual([
      ['accepted', `s:${SESSION}`],
      ['accepted', `s:${SESSION}`],
      ['escalated', `s:${SESSION}`],
      ['accepted', 's:another-session'],
    ]);

    const stdout = await bothPrint(session(SESSION), { CASCADEFLOW_URL: h.proxy.url });
    // Session: cost 0.002 + 0.002 + 0.009 = $0.013 against 0.006 + 0.006 + 0.0075 = $0.0195,
    // saved $0.0065 (33 %). Today: $0.013 + $0.004 = $0.017.
    expect(stdout).toBe('⚡ saved $0.0065 (33 %) this session · 2 drafts ✓ 1 ↑ · today $0.02\n');

    // The same figures as the control API's.
    const summary = await h.ctx.control.getConversationSummary({ id: `s:${SESSION}` });
    expect(summary.conversation?.allTime).toMatchObject({ cost: expect.closeTo(0.013, 9), baselineCost: expect.closeTo(0.0195, 9) });
    expect(summary.today.cost).toBeCloseTo(0.017, 9);
  });

  it('shows a new session, and degrades to one short line when the proxy is down', async () => {
    expect(await bothPrint(session('never-seen'), { CASCADEFLOW_URL: h.proxy.url })).toMatch(/^⚡ no requests this session yet · today \$\d+\.\d+\n$/);
    // A port nothing listens on: the proxy's own, once it is closed.
    const down = await startHarness();
    const url = down.proxy.url;
    await down.close();
    expect(await bothPrint(session(SESSION), { CASCADEFLOW_URL: url })).toBe('cascadeflow: proxy not running\n');
  });

  it('sends CASCADEFLOW_ADMIN_TOKEN, and says so when the proxy wants one', async () => {
    const token = 'status-line-e2e-token-0123456789';
    const guarded = await startHarness({ env: { CASCADEFLOW_ADMIN_TOKEN: token } });
    try {
      // An empty data folder: the Node command finds no saved token there either.
      const env = { CASCADEFLOW_URL: guarded.proxy.url, CASCADEFLOW_DATA_DIR: outDir };
      expect(await bothPrint(session(SESSION), { ...env, CASCADEFLOW_ADMIN_TOKEN: token })).toBe('⚡ no requests this session yet · today $0.00\n');
      expect(await bothPrint(session(SESSION), env)).toBe('cascadeflow: admin token needed (set CASCADEFLOW_ADMIN_TOKEN)\n');
    } finally {
      await guarded.close();
    }
  });
});
