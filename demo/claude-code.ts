// Claude-Code-shaped request bodies for the demo's traffic, modelled on what Claude Code 2.1
// sends (test/fixtures/claude-code/request-2.1.332.json) but written for the demo and much
// shorter: system blocks with cache breakpoints, an environment section naming the working
// directory, the file and shell tools, the session id in `metadata.user_id`, streaming, adaptive
// thinking. A Session keeps the turns of one conversation as Claude Code resends them.
import { randomUUID } from 'node:crypto';
import type { AssistantMessage, ContentBlock, Message, MessagesRequest, ToolDefinition } from '../proxy/wire';

const CLAUDE_CODE_VERSION = '2.1.332';

/** The headers Claude Code sends besides the key. */
export const CLAUDE_CODE_HEADERS = {
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219',
  'user-agent': `claude-cli/${CLAUDE_CODE_VERSION} (external, cli)`,
  'x-app': 'cli',
} as const;

const AGENT_PROMPT = `You are a coding agent working in the user's project from their terminal.

# How to work
 - Read the code before changing it; prefer the dedicated file and search tools over shell commands.
 - Keep changes small and in the style of the surrounding code. Explain what you changed and why.
 - Reference code as \`file_path:line_number\` so the user can open it.
 - Tool calls run behind a permission mode the user chose; a denied call means the user declined it.

# Answers
 - Text outside tool calls is shown to the user as Markdown in a terminal: be concise and concrete.
 - When a question needs a file you have not read, read it first instead of guessing.
 - Report outcomes faithfully: if a command failed, say so with its output.`;

/** The tools every turn offers, with the schemas' required fields as Claude Code's. */
export const TOOLS: ToolDefinition[] = [
  {
    name: 'Read',
    description: 'Reads a file from the local filesystem. `file_path` must be absolute. Returns the lines in cat -n format.',
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The absolute path to the file to read' },
        offset: { type: 'integer', minimum: 0, description: 'The line to start reading from' },
        limit: { type: 'integer', exclusiveMinimum: 0, description: 'The number of lines to read' },
      },
      required: ['file_path'],
      additionalProperties: false,
    },
  },
  {
    name: 'Glob',
    description: 'Finds files by name with a glob pattern such as "src/**/*.ts"; returns matching paths.',
    input_schema: {
      type: 'object',
      properties: { pattern: { type: 'string', description: 'The glob pattern' }, path: { type: 'string', description: 'The folder to search in' } },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  {
    name: 'Grep',
    description: 'Searches file contents with a regular expression; returns matching files or lines.',
    input_schema: {
      type: 'object',
      properties: { pattern: { type: 'string', description: 'The regular expression' }, path: { type: 'string', description: 'File or folder to search' } },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  {
    name: 'Bash',
    description: 'Runs a shell command in the working directory and returns its output.',
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command to execute' },
        description: { type: 'string', description: 'What the command does, in a few words' },
      },
      required: ['command'],
      additionalProperties: false,
    },
  },
  {
    name: 'Edit',
    description: 'Replaces exactly one occurrence of `old_string` with `new_string` in a file.',
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The absolute path to the file to modify' },
        old_string: { type: 'string', description: 'The text to replace' },
        new_string: { type: 'string', description: 'The text to replace it with' },
      },
      required: ['file_path', 'old_string', 'new_string'],
      additionalProperties: false,
    },
  },
  {
    name: 'Write',
    description: 'Writes a file, replacing it if it exists.',
    input_schema: {
      type: 'object',
      properties: { file_path: { type: 'string', description: 'The absolute path to the file to write' }, content: { type: 'string' } },
      required: ['file_path', 'content'],
      additionalProperties: false,
    },
  },
];

function environment(project: string, model: string): string {
  return [
    '# Environment',
    'You have been invoked in the following environment:',
    ` - Primary working directory: ${project}`,
    ' - Is a git repository: false',
    ` - Platform: ${process.platform}`,
    '',
    `The exact model ID is ${model}.`,
  ].join('\n');
}

/** One Claude Code session: its id, model and the turns so far. */
export class Session {
  readonly id = randomUUID();
  private readonly turns: Message[] = [];

  constructor(
    readonly model: string,
    private readonly project: string,
  ) {}

  /** The next request: the history plus a user turn (a prompt, or tool results). */
  request(user: string | ContentBlock[]): MessagesRequest {
    const content: ContentBlock[] = typeof user === 'string' ? [{ type: 'text', text: user }] : user;
    // Claude Code states the environment in a system turn after the first prompt.
    if (this.turns.length === 0) {
      this.turns.push({ role: 'user', content }, { role: 'system', content: [{ type: 'text', text: environment(this.project, this.model) }] });
    } else {
      this.turns.push({ role: 'user', content });
    }
    return {
      model: this.model,
      max_tokens: 32_000,
      stream: true,
      system: [
        { type: 'text', text: `x-anthropic-billing-header: cc_version=${CLAUDE_CODE_VERSION}; cc_entrypoint=cli;` },
        { type: 'text', text: AGENT_PROMPT, cache_control: { type: 'ephemeral' } },
      ],
      messages: structuredClone(this.turns),
      tools: TOOLS,
      metadata: { user_id: JSON.stringify({ device_id: 'cascadeflow-demo', account_uuid: '', session_id: this.id }) },
      thinking: { type: 'adaptive', display: 'omitted' },
      output_config: { effort: 'medium' },
    };
  }

  /** The answer, kept for the next turn as Claude Code does. */
  answered(message: AssistantMessage): void {
    this.turns.push({ role: 'assistant', content: message.content });
  }
}

/**
 * Claude Code's title request: its small model names the session in a few words. No rule
 * matches Haiku, so it passes through.
 */
export function titleRequest(model: string, prompt: string): MessagesRequest {
  return {
    model,
    max_tokens: 512,
    system: [{ type: 'text', text: 'Summarize the coding task below as a title of at most six words. Answer with the title only.' }],
    messages: [{ role: 'user', content: prompt }],
    metadata: { user_id: JSON.stringify({ device_id: 'cascadeflow-demo', account_uuid: '', session_id: randomUUID() }) },
  };
}
