// OpenAI function tools, `tool_choice` and `parallel_tool_calls` as Anthropic tools and tool
// choice; and `response_format` (JSON) as one forced tool whose input schema is the format's
// schema: Anthropic models have no JSON mode, but a forced tool call is always a JSON object
// and follows its schema, and the edge hands its input back as the message's content.
import type { JsonObject, ToolDefinition } from '../wire';
import { ChatRequestError } from './errors';

export function translateTools(tools: unknown): ToolDefinition[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw new ChatRequestError('tools must be an array.', 'tools');
  return tools.map((tool: { type?: unknown; function?: { name?: unknown; description?: unknown; parameters?: unknown } }, i) => {
    const at = `tools[${i}]`;
    if (tool?.type !== 'function') {
      throw new ChatRequestError(`${at}: only function tools are supported, not ${JSON.stringify(tool?.type)}.`, `${at}.type`);
    }
    const fn = tool.function;
    if (typeof fn?.name !== 'string' || !fn.name) throw new ChatRequestError(`${at}.function.name must be a non-empty string.`, `${at}.function.name`);
    const parameters = fn.parameters ?? { type: 'object', properties: {} };
    if (typeof parameters !== 'object' || Array.isArray(parameters)) {
      throw new ChatRequestError(`${at}.function.parameters must be a JSON Schema object.`, `${at}.function.parameters`);
    }
    // `strict` has no Anthropic counterpart: the quality check validates drafts' calls against the schema.
    const definition: ToolDefinition = { name: fn.name, input_schema: parameters as JsonObject };
    if (typeof fn.description === 'string') definition.description = fn.description;
    return definition;
  });
}

/** Anthropic's `tool_choice`, or undefined for the default (auto, parallel calls allowed). */
export function translateToolChoice(choice: unknown, parallel: unknown, toolNames: string[]): JsonObject | undefined {
  if (parallel !== undefined && parallel !== null && typeof parallel !== 'boolean') {
    throw new ChatRequestError('parallel_tool_calls must be a boolean.', 'parallel_tool_calls');
  }
  const single = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null) return parallel === false && toolNames.length ? { type: 'auto', ...single } : undefined;
  // Without tools nothing can be called: "auto" and "none" then mean the same, and Anthropic needs no choice.
  if (choice === 'auto') return toolNames.length ? { type: 'auto', ...single } : undefined;
  if (choice === 'none') return toolNames.length ? { type: 'none' } : undefined;
  if (!toolNames.length) throw new ChatRequestError('tool_choice needs tools: none were given.', 'tool_choice');
  if (choice === 'required') return { type: 'any', ...single };
  const named = choice as { type?: unknown; function?: { name?: unknown } };
  if (named && typeof named === 'object' && named.type === 'function') {
    const name = named.function?.name;
    if (typeof name !== 'string' || !toolNames.includes(name)) {
      throw new ChatRequestError(`tool_choice names ${JSON.stringify(name)}, which is not among the tools.`, 'tool_choice.function.name');
    }
    return { type: 'tool', name, ...single };
  }
  throw new ChatRequestError(
    `tool_choice ${JSON.stringify(choice)} is not supported: use "auto", "none", "required" or {"type":"function","function":{"name":…}}.`,
    'tool_choice',
  );
}

/** The forced tool standing for a JSON `response_format`, or null for text (the default). */
export function responseFormatTool(format: unknown): ToolDefinition | null {
  if (format === undefined || format === null) return null;
  const { type, json_schema: spec } = format as { type?: unknown; json_schema?: { name?: unknown; description?: unknown; schema?: unknown } };
  if (type === 'text') return null;
  if (type === 'json_object') {
    return {
      name: 'json_object',
      description: 'Give your answer as a JSON object: call this tool with the object as its input.',
      input_schema: { type: 'object', additionalProperties: true },
    };
  }
  if (type !== 'json_schema') {
    throw new ChatRequestError(`response_format type ${JSON.stringify(type)} is not supported: use "text", "json_object" or "json_schema".`, 'response_format.type');
  }
  const name = spec?.name;
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
    throw new ChatRequestError('response_format.json_schema.name must be 1-64 letters, digits, underscores or dashes.', 'response_format.json_schema.name');
  }
  const schema = (spec?.schema ?? { type: 'object' }) as JsonObject;
  if (typeof schema !== 'object' || schema.type !== 'object') {
    throw new ChatRequestError(
      'response_format.json_schema.schema must describe an object at its root: it becomes the input schema of a forced tool call.',
      'response_format.json_schema.schema',
    );
  }
  const description = typeof spec?.description === 'string' ? `${spec.description} ` : '';
  return { name, description: `${description}Give your answer by calling this tool: its input is the answer.`, input_schema: schema };
}
