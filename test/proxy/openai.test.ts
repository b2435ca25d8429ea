// The OpenAI-compatible endpoint end to end: the official `openai` SDK against the real proxy
// and the simulator. The same rules, cascade, check, accounting and records apply as on
// /v1/messages; answers, streams, usage and errors arrive in OpenAI's shapes.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Usage } from '../../contracts/decision';
import { GOOD_OPENING } from '../../simulator/behaviours';
import type { ContentBlock } from '../../proxy/wire';
import { HAIKU, HAIKU_DRAFT, type Harness, SONNET, startHarness } from './harness';
import { waitFor } from '../wait';

const KEY = 'sk-ant-test-openai-client';
let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness({ draftTimeoutMs: 2_000 });
  client = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => h.close());
beforeEach(async () => h.mark());

const question = 'Explain how a TCP handshake works, step by step.';
const user = (content: string) => [{ role: 'user' as const, content }];

/** OpenAI's usage for the Anthropic usage the simulator reported. */
function expectedUsage(usage: Usage | undefined) {
  const prompt = (usage?.input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage?.output_tokens,
    total_tokens: prompt + (usage?.output_tokens ?? 0),
    prompt_tokens_details: { cached_tokens: usage?.cache_read_input_tokens ?? 0 },
  };
}

/** The text the simulator answered with, from its recorded response. */
function answerText(model: string, index = 0): string {
  const recorded = h.sim.messagesFor(model)[index];
  const body = recorded.responseBody;
  if (!body.startsWith('event:')) return (JSON.parse(body) as { content: ContentBlock[] }).content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return [...body.matchAll(/"text_delta","text":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string).join('');
}

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<OpenAI.ChatCompletionChunk[]> {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const contentOf = (chunks: OpenAI.ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('chat completions through the request path', () => {
  it('a passthrough as JSON: the answer, its usage, the upstream request and the record', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: HAIKU, messages: [{ role: 'system', content: 'Be brief.' }, ...user(question)], max_completion_tokens: 300, user: 'user-42' })
      .withResponse();
    expect(data).toMatchObject({ object: 'chat.completion', model: HAIKU, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }] });
    expect(data.choices[0].message.content).toBe(answerText(HAIKU));
    expect(data.choices[0].message.content).toContain(GOOD_OPENING);
    const [upstream] = h.sim.messagesFor(HAIKU);
    expect(data.usage).toEqual(expectedUsage(upstream.usage));
    expect(data.id).toMatch(/^msg_sim_/);
    expect(response.headers.get('x-cascadeflow-decision')).toBe('passthrough');
    expect(response.headers.get('x-cascadeflow-request-id')).toMatch(/^[0-9a-f]{16}$/);

    expect(upstream.path).toBe('/v1/messages');
    expect(upstream.headers['x-api-key']).toBe(KEY);
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.body).toMatchObject({
      model: HAIKU,
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: question }] }],
      metadata: { user_id: 'user-42' },
    });

    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'passthrough', clientApi: 'openai', status: 200, stream: false, id: response.headers.get('x-cascadeflow-request-id') });
    expect(h.logs.at(-1)).toMatch(/Passthrough: .* via OpenAI API$/);
  });

  it('an accepted draft, streamed: role first, the draft’s text, finish_reason, the usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: SONNET, messages: user(question), stream: true, stream_options: { include_usage: true } });
    const chunks = await collect(stream);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === HAIKU_DRAFT)).toBe(true);
    expect(contentOf(chunks)).toBe(answerText(HAIKU_DRAFT));
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(expectedUsage(h.sim.messagesFor(HAIKU_DRAFT)[0].usage));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(h.sim.messagesFor(SONNET)).toHaveLength(0);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'accepted', clientApi: 'openai', answeringModel: HAIKU_DRAFT, stream: true });
    expect(h.logs.at(-1)).toMatch(/Draft accepted.* via OpenAI API$/);
  });

  it('an escalated stream carries nothing of the rejected draft', async () => {
    const stream = await client.chat.completions.create({ model: SONNET, messages: user(`${question} [sim:haiku=refusal]`), stream: true, stream_options: { include_usage: true } });
    const chunks = await collect(stream);
    const text = contentOf(chunks);
    expect(text).toBe(answerText(SONNET));
    expect(answerText(HAIKU_DRAFT)).toContain("I can't help");
    expect(text).not.toContain("I can't help");
    expect(chunks.every((c) => c.model === SONNET)).toBe(true);
    // The client is billed for the answer it got: the verifier's usage, not the draft's.
    expect(chunks.at(-1)?.usage).toEqual(expectedUsage(h.sim.messagesFor(SONNET)[0].usage));
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'escalated', clientApi: 'openai', answeringModel: SONNET });
  });

  it('an escalated JSON answer is the verifier’s', async () => {
    const data = await client.chat.completions.create({ model: SONNET, messages: user(`${question} [sim:haiku=hedging]`) });
    expect(data.model).toBe(SONNET);
    expect(data.choices[0].message.content).toBe(answerText(SONNET));
    expect(data.usage).toEqual(expectedUsage(h.sim.messagesFor(SONNET)[0].usage));
    expect((await h.decisions(1))[0]).toMatchObject({ decision: 'escalated', clientApi: 'openai' });
  });

  it('usage counts cache reads and writes as prompt tokens, reads as cached tokens (JSON and stream)', async () => {
    const usage = { input_tokens: 12, cache_read_input_tokens: 3_000, cache_creation_input_tokens: 400, output_tokens: 77 };
    h.sim.script(HAIKU, { kind: 'good', usage });
    const json = await client.chat.completions.create({ model: HAIKU, messages: user(question) });
    expect(json.usage).toEqual({ prompt_tokens: 3_412, completion_tokens: 77, total_tokens: 3_489, prompt_tokens_details: { cached_tokens: 3_000 } });
    const chunks = await collect(await client.chat.completions.create({ model: HAIKU, messages: user(question), stream: true, stream_options: { include_usage: true } }));
    expect(chunks.at(-1)?.usage).toEqual(json.usage);
    const records = await h.decisions(2);
    expect(records.map((r) => r.tokens)).toEqual([
      { input: 12, output: 77, cacheWrite: 400, cacheRead: 3_000 },
      { input: 12, output: 77, cacheWrite: 400, cacheRead: 3_000 },
    ]);
  });

  it('a client that leaves mid-stream: the upstream call is aborted and the request still recorded', async () => {
    h.sim.script(HAIKU, { kind: 'good', delayMs: 30 });
    const abort = new AbortController();
    const stream = await client.chat.completions.create({ model: HAIKU, messages: user(question), stream: true }, { signal: abort.signal });
    let received = 0;
    // The SDK ends the iteration quietly on its own abort.
    for await (const chunk of stream) {
      received += 1;
      if (chunk.choices[0]?.delta.content) abort.abort();
    }
    expect(received).toBeLessThan(5);
    await waitFor(() => h.sim.messagesFor(HAIKU)[0]?.aborted, 'the upstream call to be aborted');
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ clientApi: 'openai', stream: true, verifier: { usageEstimated: true } });
  });

  it('without include_usage a stream has no usage chunk and no usage fields', async () => {
    const chunks = await collect(await client.chat.completions.create({ model: HAIKU, messages: user(question), stream: true }));
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });
});

