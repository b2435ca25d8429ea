// Request bodies shared by the proxy benches, shaped like Claude Code's requests (system
// blocks with a cache breakpoint, tool schemas, a history), because the proxy's cost per
// request is mostly in handling bodies of that shape: a small one at the start of a session,
// and one of any size from ~20 KB to a long session's megabyte.
import { capabilitiesOf } from '../proxy/models/capabilities';

export const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'sk-bench-key', 'anthropic-version': '2023-06-01' };

/** No default rule matches it: a pure passthrough. */
export const PASSTHROUGH_MODEL = 'claude-haiku-4-5-20251001';
/** The default `sonnet-4` rule drafts it with claude-haiku-4-5, whose good answer is accepted. */
export const CASCADE_MODEL = 'claude-sonnet-4-6';

/** A Claude Code-shaped request at the start of a session: system blocks, a dozen tools, a short history (~7 KB). */
export function requestBody(model: string, stream: boolean): string {
  const tools = Array.from({ length: 12 }, (_, i) => ({
    name: `tool_${i}`,
    description: `Tool number ${i}: ${'reads or changes files in the project and reports what it did. '.repeat(4)}`,
    input_schema: {
      type: 'object',
      properties: { path: { type: 'string', description: 'Absolute path' }, limit: { type: 'number' } },
      required: ['path'],
      additionalProperties: false,
    },
  }));
  return JSON.stringify({
    model,
    max_tokens: 4_096,
    stream,
    system: [
      { type: 'text', text: 'You are a coding assistant working in a TypeScript repository.' },
      { type: 'text', text: 'Project notes: '.concat('keep answers short and precise. '.repeat(40)), cache_control: { type: 'ephemeral' } },
    ],
    tools,
    messages: [
      { role: 'user', content: 'What does the build script in package.json do?' },
      { role: 'assistant', content: 'It compiles the renderer with Vite and then bundles the Electron main process.' },
      { role: 'user', content: [{ type: 'text', text: 'Explain in two sentences why the proxy listens on 127.0.0.1 only.' }] },
    ],
    metadata: { user_id: 'bench-user' },
  });
}

/** Source-like text of about `chars` characters, so that bodies are not one repeated phrase. */
function sourceText(seed: number, chars: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const line = `  ${i % 7 ? 'const' : 'export function'} value${seed}_${i} = compute(${seed}, ${i}, 'item ${(seed * 31 + i) % 97}'); // step ${i}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/** Claude Code's environment section. */
const ENVIRONMENT = 'Primary working directory: /repo\nIs directory a git repo: Yes\nPlatform: linux';

/** The Claude Code session every sized body belongs to. */
const BENCH_SESSION = '0b5e4c1e-5a3d-4c55-9a6b-1b2c3d4e5f60';

/** The question every sized body ends with unless told otherwise. */
export const QUESTION = 'Explain in two sentences why the proxy listens on 127.0.0.1 only.';

/**
 * A Claude Code-shaped request of about `bytes` bytes (as test/fixtures/claude-code/ has
 * them): a system prompt of three blocks (identity, long instructions, project notes; a cache
 * breakpoint on the last two), tool schemas, the working directory (in a system message for a
 * model that takes them, else in the system prompt), history turns of tool calls and file
 * contents, then the new question (`question`, e.g. with a simulator marker) with Claude Code's
 * third breakpoint. Up to ~150 KB the system
 * prompt, the tools and the file contents shrink in proportion (4 tools at ~20 KB); beyond,
 * only the history grows, as a long session does. At 150 KiB it is 24 tools and 20 turns.
 * The size is what makes per-request work (body parsing, copying, serialising for a draft)
 * visible in the proxy.
 */
export function claudeCodeBody(model: string, stream: boolean, bytes: number, question = QUESTION): string {
  const scale = Math.min(1, bytes / FULL_SCALE_BYTES);
  const systemMessages = capabilitiesOf(model)?.systemMessages === true;
  const toolCount = Math.max(3, Math.round(24 * scale));
  const tools = Array.from({ length: toolCount }, (_, i) => ({
    name: `tool_${i}`,
    description: `Tool number ${i}: ${'reads or changes files in the project, runs commands in the workspace and reports what it did, with paths relative to the root. '.repeat(6)}`,
    input_schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Absolute path of the file or directory to work on' },
        pattern: { type: 'string', description: 'A glob or regular expression selecting what to include' },
        offset: { type: 'number', description: 'The line to start from, 1-based' },
        limit: { type: 'number', description: 'The most lines to return' },
        mode: { type: 'string', enum: ['read', 'write', 'append', 'list'], description: 'What to do with the path' },
        recursive: { type: 'boolean', description: 'Whether to descend into subdirectories' },
      },
      required: ['path'],
      additionalProperties: false,
    },
  }));
  const fileChars = Math.max(1_000, Math.round(8_000 * scale));
  // One exchange = 2 turns: the assistant calls a tool, the user turn carries its result.
  const exchange = (i: number) => [
    {
      role: 'assistant',
      content: [
        { type: 'text', text: `Let me look at part ${i} of the source before changing it.` },
        { type: 'tool_use', id: `toolu_bench_${i}`, name: `tool_${i % toolCount}`, input: { path: `/repo/src/module_${i}.ts`, mode: 'read', limit: 400 } },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: `toolu_bench_${i}`, content: sourceText(i, fileChars) }],
    },
  ];
  const body = (exchanges: number) =>
    JSON.stringify({
      model,
      max_tokens: 32_000,
      stream,
      system: [
        { type: 'text', text: `You are Claude Code, an interactive CLI tool that helps users with software engineering tasks.${systemMessages ? '' : `\n${ENVIRONMENT}`}` },
        { type: 'text', text: 'Instructions: '.concat('Prefer small, reviewable changes; run the tests after each edit; never commit secrets. '.repeat(Math.round(250 * scale))), cache_control: { type: 'ephemeral' } },
        { type: 'text', text: `Project notes (CLAUDE.md):\n${sourceText(99, Math.round(12_000 * scale))}`, cache_control: { type: 'ephemeral' } },
      ],
      tools,
      messages: [
        // As Claude Code 2.1.332 states its working directory to a model that takes system messages; to others, in the system prompt.
        ...(systemMessages ? [{ role: 'system', content: ENVIRONMENT }] : []),
        ...Array.from({ length: exchanges }, (_, i) => exchange(i)).flat(),
        { role: 'user', content: [{ type: 'text', text: question, cache_control: { type: 'ephemeral' } }] },
      ],
      // Claude Code's metadata: its session id inside a JSON string.
      metadata: { user_id: JSON.stringify({ device_id: 'bench-device', account_uuid: '', session_id: BENCH_SESSION }) },
    });
  const base = Buffer.byteLength(body(0));
  const perExchange = Buffer.byteLength(body(1)) - base;
  return body(Math.max(1, Math.round((bytes - base) / perExchange)));
}

/** The size at which the shape is whole: 24 tools, 8 KB files, the full system prompt (then 10 exchanges). */
const FULL_SCALE_BYTES = 150 * 1024;
