// Claude Code's file tools, checked from the call and the request alone: an Edit that changes
// nothing (Claude Code rejects it), a relative path where the tool needs an absolute one, and an
// absolute path outside the working directory the request declares.
import { posix } from 'node:path';
import type { QualitySignal } from '../../contracts/decision';
import type { ToolUseBlock } from '../wire';
import { declaredProject } from '../conversations/identify';
import { memoRequest, type SignalCheck } from './extract';
import { completeCalls } from './tool-args';
import { classifyCall } from './action-class';
import { isPlaceholder } from './tools';

/** Claude Code's tools that take a file or directory path, and the argument that holds it. */
export const PATH_ARGS: Readonly<Record<string, string>> = {
  Read: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  Write: 'file_path',
  NotebookEdit: 'notebook_path',
  NotebookRead: 'notebook_path',
  Glob: 'path',
  Grep: 'path',
  LS: 'path',
};
/** These fail on a relative path ("file_path must be an absolute path"). */
const NEEDS_ABSOLUTE = new Set(['Read', 'Edit', 'MultiEdit', 'Write', 'NotebookEdit', 'NotebookRead', 'LS']);

export function pathOf(call: ToolUseBlock): string | null {
  const arg = Object.hasOwn(PATH_ARGS, call.name) ? PATH_ARGS[call.name] : undefined;
  const value = arg ? (call.input as Record<string, unknown> | null)?.[arg] : undefined;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** `path` is `root` or inside it (POSIX paths, as Claude Code states them). */
export function insideDirectory(path: string, root: string): boolean {
  const relative = posix.relative(posix.normalize(root), posix.normalize(path));
  return relative === '' || (!relative.startsWith('..') && !posix.isAbsolute(relative));
}

interface Edit {
  old_string?: unknown;
  new_string?: unknown;
}

function noOpEdits(call: ToolUseBlock): boolean {
  const input = call.input as { edits?: unknown } & Edit;
  const edits: Edit[] = call.name === 'MultiEdit' && Array.isArray(input?.edits) ? (input.edits as Edit[]) : [input];
  return edits.some((e) => typeof e?.old_string === 'string' && e.old_string === e.new_string);
}

function checkCall(call: ToolUseBlock, project: () => string | undefined): QualitySignal[] {
  const signals: QualitySignal[] = [];
  if ((call.name === 'Edit' || call.name === 'MultiEdit') && noOpEdits(call)) {
    signals.push({ name: 'tool_noop_edit', penalty: 0.9, reason: `${call.name} with old_string equal to new_string changes nothing`, decisive: true });
  }
  const path = pathOf(call);
  // A placeholder path is flagged as one (tools.ts), not again as a relative or outside path.
  if (path === null || isPlaceholder(path)) return signals;
  if (!posix.isAbsolute(path)) {
    if (NEEDS_ABSOLUTE.has(call.name)) {
      signals.push({ name: 'tool_relative_path', penalty: 0.7, reason: `${call.name} needs an absolute path, got '${path}'`, decisive: true });
    }
    return signals;
  }
  const root = project();
  if (root && posix.isAbsolute(root) && !insideDirectory(path, root)) {
    // Reading outside the project is sometimes meant (a config in ~); writing there rarely is.
    const write = classifyCall(call) === 'write';
    signals.push({
      name: 'tool_outside_project',
      penalty: write ? 0.5 : 0.2,
      reason: `${call.name} ${path} is outside the working directory ${root}`,
    });
  }
  return signals;
}

export const toolFiles: SignalCheck = (ctx) => {
  const calls = completeCalls(ctx);
  if (calls.length === 0) return [];
  // Read only when a call names an absolute path.
  const project = () => memoRequest(ctx, 'declaredProject', (c) => declaredProject(c.request));
  return calls.flatMap((call) => checkCall(call, project));
};