describe('tools', () => {
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ];

  it('a tool round trip: the call (ids kept), then the result answered', async () => {
    const ask = user('What is the weather in Paris? [sim:tool:get_weather:{"city":"Paris"}]');
    const first = await client.chat.completions.create({ model: HAIKU, messages: ask, tools, tool_choice: 'auto' });
    const choice = first.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const [call] = choice.message.tool_calls ?? [];
    expect(call).toMatchObject({ type: 'function', id: expect.stringMatching(/^toolu_sim_/), function: { name: 'get_weather' } });
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(h.sim.messagesFor(HAIKU)[0].body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Current weather for a city', input_schema: tools[0].type === 'function' && tools[0].function.parameters }],
      tool_choice: { type: 'auto' },
    });

    const second = await client.chat.completions.create({
      model: HAIKU,
      tools,
      messages: [...ask, choice.message, { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' }],
    });
    expect(second.choices[0].finish_reason).toBe('stop');
    expect(second.choices[0].message.content).toContain('Sunny, 21 °C');
    const sent = h.sim.messagesFor(HAIKU)[1].body!.messages;
    expect(sent.at(-2)?.content).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'Paris' } })]));
    expect(sent.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 21 °C' }] });
  });

  it('parallel calls answered in one turn: every tool_result in one user message, in order, ids kept', async () => {
    const calls = [
      { id: 'call_paris', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_rome', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ];
    const data = await client.chat.completions.create({
      model: HAIKU,
      tools,
      parallel_tool_calls: true,
      messages: [
        ...user('Weather in Paris and Rome?'),
        { role: 'assistant', content: null, tool_calls: calls },
        { role: 'tool', tool_call_id: 'call_paris', content: 'Paris: rain' },
        { role: 'tool', tool_call_id: 'call_rome', content: 'Rome: sun' },
      ],
    });
    expect(data.choices[0].message.content).toContain('Paris: rain\nRome: sun');
    const sent = h.sim.messagesFor(HAIKU)[0].body!.messages;
    expect(sent).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_paris', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_rome', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_paris', content: 'Paris: rain' },
          { type: 'tool_result', tool_use_id: 'call_rome', content: 'Rome: sun' },
        ],
      },
    ]);
  });

  it('a parallel tool round trip: two calls (JSON and streamed), both results back in one user turn, then the answer', async () => {
    // Inputs longer than one streamed piece (16 characters), so the arguments come in several.
    const cities = [
      { city: 'Paris', unit: 'celsius' },
      { city: 'Rome', unit: 'celsius' },
    ];
    const ask = user(`Weather in Paris and Rome? ${cities.map((input) => `[sim:tool:get_weather:${JSON.stringify(input)}]`).join(' ')}`);
    const first = await client.chat.completions.create({ model: HAIKU, messages: ask, tools });
    const choice = first.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = (choice.message.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [call] : []));
    expect(calls.map((call) => [call.function.name, JSON.parse(call.function.arguments) as unknown])).toEqual(cities.map((input) => ['get_weather', input]));
    // The ids are the upstream's tool_use ids, one per call.
    const upstream = (JSON.parse(h.sim.messagesFor(HAIKU)[0].responseBody) as { content: ContentBlock[] }).content.filter((b) => b.type === 'tool_use');
    expect(calls.map((call) => call.id)).toEqual(upstream.map((b) => b.id));
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);

    const chunks = await collect(await client.chat.completions.create({ model: HAIKU, messages: ask, tools, stream: true }));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const opening = (index: number) => ({ index, id: expect.stringMatching(/^toolu_sim_/), type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.filter((d) => d.id !== undefined)).toEqual([opening(0), opening(1)]);
    // Call 0 whole, then call 1: its opening, then its arguments in pieces.
    const split = deltas.findIndex((d) => d.index === 1);
    expect(deltas.slice(0, split).every((d) => d.index === 0) && deltas.slice(split).every((d) => d.index === 1)).toBe(true);
    for (const [index, input] of cities.entries()) {
      const pieces = deltas.filter((d) => d.index === index).slice(1);
      expect(pieces.length).toBeGreaterThan(1);
      expect(JSON.parse(pieces.map((d) => d.function?.arguments).join(''))).toEqual(input);
    }
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('tool_calls');

    const second = await client.chat.completions.create({
      model: HAIKU,
      tools,
      messages: [
        ...ask,
        choice.message,
        { role: 'tool', tool_call_id: calls[0].id, content: 'Paris: rain' },
        { role: 'tool', tool_call_id: calls[1].id, content: 'Rome: sun' },
      ],
    });
    expect(second.choices[0].finish_reason).toBe('stop');
    expect(second.choices[0].message.content).toContain('Paris: rain\nRome: sun');
    const sent = h.sim.messagesFor(HAIKU)[2].body!.messages;
    expect(sent.at(-2)).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: choice.message.content },
        ...calls.map((call, i) => ({ type: 'tool_use', id: call.id, name: 'get_weather', input: cities[i] })),
      ],
    });
    expect(sent.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: calls[0].id, content: 'Paris: rain' },
        { type: 'tool_result', tool_use_id: calls[1].id, content: 'Rome: sun' },
      ],
    });
    await h.decisions(3);
  });

  it('a streamed tool call: index, id and name first, then the arguments in pieces', async () => {
    const stream = await client.chat.completions.create({
      model: HAIKU,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      stream: true,
      messages: user('Weather in Lisbon? [sim:tool:get_weather:{"city":"Lisbon","unit":"celsius"}]'),
    });
    const chunks = await collect(stream);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toEqual({ index: 0, id: expect.stringMatching(/^toolu_sim_/), type: 'function', function: { name: 'get_weather', arguments: '' } });
    const pieces = deltas.slice(1);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((d) => d.index === 0 && d.id === undefined && d.function?.name === undefined)).toBe(true);
    expect(JSON.parse(pieces.map((d) => d.function?.arguments).join(''))).toEqual({ city: 'Lisbon', unit: 'celsius' });
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('tool_calls');
    expect(h.sim.messagesFor(HAIKU)[0].body?.tool_choice).toEqual({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
  });

  it('the SDK’s stream helper assembles a tool call through an accepted cascade', async () => {
    const runner = client.chat.completions.stream({
      model: SONNET,
      tools,
      messages: user('What is the weather in Paris? [sim:tool:get_weather:{"city":"Paris"}]'),
    });
    const final = await runner.finalChatCompletion();
    const [call] = final.choices[0].message.tool_calls ?? [];
    expect(call.type === 'function' && call.function).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'accepted', clientApi: 'openai', actionClass: 'write' });
  });

  it('parallel calls through the cascade: the stream helper assembles both from the accepted draft', async () => {
    const runner = client.chat.completions.stream({
      model: SONNET,
      tools,
      messages: user('Weather in Paris and Rome? [sim:tool:get_weather:{"city":"Paris"}] [sim:tool:get_weather:{"city":"Rome"}]'),
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0].message.tool_calls ?? [];
    expect(calls.map((call) => call.type === 'function' && call.function)).toEqual([
      { name: 'get_weather', arguments: '{"city":"Paris"}' },
      { name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(h.sim.messagesFor(SONNET)).toHaveLength(0);
    const [record] = await h.decisions(1);
    expect(record).toMatchObject({ decision: 'accepted', clientApi: 'openai', answeringModel: HAIKU_DRAFT });
  });
});

describe('content and options', () => {
  it('image parts: a data URL as a base64 source, an http URL as a url source', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await client.chat.completions.create({
      model: HAIKU,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these images?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    expect(h.sim.messagesFor(HAIKU)[0].body?.messages[0].content).toEqual([
      { type: 'text', text: 'What is in these images?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('reasoning_effort becomes adaptive thinking at that effort; the thinking is not shown, its tokens are counted', async () => {
    const data = await client.chat.completions.create({ model: SONNET, messages: user(question), reasoning_effort: 'high' });
    const verifierOrDraft = h.sim.messagesFor(HAIKU_DRAFT)[0];
    // Haiku 4.5 drafts: the cascade turns adaptive thinking into a budget for it, as on /v1/messages.
    expect(verifierOrDraft.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 8_192 } });
    expect(data.choices[0].message.content).toBe(answerText(HAIKU_DRAFT));
    expect(data.choices[0].message.content).not.toContain('Let me work through');
    expect(data.usage?.completion_tokens).toBe(verifierOrDraft.usage?.output_tokens);
    await h.decisions(1);

    await client.chat.completions.create({ model: HAIKU, messages: user(question), reasoning_effort: 'minimal', max_completion_tokens: 4_000 });
    expect(h.sim.messagesFor(HAIKU)[0].body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1_024 }, max_tokens: 4_000 });
    await h.decisions(1);
  });

  it('response_format json_schema: a forced tool whose input is the answer, as content', async () => {
    const format = {
      type: 'json_schema' as const,
      json_schema: { name: 'city_facts', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    };
    const data = await client.chat.completions.create({
      model: HAIKU,
      response_format: format,
      messages: user('Name a city. [sim:tool:city_facts:{"city":"Oslo"}]'),
    });
    expect(data.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: '{"city":"Oslo"}' } });
    expect(data.choices[0].message.tool_calls).toBeUndefined();
    expect(h.sim.messagesFor(HAIKU)[0].body).toMatchObject({
      tools: [{ name: 'city_facts', input_schema: format.json_schema.schema }],
      tool_choice: { type: 'tool', name: 'city_facts' },
    });
    const chunks = await collect(
      await client.chat.completions.create({ model: HAIKU, response_format: format, stream: true, messages: user('Name a city. [sim:tool:city_facts:{"city":"Oslo"}]') }),
    );
    expect(JSON.parse(contentOf(chunks))).toEqual({ city: 'Oslo' });
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
  });
});

describe('errors in OpenAI’s shape', () => {
  it('an unsupported option is a 400 naming it, and nothing goes upstream', async () => {
    for (const [option, value] of [
      ['n', 2],
      ['logprobs', true],
      ['logit_bias', { '50256': -100 }],
      ['seed', 7],
    ] as const) {
      const error = await client.chat.completions.create({ model: HAIKU, messages: user(question), [option]: value }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, param: option, type: 'invalid_request_error', code: 'unsupported_parameter' });
      expect((error as Error).message).toContain(`${option} ${JSON.stringify(value)} is not supported`);
    }
    expect(h.sim.requests).toHaveLength(0);
  });

  it('an unknown model is a 404 model_not_found; a rate limit a 429 with retry-after; overloaded a 503', async () => {
    const notFound = await client.chat.completions.create({ model: 'nope', messages: user(question) }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });

    const limited = await client.chat.completions.create({ model: HAIKU, messages: user(`${question} [sim:error:429]`) }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('1');

    const overloaded = await client.chat.completions.create({ model: HAIKU, messages: user(`${question} [sim:error:529]`), stream: true }).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect(overloaded).toMatchObject({ status: 503, code: 'overloaded', type: 'server_error' });
    const records = await h.decisions(3);
    expect(records.map((r) => r.status)).toEqual([404, 429, 503]);
    expect(records.every((r) => r.clientApi === 'openai')).toBe(true);
  });

  it('an upstream error mid-stream becomes an error event: the SDK throws after the text so far', async () => {
    const stream = await client.chat.completions.create({ model: HAIKU, messages: user(`${question} [sim:stream_error]`), stream: true });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('Overloaded');
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'server_error', code: 'overloaded' });
    expect(received.join('')).not.toBe('');
    const [record] = await h.decisions(1);
    expect(record.clientApi).toBe('openai');
  });

  it('no usable key: a 401 invalid_api_key that says why the bearer token was not sent on; the fallback key when set', async () => {
    const placeholder = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: 'not-a-claude-key', maxRetries: 0 });
    const denied = await placeholder.chat.completions.create({ model: HAIKU, messages: user(question) }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(denied).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((denied as Error).message).toContain('no Anthropic key or token');
    expect(h.sim.requests).toHaveLength(0);

    await h.ctx.control.setApiKey('sk-ant-proxy-fallback');
    try {
      await placeholder.chat.completions.create({ model: HAIKU, messages: user(question) });
      const [upstream] = h.sim.messagesFor(HAIKU);
      expect(upstream.headers['x-api-key']).toBe('sk-ant-proxy-fallback');
      expect(upstream.headers.authorization).toBeUndefined();
      expect(JSON.stringify(upstream.headers)).not.toContain('not-a-claude-key');
    } finally {
      await h.ctx.control.setApiKey(null);
    }
    await h.decisions(1);
  });

  it('a Claude subscription token stays a bearer token', async () => {
    const oauth = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: 'sk-ant-oat01-subscription', maxRetries: 0 });
    await oauth.chat.completions.create({ model: HAIKU, messages: user(question) });
    const [upstream] = h.sim.messagesFor(HAIKU);
    expect(upstream.headers.authorization).toBe('Bearer sk-ant-oat01-subscription');
    expect(upstream.headers['x-api-key']).toBeUndefined();
    await h.decisions(1);
  });
});

describe('GET /v1/models', () => {
  it('OpenAI clients get the upstream’s models in OpenAI’s list shape; Anthropic clients the upstream’s answer untouched', async () => {
    const direct = (await (await fetch(`${h.sim.url}/v1/models?limit=1000`, { headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } })).json()) as {
      data: Array<{ id: string; created_at: string }>;
    };
    const listed = [];
    for await (const model of client.models.list()) listed.push(model);
    expect(listed).toEqual(direct.data.map((m) => ({ id: m.id, object: 'model', created: Date.parse(m.created_at) / 1000, owned_by: 'anthropic' })));
    expect(listed.length).toBeGreaterThan(5);

    expect(await client.models.retrieve('claude-sonnet-4-6')).toEqual({ id: 'claude-sonnet-4-6', object: 'model', created: expect.any(Number), owned_by: 'anthropic' });
    const missing = await client.models.retrieve('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, type: 'invalid_request_error' });

    h.sim.reset();
    const anthropic = await h.client.models.list();
    expect(anthropic.data[0]).toMatchObject({ type: 'model', id: direct.data[0].id });
    const [passed] = h.sim.requests;
    expect(passed.path).toBe('/v1/models');
    expect(passed.headers['anthropic-version']).toBeDefined();
  });
});
