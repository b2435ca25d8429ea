// The official Python `openai` package as the client (test/proxy/openai-client.py), against the
// real proxy and the simulator. Skipped, saying so, where python3 or its `openai` package is
// missing (`python3 -m pip install openai`).
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Usage } from '../../contracts/decision';
import type { ContentBlock } from '../../proxy/wire';
import { HAIKU, type Harness, startHarness } from './harness';

const probe = spawnSync('python3', ['-c', 'import openai'], { encoding: 'utf8' });
const missing = probe.error ? 'python3 is not installed' : probe.status !== 0 ? 'the Python openai package is not installed (python3 -m pip install openai)' : null;

const PROMPT = 'Explain how a TCP handshake works, step by step.';

describe.skipIf(missing !== null)(`the Python openai SDK${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('gets a JSON answer, a stream with usage and a 400 naming a refused option', async () => {
    const { stdout } = await promisify(execFile)('python3', [join(import.meta.dirname, 'openai-client.py')], {
      env: { PATH: process.env.PATH, PROXY_URL: h.proxy.url, CLIENT_KEY: 'sk-ant-python-client', MODEL: HAIKU, PROMPT },
      timeout: 30_000,
    });
    const got = JSON.parse(stdout) as {
      json: { content: string; finish_reason: string; model: string; usage: object };
      stream: { content: string; finish_reason: string; usage: object };
      refused: { status: number; param: string } | null;
    };
    const [first, second] = h.sim.messagesFor(HAIKU);
    const usage = (u: Usage | undefined) => ({
      prompt_tokens: (u?.input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0),
      completion_tokens: u?.output_tokens,
      cached_tokens: u?.cache_read_input_tokens ?? 0,
    });
    const text = (JSON.parse(first.responseBody) as { content: ContentBlock[] }).content.map((b) => b.text).join('');
    expect(got.json).toEqual({ content: text, finish_reason: 'stop', model: HAIKU, usage: usage(first.usage) });
    expect(got.stream).toEqual({ content: text, finish_reason: 'stop', usage: usage(second.usage) });
    expect(got.refused).toEqual({ status: 400, param: 'n' });
    const records = await h.decisions(2);
    expect(records.every((r) => r.clientApi === 'openai' && r.decision === 'passthrough')).toBe(true);
  });
});
