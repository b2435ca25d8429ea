// Replay datasets: one JSON object per line with `id`, `messages` (the conversation the draft
// answered), optional `tools` (the tool definitions the request offered), `draft` and
// `verifier` (each `{model?, text, content?, stop_reason?, quality in [0, 1]}`; `content`,
// Anthropic content blocks, is the answer when present). See ../shared/eval/README.md.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AssistantMessage, ContentBlock, Message, MessagesRequest, ToolDefinition } from '../../proxy/wire';
import { draftMessage, requestFor } from '../../test/fixtures/messages';

const block = z.looseObject({ type: z.string() });
const answer = z.object({
  model: z.string().optional(),
  text: z.string(),
  content: z.array(block).optional(),
  stop_reason: z.string().nullable().optional(),
  quality: z.number().min(0).max(1),
});
const rowSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  messages: z.array(z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(block)]) })).min(1),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  draft: answer,
  verifier: answer,
});

export type Row = z.infer<typeof rowSchema>;
type Answer = Row['draft'];

export async function loadDataset(path: string): Promise<Row[]> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const rows: Row[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`${path}:${index + 1}: not JSON: ${(error as Error).message}`);
    }
    const parsed = rowSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${path}:${index + 1}: ${z.prettifyError(parsed.error)}`);
    rows.push(parsed.data);
  });
  if (rows.length === 0) throw new Error(`${path}: no rows`);
  return rows;
}

/** An answer's content blocks: `content` when given, else its text as one block. */
function contentOf(answer: Answer): ContentBlock[] {
  return answer.content ? (answer.content as ContentBlock[]) : [{ type: 'text', text: answer.text }];
}

/** The stop reason as reported, else what the API would have said for this content. */
function stopReasonOf(answer: Answer): string | null {
  if (answer.stop_reason !== undefined) return answer.stop_reason;
  return contentOf(answer).some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
}

/** What the proxy would have received and what the draft model answered. */
export function replayInput(row: Row): { request: MessagesRequest; draft: AssistantMessage } {
  const extra = row.tools ? { tools: row.tools as ToolDefinition[] } : {};
  return { request: requestFor(row.messages as Message[], extra), draft: draftMessage(contentOf(row.draft), stopReasonOf(row.draft)) };
}

/** Characters of a list of content blocks as the model reads or writes them: text, and tool calls' JSON. */
function blocksChars(blocks: readonly ContentBlock[]): number {
  let chars = 0;
  for (const b of blocks) {
    if (typeof b.text === 'string') chars += b.text.length;
    else if (b.type === 'tool_use') chars += b.name === undefined ? 0 : String(b.name).length + JSON.stringify(b.input ?? {}).length;
    else if (b.type === 'tool_result') chars += typeof b.content === 'string' ? b.content.length : JSON.stringify(b.content ?? '').length;
  }
  return chars;
}

/** Characters of the request (conversation and tool definitions), the basis of the input token estimate. */
export function promptChars(row: Row): number {
  let chars = row.tools ? JSON.stringify(row.tools).length : 0;
  for (const message of row.messages) {
    chars += typeof message.content === 'string' ? message.content.length : blocksChars(message.content as ContentBlock[]);
  }
  return chars;
}

/** Characters of an answer, the basis of the output token estimate. */
export function answerChars(answer: Answer): number {
  return answer.content ? blocksChars(answer.content as ContentBlock[]) : answer.text.length;
}
