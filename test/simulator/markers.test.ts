// `[sim:…]` markers through the official SDK: a known one steers the answer (scoped ones only
// for their model), several tool markers make one answer with parallel tool calls (JSON and
// streamed), an unknown one is named in the answer (JSON and streamed), a marker that cannot be
// read is a 400 invalid_request_error naming it (never a 500), and tool JSON may hold `]` and
// `=` without ending the marker early.
import Anthropic from '@anthropic-ai/sdk';
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimateTokens, GOOD_OPENING, MARKER_KINDS } from '../../simulator/behaviours';
import { createSimulator, type Simulator } from '../../simulator/server';

let sim: Simulator;
let client: Anthropic;
const HAIKU = 'claude-haiku-4-5';
const SONNET = 'claude-sonnet-4-6';
const WRITE: Tool = {
  name: 'Write',
  description: 'Writes a file',
  input_schema: { type: 'object', properties: { file_path: { type: 'string' }, content: { type: 'string' } }, required: ['file_path', 'content'] },
};

beforeAll(async () => {
  sim = await createSimulator();
  client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-sim', maxRetries: 0 });
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

const ask = (prompt: string, model = HAIKU) => client.messages.create({ model, max_tokens: 256, tools: [WRITE], messages: [{ role: 'user', content: prompt }] });
const textOf = (message: Anthropic.Message) => message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

describe('known markers', () => {
  it('steer the answer; a scoped one only for the model it names', async () => {
    expect(textOf(await ask('Explain DNS. [sim:haiku=refusal]'))).toMatch(/^I can't help/);
    expect(textOf(await ask('Explain DNS. [sim:haiku=refusal]', SONNET))).toContain(GOOD_OPENING);
    expect(sim.requests.map((r) => r.behaviour)).toEqual([
      { kind: 'refusal', by: '[sim:haiku=refusal]' },
      { kind: 'good', by: 'default' },
    ]);
  });

  it('are not part of the question a good answer restates', async () => {
    expect(textOf(await ask('Explain DNS. [sim:good]'))).toContain('"Explain DNS."');
  });

  it('take tool JSON holding "]" and "=" whole', async () => {
    const input = { file_path: '/work/a=b.ts', content: 'const xs = [1, [2]]; // ]' };
    const answer = await ask(`Write it. [sim:tool:Write:${JSON.stringify(input)}] thanks`);
    expect(answer.stop_reason).toBe('tool_use');
    expect(answer.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'Write', input });
    expect(sim.requests[0].behaviour).toEqual({ kind: 'tool', by: '[sim:tool:Write:{…}]' });
  });

  it('error:NNN answers with that status in the API shape', async () => {
    const err = await ask('Hi [sim:error:529]').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'simulated 529' } });
  });
});

