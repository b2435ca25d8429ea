import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../sse/events';
import type { ChatView } from './request';
import { chatCompletion, chatUsage } from './response';
import { ChunkTranslator, DONE } from './stream';
import type { ChatCompletionChunk } from './wire';

const usage = { input_tokens: 20, output_tokens: 1, cache_read_input_tokens: 100, cache_creation_input_tokens: 30 };
const finalUsage = { ...usage, output_tokens: 42 };

/** An Anthropic stream: thinking, text, two parallel tool calls. */
const events: SseEvent[] = [
  { type: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage } } },
  { type: 'ping', data: { type: 'ping' } },
  { type: 'content_block_start', data: { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } } },
  { type: 'content_block_delta', data: { index: 0, delta: { type: 'thinking_delta', thinking: 'secret reasoning' } } },
  { type: 'content_block_stop', data: { index: 0 } },
  { type: 'content_block_start', data: { index: 1, content_block: { type: 'text', text: '' } } },
  { type: 'content_block_delta', data: { index: 1, delta: { type: 'text_delta', text: 'Checking ' } } },
  { type: 'content_block_delta', data: { index: 1, delta: { type: 'text_delta', text: 'both.' } } },
  { type: 'content_block_stop', data: { index: 1 } },
  { type: 'content_block_start', data: { index: 2, content_block: { type: 'tool_use', id: 'toolu_a', name: 'weather', input: {} } } },
  { type: 'content_block_delta', data: { index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":' } } },
  { type: 'content_block_delta', data: { index: 2, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } } },
  { type: 'content_block_stop', data: { index: 2 } },
  { type: 'content_block_start', data: { index: 3, content_block: { type: 'tool_use', id: 'toolu_b', name: 'weather', input: {} } } },
  { type: 'content_block_delta', data: { index: 3, delta: { type: 'input_json_delta', partial_json: '{"city":"Rome"}' } } },
  { type: 'content_block_stop', data: { index: 3 } },
  { type: 'message_delta', data: { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: finalUsage } },
  { type: 'message_stop', data: { type: 'message_stop' } },
];

const view: ChatView = { includeUsage: true, jsonTool: null };

function frames(translator: ChunkTranslator, list: SseEvent[]): string[] {
  return list.flatMap((event) => translator.translate(event));
}

const parse = (frame: string) => JSON.parse(frame.replace(/^data: /, '')) as ChatCompletionChunk;

describe('ChunkTranslator', () => {
  it('role first, text, parallel tool calls with incremental arguments, finish reason, usage, [DONE]', () => {
    const out = frames(new ChunkTranslator(view, 1_700_000_000), events);
    expect(out.at(-1)).toBe(DONE);
    const chunks = out.slice(0, -1).map(parse);
    expect(chunks.every((c) => c.id === 'msg_1' && c.object === 'chat.completion.chunk' && c.created === 1_700_000_000 && c.model === 'claude-x')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Checking ' },
      { content: 'both.' },
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'weather', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"city":"Rome"}' } }] },
      {},
      undefined,
    ]);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 150, completion_tokens: 42, total_tokens: 192, prompt_tokens_details: { cached_tokens: 100 } } });
    expect(out.join('')).not.toContain('secret reasoning');
  });

  it('without include_usage: no usage anywhere', () => {
    const out = frames(new ChunkTranslator({ includeUsage: false, jsonTool: null }, 0), events);
    expect(out.slice(0, -1).map(parse).every((c) => !('usage' in c) && c.choices.length === 1)).toBe(true);
  });

  it('an error event becomes OpenAI’s error event, and nothing follows it', () => {
    const translator = new ChunkTranslator(view, 0);
    const out = frames(translator, [
      ...events.slice(0, 7),
      { type: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      ...events.slice(7),
    ]);
    expect(out.at(-1)).toBe('data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":"overloaded"}}\n\n');
    expect(out).toHaveLength(3);
    expect(translator.error(502, 'late')).toBe('');
  });

  it('with response_format the forced call’s input streams as the content', () => {
    const json = [
      events[0],
      { type: 'content_block_start', data: { index: 0, content_block: { type: 'tool_use', id: 't', name: 'answer', input: {} } } },
      { type: 'content_block_delta', data: { index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } } },
      { type: 'content_block_delta', data: { index: 0, delta: { type: 'input_json_delta', partial_json: '1}' } } },
      { type: 'content_block_stop', data: { index: 0 } },
      { type: 'message_delta', data: { delta: { stop_reason: 'tool_use' }, usage: finalUsage } },
      events.at(-1)!,
    ];
    const chunks = frames(new ChunkTranslator({ includeUsage: false, jsonTool: 'answer' }, 0), json).slice(0, -1).map(parse);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('{"a":1}');
    expect(chunks.some((c) => c.choices[0].delta.tool_calls)).toBe(false);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
  });
});

describe('chatCompletion', () => {
  const message = {
    id: 'msg_2',
    type: 'message' as const,
    role: 'assistant' as const,
    model: 'claude-x',
    content: [
      { type: 'thinking', thinking: 'hidden', signature: 's' },
      { type: 'text', text: 'Two calls.' },
      { type: 'tool_use', id: 'toolu_a', name: 'weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'toolu_b', name: 'weather', input: { city: 'Rome' } },
    ],
    stop_reason: 'tool_use',
    usage: finalUsage,
  };

  it('text as content, tool_use blocks as tool_calls with ids kept, usage with cached tokens', () => {
    expect(chatCompletion(message, view, 5)).toEqual({
      id: 'msg_2',
      object: 'chat.completion',
      created: 5,
      model: 'claude-x',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Two calls.',
            refusal: null,
            tool_calls: [
              { id: 'toolu_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              { id: 'toolu_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: chatUsage(finalUsage),
    });
  });

  it('maps every stop reason', () => {
    const reason = (stop_reason: string) => chatCompletion({ ...message, content: [], stop_reason }, view, 0).choices[0].finish_reason;
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'model_context_window_exceeded', 'tool_use', 'refusal'].map(reason)).toEqual([
      'stop',
      'stop',
      'length',
      'length',
      'tool_calls',
      'content_filter',
    ]);
    expect(chatCompletion({ ...message, content: [], stop_reason: 'end_turn' }, view, 0).choices[0].message.content).toBe('');
  });
});
