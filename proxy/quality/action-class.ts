// What a draft does, for the policy: `answer` (no tool call), `read` (every call only reads),
// `write` (anything else: edits, commands, unknown tools). A wrong read is cheap and corrects
// itself on the next turn; a wrong edit or final answer does not.
import type { ActionClass } from '../../contracts/decision';
import type { ContentBlock, ToolUseBlock } from '../wire';

/** Claude Code's tools that never change anything. */
const READ_ONLY_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS', 'WebFetch', 'WebSearch', 'ToolSearch', 'ListAgents']);

export function classifyDraft(content: readonly ContentBlock[]): ActionClass {
  const calls = content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
  if (calls.length === 0) return 'answer';
  return calls.every((call) => READ_ONLY_TOOLS.has(call.name)) ? 'read' : 'write';
}
