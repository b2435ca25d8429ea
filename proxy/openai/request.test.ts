import { describe, expect, it } from 'vitest';
import { ChatRequestError } from './errors';
import { DEFAULT_MAX_TOKENS, translateRequest } from './request';

const user = (content: unknown) => ({ role: 'user', content });
const base = { model: 'claude-sonnet-4-6', messages: [user('Hi')] };

function refused(body: unknown): ChatRequestError {
  try {
    translateRequest(body);
  } catch (err) {
    if (err instanceof ChatRequestError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('translateRequest', () => {
  it('hoists system and developer messages into system, in order; merges tool results into one user turn', () => {
    const { request } = translateRequest({
      model: 'claude-sonnet-4-6',
      messages: [
        { role: 'system', content: 'You are terse.' },
        user('Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: 'Checking both.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'rain' },
        { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'sun' }] },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Summarise.'),
      ],
    });
    expect(request.system).toEqual([
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'c1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'c2', name: 'weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'rain' },
          { type: 'tool_result', tool_use_id: 'c2', content: [{ type: 'text', text: 'sun' }] },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ]);
  });

  it('keeps cache_control on parts and drops empty assistant turns', () => {
    const { request } = translateRequest({
      model: 'claude-sonnet-4-6',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long prefix', cache_control: { type: 'ephemeral' } }] },
        user('a'),
        { role: 'assistant', content: '' },
        user('b'),
      ],
    });
    expect(request.system).toEqual([{ type: 'text', text: 'Long prefix', cache_control: { type: 'ephemeral' } }]);
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]);
  });

  it('maps sampling, limits, stop and user; defaults max_tokens under the model’s maximum', () => {
    const { request, view } = translateRequest({
      ...base,
      max_tokens: 50,
      max_completion_tokens: 200,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
      metadata: { app: 'x' },
      n: 1,
      logprobs: false,
      presence_penalty: 0,
      service_tier: 'auto',
    });
    expect(request).toEqual({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      max_tokens: 200,
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      stream: true,
    });
    expect(view).toEqual({ includeUsage: true, jsonTool: null });
    expect(translateRequest(base).request.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(translateRequest({ ...base, model: 'claude-3-opus-20240229' }).request.max_tokens).toBe(4_096);
  });

  it('maps tools and every tool_choice', () => {
    const tools = [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: true } }];
    const choice = (tool_choice: unknown, parallel_tool_calls?: boolean) => translateRequest({ ...base, tools, tool_choice, parallel_tool_calls }).request.tool_choice;
    expect(translateRequest({ ...base, tools }).request.tools).toEqual([
      { name: 'lookup', description: 'Look up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } },
    ]);
    expect(choice(undefined)).toBeUndefined();
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice({ type: 'function', function: { name: 'lookup' } }, false)).toEqual({ type: 'tool', name: 'lookup', disable_parallel_tool_use: true });
    expect(choice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(refused({ ...base, tools, tool_choice: { type: 'function', function: { name: 'other' } } }).param).toBe('tool_choice.function.name');
    expect(refused({ ...base, tool_choice: 'required' }).param).toBe('tool_choice');
    expect(refused({ ...base, tools: [{ type: 'custom', custom: { name: 'x' } }] }).param).toBe('tools[0].type');
  });

  it('translates images: data URLs as base64 sources, http(s) URLs as url sources; refuses audio and files', () => {
    const { request } = translateRequest({
      ...base,
      messages: [user([{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }, { type: 'image_url', image_url: { url: 'http://x/y.png' } }])],
    });
    expect(request.messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
      { type: 'image', source: { type: 'url', url: 'http://x/y.png' } },
    ]);
    expect(refused({ ...base, messages: [user([{ type: 'image_url', image_url: { url: 'ftp://x' } }])] }).param).toBe('messages[0].content[0].image_url.url');
    expect(refused({ ...base, messages: [user([{ type: 'input_audio', input_audio: {} }])] }).message).toMatch(/Audio input is not supported/);
    expect(refused({ ...base, messages: [user([{ type: 'file', file: {} }])] }).message).toMatch(/File input is not supported/);
  });

  it('refuses each option Anthropic models cannot honour, naming it; unknown options too', () => {
    for (const [name, value] of Object.entries({
      n: 3,
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { 1: 5 },
      frequency_penalty: 0.5,
      presence_penalty: -1,
      seed: 1,
      audio: { voice: 'alloy' },
      modalities: ['text', 'audio'],
      prediction: { type: 'content', content: 'x' },
      service_tier: 'flex',
      store: true,
      functions: [{ name: 'f' }],
      function_call: 'auto',
      web_search_options: {},
      verbosity: 'low',
    })) {
      const error = refused({ ...base, [name]: value });
      expect(error).toMatchObject({ param: name, code: 'unsupported_parameter' });
      expect(error.message).toContain(`${name} ${JSON.stringify(value)} is not supported: `);
    }
    expect(refused({ ...base, top_k: 5 })).toMatchObject({ param: 'top_k', code: 'unknown_parameter', message: 'Unrecognized request argument supplied: top_k' });
    expect(refused({ ...base, temperature: 1.5 })).toMatchObject({ param: 'temperature', code: 'unsupported_value' });
    expect(refused({ ...base, messages: [{ role: 'function', name: 'f', content: 'x' }] }).param).toBe('messages[0].role');
    expect(refused({ ...base, messages: [] }).param).toBe('messages');
    expect(refused({ ...base, max_tokens: 0 }).param).toBe('max_tokens');
  });

  it('refuses malformed tool calls in the history, naming where', () => {
    const call = (args: unknown) => ({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] });
    expect(refused({ ...base, messages: [user('x'), call('{oops')] }).param).toBe('messages[1].tool_calls[0].function.arguments');
    expect(refused({ ...base, messages: [user('x'), call('[1]')] }).message).toMatch(/must be a JSON object/);
    expect(refused({ ...base, messages: [user('x'), { role: 'tool', content: 'r' }] }).param).toBe('messages[1].tool_call_id');
  });

  describe('reasoning_effort', () => {
    it('is adaptive thinking at that effort where the model has it (lowered to what it accepts)', () => {
      expect(translateRequest({ ...base, reasoning_effort: 'xhigh' }).request).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
      expect(translateRequest({ ...base, model: 'claude-opus-5-5', reasoning_effort: 'minimal' }).request).toMatchObject({
        thinking: { type: 'adaptive' },
        output_config: { effort: 'low' },
      });
      // A model the table does not know yet gets the current generation's form.
      expect(translateRequest({ ...base, model: 'claude-future-9', reasoning_effort: 'max' }).request).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } });
    });

    it('is a thinking budget by effort on extended-thinking models, within max_tokens', () => {
      expect(translateRequest({ ...base, model: 'claude-sonnet-4-5', reasoning_effort: 'medium' }).request.thinking).toEqual({ type: 'enabled', budget_tokens: 4_096 });
      expect(translateRequest({ ...base, model: 'claude-sonnet-4-5', reasoning_effort: 'high', max_tokens: 3_000 }).request.thinking).toEqual({
        type: 'enabled',
        budget_tokens: 2_999,
      });
      expect(refused({ ...base, model: 'claude-sonnet-4-5', reasoning_effort: 'low', max_tokens: 1_000 }).param).toBe('max_completion_tokens');
    });

    it('none means no thinking; a model that cannot think refuses any other effort', () => {
      expect(translateRequest({ ...base, reasoning_effort: 'none' }).request.thinking).toBeUndefined();
      expect(refused({ ...base, model: 'claude-3-5-haiku-20241022', reasoning_effort: 'low' })).toMatchObject({ param: 'reasoning_effort', code: 'unsupported_value' });
      expect(refused({ ...base, reasoning_effort: 'extreme' })).toMatchObject({ param: 'reasoning_effort', code: 'unsupported_value' });
    });

    it('is left out of a request that hands back tool results (the history carries no thinking block)', () => {
      const messages = [
        user('x'),
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'ok' },
      ];
      const tools = [{ type: 'function', function: { name: 'f' } }];
      expect(translateRequest({ ...base, messages, tools, reasoning_effort: 'high' }).request.thinking).toBeUndefined();
    });
  });

  describe('response_format', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };

    it('json_schema is a forced tool with the schema as its input schema', () => {
      const { request, view } = translateRequest({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'result', schema, strict: true } } });
      expect(request.tools).toEqual([{ name: 'result', description: expect.stringContaining('calling this tool'), input_schema: schema }]);
      expect(request.tool_choice).toEqual({ type: 'tool', name: 'result' });
      expect(view.jsonTool).toBe('result');
    });

    it('json_object is a forced tool taking any object; text is no tool at all', () => {
      expect(translateRequest({ ...base, response_format: { type: 'json_object' } }).request.tool_choice).toEqual({ type: 'tool', name: 'json_object' });
      expect(translateRequest({ ...base, response_format: { type: 'text' } }).request.tools).toBeUndefined();
    });

    it('is refused where a forced tool cannot stand for it', () => {
      const format = { type: 'json_schema', json_schema: { name: 'r', schema } };
      expect(refused({ ...base, model: 'claude-sonnet-5-5', response_format: format }).message).toMatch(/claude-sonnet-5-5 does not accept/);
      expect(refused({ ...base, response_format: format, tools: [{ type: 'function', function: { name: 'f' } }] }).param).toBe('response_format');
      expect(refused({ ...base, response_format: format, reasoning_effort: 'low' }).param).toBe('reasoning_effort');
      expect(refused({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'array' } } } }).param).toBe('response_format.json_schema.schema');
      expect(refused({ ...base, response_format: { type: 'grammar' } }).param).toBe('response_format.type');
    });
  });
});
