// The conversation's own record of tool calls: a draft that repeats, unchanged, a call that
// just came back failed, or that makes the same call a third time, is stuck in a loop. Read from
// the request's history alone (assistant tool_use blocks and the tool_result blocks answering them).
import type { QualitySignal } from '../../contracts/decision';
import type { ContentBlock, MessagesRequest, ToolUseBlock } from '../wire';
import { memoRequest, type SignalCheck } from './extract';
import { completeCalls } from './tool-args';

/** Same tool, same input: key order and whitespace around values do not make a call different. */
export function callKey(name: string, input: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return typeof value === 'string' ? value.trim() : value;
  };
  return `${name}\u0000${JSON.stringify(canonical(input))}`;
}

interface PastCalls {
  /** How often each call was made before. */
  counts: Map<string, number>;
  /** Calls whose most recent result was an error, with the error's first words. */
  failed: Map<string, string>;
}

function resultText(block: ContentBlock): string {
  const content = block.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as ContentBlock[]).map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join(' ');
}

function readHistory(request: MessagesRequest): PastCalls {
  const counts = new Map<string, number>();
  const failed = new Map<string, string>();
  const keyById = new Map<string, string>();
  for (const message of request.messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (message.role === 'assistant' && block.type === 'tool_use') {
        const call = block as ToolUseBlock;
        const key = callKey(call.name, call.input);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        keyById.set(call.id, key);
      } else if (message.role === 'user' && block.type === 'tool_result') {
        const key = keyById.get(String(block.tool_use_id));
        if (!key) continue;
        if (block.is_error === true) failed.set(key, resultText(block).replace(/\s+/g, ' ').trim().slice(0, 80));
        else failed.delete(key);
      }
    }
  }
  return { counts, failed };
}

/** A third identical call is a loop; a second one after success may be a legitimate re-read. */
const LOOP_AFTER = 2;

export const toolHistory: SignalCheck = (ctx) => {
  const calls = completeCalls(ctx);
  if (calls.length === 0 || !ctx.request.messages.some((m) => m.role === 'assistant')) return [];
  const past = memoRequest(ctx, 'toolHistory', (c) => readHistory(c.request));
  const signals: QualitySignal[] = [];
  for (const call of calls) {
    const key = callKey(call.name, call.input);
    const error = past.failed.get(key);
    if (error !== undefined) {
      signals.push({
        name: 'tool_repeats_failed_call',
        penalty: 0.8,
        reason: `repeats, unchanged, the '${call.name}' call that just failed${error ? ` ("${error}")` : ''}`,
        decisive: true,
      });
    } else if ((past.counts.get(key) ?? 0) >= LOOP_AFTER) {
      signals.push({ name: 'tool_loop', penalty: 0.6, reason: `makes the same '${call.name}' call again (${past.counts.get(key)} times before)` });
    }
  }
  return signals;
};
