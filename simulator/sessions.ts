// Synthetic Claude Code sessions for the simulator: each turn resends the whole conversation
// (system prompt and tool schemas from a captured Claude Code request, padded to the prefix size
// asked for, then the history) with cache breakpoints where Claude Code puts them (its system
// blocks and the last message), and ends with a `[sim:…]` marker that makes the requested model
// answer well and the draft model well or badly, as planned. Tool turns hand back a file's
// contents as the tool result, so the prefix grows each turn as in real use. Deterministic: a
// seed picks every size and choice. Used by bench/sessions.bench.ts and the integration tests.
import type { ContentBlock, Message, MessagesRequest, ToolDefinition } from '../proxy/wire';
import { CHARS_PER_TOKEN } from './behaviours';
import { seededRandom } from './seeded-random';

/** The parts of a captured Claude Code request a session starts from. */
export interface SessionBase {
  system: ContentBlock[];
  tools: ToolDefinition[];
  /** Its opening messages (Claude Code's reminders and environment), before the first prompt. */
  messages: Message[];
}

export interface TurnPlan {
  /** The answer the turn asks for: a Read tool call, or text for the user. */
  kind: 'tool' | 'text';
  /** Whether the draft model answers it well (otherwise a refusal or an invented tool). */
  goodDraft: boolean;
  /** Time since the previous request (0 for the first). */
  gapMs: number;
}

export interface SessionOptions {
  id: string;
  model: string;
  /** The draft model whose answers `goodDraft: false` spoils. */
  draftModel: string;
  ttl: '5m' | '1h';
  /** Size of the first request's prompt, in simulator tokens. */
  prefixTokens: number;
  turns: TurnPlan[];
  seed: number;
}


const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'xi', 'zu', 'bar', 'dex', 'fin', 'gor', 'hul', 'jep', 'ost', 'pry', 'qua', 'wex'];

/** Text of made-up words: nothing in it repeats, so no quality check mistakes it for a loop. */
function prose(rand: () => number, chars: number): string {
  let text = '';
  while (text.length < chars) {
    const syllables = 2 + Math.floor(rand() * 3);
    for (let i = 0; i < syllables; i++) text += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    text += rand() < 0.1 ? '.\n' : ' ';
  }
  return text.slice(0, chars);
}

export interface PlanOptions {
  turns: number;
  /** Share of turns whose draft is good. */
  goodRate: number;
  /** Share of turns that ask for a tool call. */
  toolRate?: number;
  /** Time between requests: a draw for each turn. */
  gapMs: (rand: () => number, turn: number) => number;
  seed: number;
}

export function planTurns({ turns, goodRate, toolRate = 0.7, gapMs, seed }: PlanOptions): TurnPlan[] {
  const rand = seededRandom(seed);
  return Array.from({ length: turns }, (_, turn) => ({
    kind: rand() < toolRate ? 'tool' : 'text',
    goodDraft: rand() < goodRate,
    gapMs: turn === 0 ? 0 : gapMs(rand, turn),
  }));
}

/** One session's requests, turn by turn: `request()` for the next one, `answered()` with the reply. */
export class Session {
  private readonly rand: () => number;
  private readonly history: Message[] = [];
  private readonly base: SessionBase;
  /** Where the files the session reads live: Claude Code's declared working directory. */
  private readonly directory: string;
  private turn = 0;
  private pendingToolUses: Array<{ id: string; name: string }> = [];

  constructor(
    base: SessionBase,
    readonly options: SessionOptions,
  ) {
    this.rand = seededRandom(options.seed);
    const control = options.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
    const system: ContentBlock[] = base.system.map((block) => (block.cache_control ? { ...block, cache_control: control } : { ...block }));
    // Project instructions (a CLAUDE.md) in the last system block bring the prompt to the size asked for.
    const current = Math.ceil(JSON.stringify([system, base.messages, base.tools]).length / CHARS_PER_TOKEN);
    const padding = Math.max(0, (options.prefixTokens - current) * CHARS_PER_TOKEN);
    const last = system.at(-1);
    if (last && padding > 0) last.text = `${String(last.text)}\n\n# Project instructions (CLAUDE.md)\n${prose(this.rand, padding)}`;
    this.base = { system, tools: base.tools, messages: base.messages.map((m) => ({ ...m, content: withoutBreakpoints(m.content) })) };
    this.directory = /Primary working directory: *([^\n"\\]+)/.exec(JSON.stringify(base))?.[1].trim() ?? '/repo';
  }

  get done(): boolean {
    return this.turn >= this.options.turns.length;
  }

  get plan(): TurnPlan {
    return this.options.turns[this.turn];
  }

  /** The next request's body (the turn is taken once answered()). */
  request(): MessagesRequest {
    const plan = this.plan;
    const blocks: ContentBlock[] = this.pendingToolUses.map((call) => ({
      type: 'tool_result',
      tool_use_id: call.id,
      content: `${call.name} result:\n${prose(this.rand, 2_000 + Math.floor(this.rand() * 6_000))}`,
    }));
    const ask = this.turn === 0 ? `Session ${this.options.id}: help me refactor the request handler. ` : `Next step (${this.turn}): `;
    // Short, as prompts to an agent are (a good answer quotes the prompt: a long one would read as repetition).
    blocks.push({ type: 'text', text: `${ask}${prose(this.rand, 40 + Math.floor(this.rand() * 40))} ${this.marker(plan)}` });
    const user: Message = { role: 'user', content: blocks };
    const messages = [...this.base.messages, ...this.history.map((m) => ({ ...m, content: withoutBreakpoints(m.content) })), user];
    // Claude Code's breakpoint on the last message's last block.
    const lastBlocks = user.content as ContentBlock[];
    const control = this.options.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
    lastBlocks[lastBlocks.length - 1] = { ...lastBlocks[lastBlocks.length - 1], cache_control: control };
    this.history.push({ role: 'user', content: blocks });
    return {
      model: this.options.model,
      max_tokens: 32_000,
      system: this.base.system,
      tools: this.base.tools,
      messages,
      metadata: { user_id: JSON.stringify({ device_id: 'bench', account_uuid: '', session_id: this.options.id }) },
    };
  }

  /** The answer the client got: it joins the history, and its tool calls get results next turn. */
  answered(content: ContentBlock[]): void {
    this.history.push({ role: 'assistant', content });
    this.pendingToolUses = content.flatMap((b) => (b.type === 'tool_use' ? [{ id: String(b.id), name: String(b.name) }] : []));
    this.turn += 1;
  }

  private marker(plan: TurnPlan): string {
    const draft = this.options.draftModel;
    if (plan.kind === 'text') return plan.goodDraft ? '' : `[sim:${draft}=refusal]`;
    const read = `[sim:tool:Read:${JSON.stringify({ file_path: `${this.directory}/src/module${this.turn}.ts` })}]`;
    return plan.goodDraft ? read : `[sim:${draft}=tool_unknown] ${read}`;
  }
}

function withoutBreakpoints(content: Message['content']): Message['content'] {
  if (typeof content === 'string') return content;
  return content.map((block) => {
    if (!block.cache_control) return block;
    const { cache_control: _, ...rest } = block;
    return rest as ContentBlock;
  });
}
