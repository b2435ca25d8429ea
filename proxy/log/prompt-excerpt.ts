// The prompt excerpt a log line carries when settings.logPrompts is on: the last user
// message's own words on one short line. Claude Code's <system-reminder> blocks are not the
// user's words and are left out; a turn that only returns tool results says so.
import type { MessagesRequest } from '../wire';

export const EXCERPT_CHARS = 80;

export function promptExcerpt(request: MessagesRequest): string | null {
  // The request is the client's JSON, not yet checked by the API: skip what is malformed.
  const user = request.messages.findLast((m) => m?.role === 'user');
  if (!user) return null;
  const blocks =
    typeof user.content === 'string' ? [{ type: 'text', text: user.content }] : Array.isArray(user.content) ? user.content : [];
  const text = blocks
    .map((block) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .filter((part) => !part.trimStart().startsWith('<system-reminder>'))
    .join(' ')
    // One line: control characters (newlines, ANSI escapes) and runs of spaces become one space.
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim();
  if (!text) return blocks.some((block) => block?.type === 'tool_result') ? '(tool results)' : null;
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : text;
}