describe('unknown markers', () => {
  it('are named in the answer, which is otherwise the default one', async () => {
    const text = textOf(await ask('Explain DNS. [sim:refusl]'));
    expect(text.startsWith(GOOD_OPENING)).toBe(true);
    expect(text).toContain('unknown simulator marker [sim:refusl]');
    expect(text).toContain(`known kinds: ${MARKER_KINDS.join(', ')}`);
    expect(sim.requests[0].unknownMarkers).toEqual(['[sim:refusl]']);
  });

  it('are named in a streamed answer, and beside a known marker and a tool call', async () => {
    const final = await client.messages
      .stream({ model: HAIKU, max_tokens: 256, tools: [WRITE], messages: [{ role: 'user', content: 'Go [sim:haiku=bogus] [sim:tool:Write]' }] })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(textOf(final)).toContain('unknown simulator marker [sim:haiku=bogus]');
    expect(final.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
  });
});

describe('several tool markers', () => {
  const READ: Tool = { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } };
  const a = { file_path: '/work/a.ts', content: 'a' };
  const b = { file_path: '/work/b.ts' };
  const prompt = `Do both [sim:tool:Write:${JSON.stringify(a)}] [sim:refusal] [sim:tool:Read:${JSON.stringify(b)}]`;
  const params = (content: string, model = HAIKU) => ({ model, max_tokens: 256, tools: [WRITE, READ], messages: [{ role: 'user' as const, content }] });
  const calls = (message: Anthropic.Message) => message.content.filter((block) => block.type === 'tool_use');

  it('make one answer with a call each, in order, with distinct ids (a later non-tool marker is ignored)', async () => {
    const answer = await client.messages.create(params(prompt));
    expect(answer.stop_reason).toBe('tool_use');
    expect(answer.content.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(textOf(answer)).toBe("I'll use the Write and Read tools for this.");
    expect(calls(answer).map(({ name, input }) => ({ name, input }))).toEqual([
      { name: 'Write', input: a },
      { name: 'Read', input: b },
    ]);
    expect(new Set(calls(answer).map((call) => call.id)).size).toBe(2);
    expect(answer.usage.output_tokens).toBe(estimateTokens(answer.content));
    expect(sim.requests[0].behaviour).toEqual({ kind: 'tool', by: '[sim:tool:Write:{…}] [sim:tool:Read:{…}]' });
  });

  it('stream each call as its own block, indexes in order, and the SDK assembles both', async () => {
    const stream = client.messages.stream(params(prompt));
    const events: Anthropic.MessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(calls(final).map(({ name, input }) => ({ name, input }))).toEqual([
      { name: 'Write', input: a },
      { name: 'Read', input: b },
    ]);
    expect(new Set(calls(final).map((call) => call.id)).size).toBe(2);
    const starts = events.filter((e) => e.type === 'content_block_start');
    expect(starts.map((e) => [e.index, e.content_block.type])).toEqual([
      [0, 'text'],
      [1, 'tool_use'],
      [2, 'tool_use'],
    ]);
    // Each call's input arrives in several pieces inside its own start … stop.
    for (const index of [1, 2]) {
      const own = events.filter((e) => 'index' in e && e.index === index);
      expect(own[0].type).toBe('content_block_start');
      expect(own.at(-1)?.type).toBe('content_block_stop');
      const pieces = own.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta');
      expect(pieces.length).toBe(own.length - 2);
      expect(pieces.length).toBeGreaterThan(1);
    }
    expect(events.filter((e) => e.type === 'content_block_stop').map((e) => e.index)).toEqual([0, 1, 2]);
    const delta = events.find((e) => e.type === 'message_delta');
    expect(delta?.usage.output_tokens).toBe(estimateTokens(final.content));
  });

  it('scoped ones win for their model as one set; another model gets the generic call', async () => {
    const scoped = `Go [sim:tool:Read:${JSON.stringify(b)}] [sim:haiku=tool:Write:${JSON.stringify(a)}] [sim:haiku=tool:Write:{"file_path":"/c","content":"c"}]`;
    const haiku = await client.messages.create(params(scoped));
    expect(calls(haiku).map((call) => call.input)).toEqual([a, { file_path: '/c', content: 'c' }]);
    expect(textOf(haiku)).toBe("I'll use the Write tool for this.");
    const sonnet = await client.messages.create(params(scoped, SONNET));
    expect(calls(sonnet).map(({ name, input }) => ({ name, input }))).toEqual([{ name: 'Read', input: b }]);
  });
});

describe('markers that cannot be read', () => {
  it.each([
    ['tool input that is not JSON', 'Read it [sim:tool:Write:{bad json}]', '[sim:tool:Write:{…}]', 'the tool input is not valid JSON'],
    ['tool input that is not an object', 'Read it [sim:tool:Write:[1]]', '[sim:tool:Write:{…}]', 'the tool input must be a JSON object'],
    ['no closing bracket', 'Explain DNS [sim:tool:Write:{"file_path": "/a"}', '[sim:tool:Write:{…}', 'it has no closing "]"'],
    ['no closing bracket, then more prompt', 'Go [sim:refusal and the rest of the prompt', '[sim:refusal', 'it has no closing "]"'],
    ['an empty tool name', 'Go [sim:tool::{}]', '[sim:tool::{}]', 'the tool name is empty'],
    ['an error status that is not one', 'Go [sim:error:abc]', '[sim:error:abc]', 'the error status must be an HTTP status from 400 to 599'],
    ['an argument to a kind that takes none', 'Go [sim:sonnet=refusal:now]', '[sim:sonnet=refusal:now]', 'refusal takes no argument'],
  ])('%s: a 400 that names the marker', async (_name, prompt, marker, problem) => {
    // Refused for every model, scoped or not: the marker is broken whoever it is for.
    const err = await ask(prompt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const { error } = err as InstanceType<typeof Anthropic.BadRequestError>;
    expect(error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const message = (error as { error: { message: string } }).error.message;
    expect(message.startsWith(`simulator marker ${marker} cannot be read: ${problem}`)).toBe(true);
    // The marker is named, the prompt around it is not repeated.
    expect(message).not.toContain('rest of the prompt');
  });
});
