// What a draft does, for the policy: `answer` (no tool call), `read` (every call only reads),
// `write` (anything else: edits, commands, unknown tools). A wrong read is cheap and corrects
// itself on the next turn; a wrong edit or final answer does not.
import type { ActionClass } from '../../contracts/decision';
import type { ContentBlock, ToolUseBlock } from '../wire';
import { isReadOnlyCommand } from './tool-shell';

/**
 * Claude Code's tools by what a call does. `read`: changes nothing outside the session (reads
 * files, searches, fetches, lists, or touches only the session's own to-do list). `write`: edits
 * files, runs programs, starts agents, skills or workflows, schedules, or speaks for the session
 * to the user (a plan to approve, a question, reported findings). Bash is decided per command
 * (`isReadOnlyCommand`). Tools not named here are writes. test/fixtures/claude-code holds a real
 * request: its tools must all be named here (proxy/quality/action-class.test.ts), and the real
 * `claude` run (test/e2e/claude-code.test.ts) checks every tool the binary sends.
 */
export const CLAUDE_CODE_TOOLS: Readonly<Record<string, 'read' | 'write'>> = {
  Read: 'read',
  Glob: 'read',
  Grep: 'read',
  LS: 'read',
  NotebookRead: 'read',
  WebFetch: 'read',
  WebSearch: 'read',
  ToolSearch: 'read',
  ListAgents: 'read',
  BashOutput: 'read',
  TaskOutput: 'read',
  TodoRead: 'read',
  TodoWrite: 'read',
  Bash: 'write',
  Edit: 'write',
  MultiEdit: 'write',
  Write: 'write',
  NotebookEdit: 'write',
  KillShell: 'write',
  KillBash: 'write',
  Agent: 'write',
  Task: 'write',
  Skill: 'write',
  SlashCommand: 'write',
  Workflow: 'write',
  ScheduleWakeup: 'write',
  ReportFindings: 'write',
  ExitPlanMode: 'write',
  AskUserQuestion: 'write',
  DeferredToolPlaceholder: 'write',
};

/** One call's class: the table, and for Bash the command itself. */
export function classifyCall(call: ToolUseBlock): 'read' | 'write' {
  if (call.name === 'Bash') {
    const command = (call.input as { command?: unknown } | null)?.command;
    return typeof command === 'string' && isReadOnlyCommand(command) ? 'read' : 'write';
  }
  return Object.hasOwn(CLAUDE_CODE_TOOLS, call.name) ? CLAUDE_CODE_TOOLS[call.name] : 'write';
}

export function classifyDraft(content: readonly ContentBlock[]): ActionClass {
  const calls = content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
  if (calls.length === 0) return 'answer';
  return calls.every((call) => classifyCall(call) === 'read') ? 'read' : 'write';
}
