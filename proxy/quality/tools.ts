// Tool use: the tool must exist, its input must satisfy the tool's input_schema,
// required fields must not hold placeholders, and a conversation that demands a tool
// call must get one.
import type { JsonObject, ToolUseBlock } from '../wire';
import type { QualitySignal } from '../../contracts/decision';
import { memoRequest, type DraftContext, type SignalCheck } from './extract';
import { describeSchemaError, validatorFor } from './schema';

/** Values a model writes when it does not know what to put: `TODO`, `<path>`, `...`. */
const PLACEHOLDER =
  /^\s*(?:TODO|TBD|FIXME|XXX|\.{3}|\u2026|<[^<>\n]{1,40}>|\[[A-Z][A-Z _-]{2,40}\]|\{\{[^{}]{1,40}\}\}|(?:\/)?path\/to\/\S*|your[-_ ][a-z_-]+(?:[-_ ]here)?|placeholder)\s*$/i;
/** Text that announces a tool action and then stops: "Let me read the file." (not "Let me know…"). */
const ANNOUNCES_ACTION =
  /\b(?:let me|let['\u2019]s|I['\u2019]ll|I will|I['\u2019]m going to|now I(?:['\u2019]ll| will)|next,? I(?:['\u2019]ll| will))\s+(?:now\s+|first\s+|also\s+)?(?:check|look|read|run|open|search|inspect|examine|create|write|edit|update|fix|list|find|explore|try|start|use|call|fetch|install|test|verify|investigate|grep|view|modify|add|remove|delete|implement|change|apply|execute|build|compile|rerun|re-run)\b[^.\n]{0,120}[.:\u2026]?\s*$/i;

/** A value a model writes when it does not know what to put (`TODO`, `<path>`, `/path/to/file`). */
export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value);

function isToolUse(block: { type: string }): block is ToolUseBlock {
  return block.type === 'tool_use';
}

function placeholderFields(input: unknown, schema: JsonObject): string[] {
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  if (typeof input !== 'object' || input === null) return [];
  const found: string[] = [];
  for (const field of required) {
    if (typeof field !== 'string') continue;
    const value = (input as Record<string, unknown>)[field];
    if (typeof value === 'string' && isPlaceholder(value)) found.push(field);
  }
  return found;
}

function checkCall(ctx: DraftContext, block: ToolUseBlock, complete: boolean): QualitySignal[] {
  const tool = ctx.tools.find((t) => t.name === block.name);
  if (!tool) {
    return [{ name: 'unknown_tool', penalty: 0.95, reason: `unknown tool '${block.name}'`, decisive: true }];
  }
  // Server tools (web_search, bash_…) are defined by type and validated upstream.
  if (!complete || !tool.input_schema || typeof tool.input_schema !== 'object') return [];
  const schema = tool.input_schema;
  // The first tool of a name is the one found, so the name keys its validator within the request.
  const validate = memoRequest(ctx, `validator:${block.name}`, () => validatorFor(schema));
  if (validate && !validate(block.input)) {
    const why = validate.errors?.[0] ? describeSchemaError(validate.errors[0]) : 'invalid input';
    return [{ name: 'tool_schema', penalty: 0.9, reason: `tool input failed schema: ${why}`, decisive: true }];
  }
  const placeholders = placeholderFields(block.input, tool.input_schema);
  if (placeholders.length > 0) {
    return [
      {
        name: 'tool_placeholder',
        penalty: 0.8,
        reason: `placeholder in required field${placeholders.length > 1 ? 's' : ''} ${placeholders.map((f) => `'${f}'`).join(', ')} of '${block.name}'`,
        decisive: true,
      },
    ];
  }
  return [];
}

/** The conversation clearly waits for a tool call, and the finished draft has none. */
function missingCall(ctx: DraftContext): QualitySignal[] {
  if (ctx.partial || ctx.tools.length === 0) return [];
  const choice = ctx.request.tool_choice as { type?: string; name?: string } | undefined;
  const calls = ctx.content.filter(isToolUse);
  if (choice?.type === 'tool' && choice.name && !calls.some((c) => c.name === choice.name)) {
    return [{ name: 'tool_missing', penalty: 0.9, reason: `tool_choice requires '${choice.name}' but the draft did not call it` }];
  }
  if (calls.length > 0) return [];
  if (choice?.type === 'any') {
    return [{ name: 'tool_missing', penalty: 0.9, reason: 'tool_choice requires a tool call but the draft answered in text' }];
  }
  const announced = ANNOUNCES_ACTION.exec(ctx.text.trimEnd().slice(-200));
  if (announced && ctx.draft.stop_reason !== 'max_tokens') {
    return [
      {
        name: 'tool_missing',
        penalty: 0.6,
        reason: `announces an action ("${announced[0].trim().slice(0, 60)}") but makes no tool call`,
      },
    ];
  }
  return [];
}

export const toolUse: SignalCheck = (ctx) => {
  const signals: QualitySignal[] = [];
  ctx.content.forEach((block, index) => {
    if (isToolUse(block)) signals.push(...checkCall(ctx, block, index < ctx.completeBlocks));
  });
  signals.push(...missingCall(ctx));
  return signals;
};
