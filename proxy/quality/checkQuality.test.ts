import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../wire';
import { checkQuality, createChecker } from './index';
import { silentModel } from './learned/model';
import { draftMessage, requestFor } from '../../test/fixtures/messages';

const names = (result: { signals: { name: string }[] }) => result.signals.map((s) => s.name);

const bashTool: ToolDefinition = {
  name: 'Bash',
  description: 'Run a shell command',
  input_schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { command: { type: 'string' }, timeout: { type: 'number' } },
    required: ['command'],
    additionalProperties: false,
  },
};
const readTool: ToolDefinition = {
  name: 'Read',
  input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
};

describe('checkQuality', () => {
  const question = requestFor('What is the capital of France, and what river runs through it?');

  it('accepts a clean, fitting answer at the conservative threshold', () => {
    const result = checkQuality(question, draftMessage('The capital of France is Paris. The Seine runs through it.'));
    expect(result.signals).toEqual([]);
    expect(result.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('flags truncation at max_tokens', () => {
    const result = checkQuality(question, draftMessage('The capital of France is Paris. The river', 'max_tokens'));
    expect(result.signals[0]).toMatchObject({ name: 'truncated', reason: 'truncated at max_tokens' });
    expect(result.confidence).toBeLessThan(0.6);
  });

  it('flags a draft that stops mid-expression', () => {
    const result = checkQuality(
      requestFor('A farmer has 15 cows and buys 25 more. How many cows does he have?'),
      draftMessage('He had 15 cows and bought 25 more, so he has 15 + '),
    );
    expect(names(result)).toContain('unfinished');
    expect(result.confidence).toBeLessThan(0.6);
  });

  it('does not take tables, paths or C++ at the end for a cut-off', () => {
    for (const ending of ['| Paris | Seine |', 'Install it under /usr/local/', 'I would write this in C++']) {
      expect(names(checkQuality(question, draftMessage(`Paris is the capital and the Seine runs through it.\n\n${ending}`)))).not.toContain('unfinished');
    }
  });

  it('rules out a refusal opening, decisively while streaming', () => {
    const draft = draftMessage("I'm sorry, but I can't help with that request.");
    expect(checkQuality(question, draft).confidence).toBeLessThan(0.2);
    const partial = checkQuality(question, draftMessage("I'm sorry, but I can't help with"), { partial: true });
    expect(partial.signals).toContainEqual(expect.objectContaining({ name: 'refusal', decisive: true }));
  });

  it('takes the API stop reasons at their word', () => {
    expect(checkQuality(question, draftMessage('', 'refusal')).signals[0]).toMatchObject({ name: 'refusal', reason: 'stop_reason is refusal' });
    expect(checkQuality(question, draftMessage('Paris', 'model_context_window_exceeded')).signals[0]).toMatchObject({
      name: 'truncated',
      reason: 'truncated at the context window',
    });
  });

  it('does not take a late "I cannot" in a helpful answer for a refusal', () => {
    const result = checkQuality(
      requestFor('Why does my build fail with ENOENT?'),
      draftMessage(
        'ENOENT means a file or directory the build expects does not exist. Check the paths in your config, ' +
          'make sure the output directory is created before it is written to, and run the build from the project root. ' +
          'I cannot see your config, so compare the failing path in the error message with what is on disk.',
      ),
    );
    expect(names(result)).not.toContain('refusal');
  });

  it('weighs hedging by density: one soft word is noise, repeated doubt is not', () => {
    const soft = checkQuality(
      question,
      draftMessage('The capital of France is Paris, which is probably the best-known city in Europe. The Seine runs through it.'),
    );
    const doubtful = checkQuality(
      question,
      draftMessage("I'm not sure, but I think it might be Paris. I could be wrong. Maybe the Seine? Hard to say."),
    );
    expect(soft.confidence).toBeGreaterThanOrEqual(0.8);
    expect(names(doubtful)).toContain('hedging');
    expect(doubtful.confidence).toBeLessThan(0.6);
  });

  it('flags an empty draft and one too short for an explanation', () => {
    expect(checkQuality(question, draftMessage('')).signals[0]).toMatchObject({ name: 'empty', penalty: 1 });
    const short = checkQuality(requestFor('Explain how garbage collection works in V8, step by step.'), draftMessage('It frees memory.'));
    expect(names(short)).toContain('too_short');
    expect(short.confidence).toBeLessThan(0.7);
  });

  it('skips end-dependent signals on a partial draft', () => {
    const result = checkQuality(question, draftMessage('', null), { partial: true });
    expect(result.signals).toEqual([]);
  });

  describe('tool use', () => {
    const agent = requestFor('List the files in the repo', { tools: [bashTool, readTool] });
    const call = (name: string, input: unknown) => draftMessage([{ type: 'tool_use', id: 'toolu_1', name, input }], 'tool_use');

    it('accepts a valid tool call', () => {
      const result = checkQuality(agent, call('Bash', { command: 'ls -la' }));
      expect(result.signals).toEqual([]);
      expect(result.confidence).toBeGreaterThanOrEqual(0.8);
    });

    it('rules out an unknown tool, decisively even before the block is complete', () => {
      const result = checkQuality(agent, call('Shell', {}), { partial: true });
      expect(result.signals).toEqual([
        expect.objectContaining({ name: 'unknown_tool', reason: "unknown tool 'Shell'", decisive: true }),
      ]);
    });

    it('validates the input against the schema once the block is complete', () => {
      const result = checkQuality(agent, call('Bash', { timeout: 5 }));
      expect(result.signals[0]).toMatchObject({ name: 'tool_schema', reason: "tool input failed schema: missing 'command'", decisive: true });
      expect(checkQuality(agent, call('Bash', { command: 'ls', timeout: '5' })).signals[0].reason).toBe(
        "tool input failed schema: '/timeout' must be number",
      );
      // Still streaming: the last block is incomplete unless the cascade says otherwise.
      expect(checkQuality(agent, call('Bash', {}), { partial: true }).signals).toEqual([]);
      expect(names(checkQuality(agent, call('Bash', {}), { partial: true, completeBlocks: 1 }))).toEqual(['tool_schema']);
    });

    it('flags placeholders in required fields', () => {
      for (const file_path of ['<path>', 'TODO', '...', '/path/to/file.ts']) {
        expect(names(checkQuality(agent, call('Read', { file_path })))).toEqual(['tool_placeholder']);
      }
      expect(checkQuality(agent, call('Read', { file_path: '/repo/src/index.ts' })).signals).toEqual([]);
    });

    it('flags a text answer when tool_choice demands a call, or when the draft announces one', () => {
      const forced = requestFor('List the files', { tools: [bashTool], tool_choice: { type: 'any' } });
      expect(names(checkQuality(forced, draftMessage('Here are the files: a.ts, b.ts.')))).toEqual(['tool_missing']);
      const announced = checkQuality(agent, draftMessage("I'll list the files in the repository root."));
      expect(names(announced)).toContain('tool_missing');
      const done = checkQuality(agent, draftMessage('The repository has a src/ and a test/ folder. Let me know if you want more detail.'));
      expect(names(done)).not.toContain('tool_missing');
    });
  });

  describe('code blocks', () => {
    // The code checks alone: short answers to code requests are also judged by the learned check (learned/*.test.ts).
    const checkQuality = createChecker(silentModel());
    const ask = requestFor('Write the config as JSON and a small JavaScript helper that reads it.');
    const answer = (json: string, js: string) =>
      draftMessage(`Here is the config:\n\n\`\`\`json\n${json}\n\`\`\`\n\nAnd the helper:\n\n\`\`\`js\n${js}\n\`\`\`\n\nThe helper reads the file and parses it, returning the port.`);

    it('accepts code that parses', () => {
      const result = checkQuality(ask, answer('{"port": 8000}', "import fs from 'node:fs';\nexport const port = JSON.parse(fs.readFileSync('c.json', 'utf8')).port;"));
      expect(result.signals).toEqual([]);
    });

    it('flags JSON and JavaScript that do not parse', () => {
      const result = checkQuality(ask, answer('{"port": 8000,}', 'export const port = (JSON.parse(text).port;'));
      expect(names(result)).toEqual(['invalid_json', 'invalid_code']);
      expect(result.confidence).toBeLessThan(0.6);
    });

    it('checks brackets of other languages, minding strings, comments and docstrings', () => {
      const python = draftMessage('```python\ndef f(x):\n    """Docstring with ( unbalanced."""\n    return [x, ")"]  # (\n```\n\nThis function returns a list with the input and a parenthesis string.');
      expect(checkQuality(requestFor('Write a Python function returning a list'), python).signals).toEqual([]);
      const ts = draftMessage('```ts\nfunction f(x: number {\n  return x;\n}\n```\n\nThis function returns its input unchanged, typed as a number.');
      expect(names(checkQuality(requestFor('Write a TypeScript identity function'), ts))).toEqual(['invalid_code']);
    });

    it('allows elided code and JSX in JavaScript blocks, and unknown languages', () => {
      const elided = answer('{"port": 8000}', 'function load(path) {\n  ...\n}\nconst all = [...items, ...more];');
      expect(checkQuality(ask, elided).signals).toEqual([]);
      const jsx = answer('{"port": 8000}', 'export const App = () => <div className="app"><Header /></div>;');
      expect(checkQuality(ask, jsx).signals).toEqual([]);
      const odd = draftMessage('```constructor\n(((\n```\n\nThis block is in a language the checker does not know, so it is left alone.');
      expect(checkQuality(ask, odd).signals).toEqual([]);
    });

    it('flags an unclosed fence only on a finished draft', () => {
      const open = draftMessage('Here is the code:\n\n```js\nconst a = 1;\n');
      expect(names(checkQuality(ask, open))).toContain('unfinished_code');
      expect(names(checkQuality(ask, open, { partial: true }))).not.toContain('unfinished_code');
    });
  });
});

describe('answer length against the question', () => {
  it('flags an essay where a one-word or yes/no answer was asked for', () => {
    const ask = requestFor('Answer yes or no: is TCP connection-oriented?');
    expect(checkQuality(ask, draftMessage('Yes.')).signals).toEqual([]);
    const essay = draftMessage(
      'Yes. TCP sets up a connection with a three-way handshake before any data flows: the client sends SYN, the server ' +
        'answers SYN-ACK and the client confirms with ACK. Both ends then keep state for the connection, such as sequence ' +
        'numbers, window sizes and timers, which is what makes retransmission, ordering and flow control possible. When ' +
        'the exchange is over, each side closes its half with FIN and ACK, and the socket lingers in TIME_WAIT so that ' +
        'stray segments of the old connection cannot be mistaken for a new one. UDP, by contrast, keeps no such state and ' +
        'sends each datagram on its own, which is why it is called connectionless.',
    );
    expect(checkQuality(ask, essay).signals.map((s) => s.name)).toEqual(['too_long']);
  });
});

describe('Claude Code conversations', () => {
  it('reads the question without the system reminders Claude Code injects', () => {
    const request = requestFor([
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\nExplain and write detailed, step-by-step answers; describe every design choice.\n</system-reminder>' },
          { type: 'text', text: 'hello' },
        ],
      },
    ]);
    expect(checkQuality(request, draftMessage('Hi! What would you like to work on?')).signals).toEqual([]);
  });
});
