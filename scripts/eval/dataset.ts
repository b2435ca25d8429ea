// Replay datasets: one JSON object per line with `id`, `messages` (the conversation the draft
// answered), `draft` and `verifier` (each `{model?, text, quality in [0, 1]}`).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AssistantMessage, ContentBlock, Message, MessagesRequest } from '../../proxy/wire';
import { draftMessage, requestFor } from '../../test/fixtures/messages';

const answer = z.object({ model: z.string().optional(), text: z.string(), quality: z.number().min(0).max(1) });
const rowSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  messages: z
    .array(z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]) }))
    .min(1),
  draft: answer,
  verifier: answer,
});

export type Row = z.infer<typeof rowSchema>;

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

/** What the proxy would have received and what the draft model answered. */
export function replayInput(row: Row): { request: MessagesRequest; draft: AssistantMessage } {
  return { request: requestFor(row.messages as Message[]), draft: draftMessage(row.draft.text, 'end_turn') };
}

/** Characters of the conversation's text, the basis of the input token estimate. */
export function promptChars(row: Row): number {
  let chars = 0;
  for (const message of row.messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else for (const block of message.content as ContentBlock[]) if (typeof block.text === 'string') chars += block.text.length;
  }
  return chars;
}
