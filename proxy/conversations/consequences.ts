// What happened to an accepted draft's tool calls, read from the conversation's next request:
// the client runs the calls and sends their results back as `tool_result` blocks. An error
// result, a permission the user refused, or an interrupted turn means the draft was wrong (or
// at least unwanted) after all. Pure functions; the memory that remembers which calls came
// from accepted drafts is in memory.ts.
import type { ContentBlock, Message } from '../wire';

export interface ToolOutcome {
  toolUseId: string;
  /** Why the call counts as failed; null when it worked. */
  failure: string | null;
}

// Claude Code's own words (checked against the 2.1.332 binary) for a refused permission and
// an interrupted turn; both come back as tool results, with or without is_error.
const REJECTED = /The user doesn't want to (?:proceed with|take) this/;
const INTERRUPTED = /\[Request interrupted by user[^\]]*\]/;
/** Enough of the result to say why in a log line; tool output can be long. */
const EXCERPT_CHARS = 120;

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as ContentBlock[])
    .map((block) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join(' ');
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function failureOf(block: ContentBlock): string | null {
  const text = resultText(block.content);
  if (REJECTED.test(text)) return 'the user refused the permission';
  if (INTERRUPTED.test(text)) return 'the user interrupted the turn';
  if (block.is_error === true) return `came back is_error${text ? `: ${excerpt(text)}` : ''}`;
  return null;
}

/** The tool results the request's last turn hands back (none when the last turn is not the user's). */
export function toolOutcomes(messages: readonly Message[]): ToolOutcome[] {
  const last = messages[messages.length - 1];
  if (last?.role !== 'user' || !Array.isArray(last.content)) return [];
  // An interrupted tool turn may say so in a text block beside the results: every call of it counts.
  const interrupted = last.content.some((block) => block?.type === 'text' && typeof block.text === 'string' && INTERRUPTED.test(block.text));
  const outcomes: ToolOutcome[] = [];
  for (const block of last.content) {
    if (block?.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
    outcomes.push({ toolUseId: block.tool_use_id, failure: failureOf(block) ?? (interrupted ? 'the user interrupted the turn' : null) });
  }
  return outcomes;
}
