// SSE decoding at arbitrary chunk boundaries and message assembly from Anthropic events.
import { describe, expect, it } from 'vitest';
import { MessageAssembler } from './assemble';
import { formatSse, SseDecoder, type SseEvent } from './events';

function decodeAll(bytes: Buffer, chunkSize: number): { events: SseEvent[]; invalid: string[] } {
  const events: SseEvent[] = [];
  const invalid: string[] = [];
  const decoder = new SseDecoder((e) => events.push(e), (r) => invalid.push(r));
  for (let i = 0; i < bytes.length; i += chunkSize) decoder.push(bytes.subarray(i, i + chunkSize));
  return { events, invalid };
}

const STREAM = [
  formatSse('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: null,
      usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 7, cache_read_input_tokens: 3 },
    },
  }),
  formatSse('ping', { type: 'ping' }),
  formatSse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
  formatSse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
  formatSse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
  formatSse('content_block_stop', { type: 'content_block_stop', index: 0 }),
  formatSse('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
  formatSse('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Grüße, ' } }),
  formatSse('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'welt 🌍' } }),
  formatSse('content_block_stop', { type: 'content_block_stop', index: 1 }),
  formatSse('content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 't1', name: 'Bash', input: {} } }),
  formatSse('content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"command": ' } }),
  formatSse('content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"ls"}' } }),
  formatSse('content_block_stop', { type: 'content_block_stop', index: 2 }),
  formatSse('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } }),
  formatSse('message_stop', { type: 'message_stop' }),
].join('');

describe('SseDecoder', () => {
  it('yields the same events whatever the chunk boundaries, multi-byte characters included', () => {
    const bytes = Buffer.from(STREAM);
    const whole = decodeAll(bytes, bytes.length);
    expect(whole.events).toHaveLength(16);
    for (const size of [1, 3, 7, 64]) expect(decodeAll(bytes, size)).toEqual(whole);
  });

  it('accepts CRLF line endings and reports undecodable data', () => {
    const { events, invalid } = decodeAll(Buffer.from('event: ping\r\ndata: {"type":"ping"}\r\n\r\nevent: x\ndata: {oops\n\n'), 5);
    expect(events).toEqual([{ type: 'ping', data: { type: 'ping' } }]);
    expect(invalid).toHaveLength(1);
  });
});

describe('MessageAssembler', () => {
  it('rebuilds text, thinking with signature, tool input and merged usage', () => {
    const assembler = new MessageAssembler();
    const finished: number[] = [];
    for (const event of decodeAll(Buffer.from(STREAM), 11).events) {
      const index = assembler.apply(event);
      if (index !== null) finished.push(index);
    }
    expect(finished).toEqual([0, 1, 2]);
    expect(assembler.done).toBe(true);
    expect(assembler.error).toBeNull();
    expect(assembler.message).toMatchObject({
      model: 'claude-haiku-4-5',
      stop_reason: 'tool_use',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Grüße, welt 🌍' },
        { type: 'tool_use', name: 'Bash', input: { command: 'ls' } },
      ],
      // message_delta's output count wins; the start's cache counts survive.
      usage: { input_tokens: 10, output_tokens: 42, cache_creation_input_tokens: 7, cache_read_input_tokens: 3 },
    });
  });

  it('flags an error event, a broken tool input and events before message_start', () => {
    const errored = new MessageAssembler();
    errored.apply({ type: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    expect(errored.error).toEqual({ kind: 'error_event', message: 'overloaded_error: Overloaded' });

    const early = new MessageAssembler();
    early.apply({ type: 'content_block_start', data: { index: 0, content_block: { type: 'text', text: '' } } });
    expect(early.error).toEqual({ kind: 'invalid_response', message: expect.stringContaining('before message_start') });

    const broken = new MessageAssembler();
    const events = decodeAll(Buffer.from(STREAM.replace('\\"ls\\"}', '\\"ls\\"')), 4096).events;
    for (const event of events) broken.apply(event);
    expect(broken.error).toEqual({ kind: 'invalid_response', message: expect.stringContaining('not valid JSON') });
  });
});
