// The one table of what each Claude model family accepts. Request adaptation
// (adapt-request.ts) and the test upstream (simulator/) both read it, so a model's
// quirks are written down exactly once.

export interface ModelCapabilities {
  /** Family name, for logs and tests. */
  family: string;
  /** `thinking: {type: "enabled", budget_tokens}` (extended thinking). */
  extendedThinking: boolean;
  /** `thinking: {type: "adaptive"}`. */
  adaptiveThinking: boolean;
  /** Accepted `output_config.effort` levels, lowest first; empty when effort is unsupported. */
  effortLevels: readonly EffortLevel[];
  /** `temperature`, `top_p`, `top_k` (Opus 4.7 and later answer a non-default value with a 400). */
  samplingParams: boolean;
  /** `thinking: {type: "disabled"}` (Opus 5.5, Fable 5.1 and Sonnet 5.5 always think). */
  thinkingOff: boolean;
  /** `tool_choice` `any` / `tool` (forced tool use; the 5.5 generation answers it with a 400). */
  forcedToolChoice: boolean;
  /** A last `assistant` message the answer continues (Haiku 5.5 answers it with a 400). */
  prefill: boolean;
  /**
   * `role: "system"` messages inside `messages` (mid-conversation system messages, Opus 4.8
   * onwards); older models answer "role 'system' is not supported on this model".
   */
  systemMessages: boolean;
  /** `context_management` (server-side context editing). */
  contextManagement: boolean;
  /** Context window in tokens (without the 1M beta). */
  contextWindow: number;
  /** Largest `max_tokens` the model accepts. */
  maxOutputTokens: number;
  /** Model-specific `anthropic-beta` values this family accepts (see RESTRICTED_BETAS). */
  betas: readonly string[];
}

/** Every effort level the API knows, lowest first. */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type EffortLevel = (typeof EFFORT_LEVELS)[number];

/** Opus 4.5: the first effort levels. */
const EFFORT_45: readonly EffortLevel[] = ['low', 'medium', 'high'];
/** Opus 4.6 and Sonnet 4.6 add `max`. */
const EFFORT_46: readonly EffortLevel[] = [...EFFORT_45, 'max'];
/** Opus 4.7 and every 5.x model add `xhigh`. */
const EFFORT_ALL: readonly EffortLevel[] = EFFORT_LEVELS;

/**
 * Betas for what mid-conversation system messages carry (effort per turn, tool changes),
 * which Claude Code sends only to models that take such messages.
 */
const MID_CONVERSATION_BETAS = [
  'per-turn-control-2026-07-01',
  'mid-conversation-output-config-2026-07-01',
  'mid-conversation-tool-changes-2026-07-01',
  'inline-tools-2026-09-15',
] as const;

/**
 * Betas that only some models accept; sending one to another model is a 400.
 * Betas not listed here (claude-code-20250219, oauth-2025-04-20, fine-grained tool
 * streaming, prompt caching, …) are model-independent and always forwarded.
 */
const RESTRICTED_BETAS = [
  'advanced-tool-use-2025-11-20',
  'context-1m-2025-08-07',
  'effort-2025-11-24',
  'interleaved-thinking-2025-05-14',
  'context-management-2025-06-27',
  'token-efficient-tools-2025-02-19',
  'output-128k-2025-02-19',
  ...MID_CONVERSATION_BETAS,
] as const;

/** Tool search: tools with `defer_loading`, found through `tool_reference` blocks. */
export const TOOL_SEARCH_BETA = 'advanced-tool-use-2025-11-20';

const CLAUDE_4_BETAS = ['interleaved-thinking-2025-05-14', 'context-management-2025-06-27'];
/** Haiku 4.5, Sonnet 4.5 and Opus 4.5 onwards. */
const CLAUDE_45_BETAS = [...CLAUDE_4_BETAS, TOOL_SEARCH_BETA];
/** Models with a native 1M window (Opus 4.7 on) take effort and tool search but not the 1M-context beta. */
const NATIVE_1M_BETAS = [...CLAUDE_45_BETAS, 'effort-2025-11-24'];
/** Opus 4.8 onwards also take mid-conversation system messages and what they carry. */
const MID_CONVERSATION_MODEL_BETAS = [...NATIVE_1M_BETAS, ...MID_CONVERSATION_BETAS];
/** Sonnet 5 takes mid-conversation system messages but not tool changes in them. */
const SONNET_5_BETAS = MID_CONVERSATION_MODEL_BETAS.filter((b) => !b.includes('tool'));

interface FamilyEntry extends ModelCapabilities {
  /** Model id prefixes (dated ids and aliases both start with one of these). */
  prefixes: readonly string[];
}

type Traits = Omit<ModelCapabilities, 'family' | 'betas'>;

/** Claude 4.x: extended thinking and context management; newer families add to it. */
const CLAUDE_4: Traits = {
  extendedThinking: true,
  adaptiveThinking: false,
  effortLevels: [],
  samplingParams: true,
  thinkingOff: true,
  forcedToolChoice: true,
  prefill: true,
  systemMessages: false,
  contextManagement: true,
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
};
/** Claude 3.x before 3.7: none of the newer request features. */
const CLAUDE_3: Traits = { ...CLAUDE_4, extendedThinking: false, contextManagement: false, maxOutputTokens: 8_192 };

/**
 * Opus 4.8 and every 5.x family (platform.claude.com model overviews, what's-new pages and
 * migration guides): adaptive thinking only (a `budget_tokens` is a 400), every effort level,
 * no sampling parameters, mid-conversation system messages, a native 1M window, 128K output.
 * Opus 4.7 is the same without system messages.
 */
const ADAPTIVE_ONLY: Traits = {
  ...CLAUDE_4,
  extendedThinking: false,
  adaptiveThinking: true,
  effortLevels: EFFORT_ALL,
  samplingParams: false,
  systemMessages: true,
  contextWindow: 1_000_000,
  maxOutputTokens: 128_000,
};

/**
 * Opus 5.5, Sonnet 5.5, Fable 5.1 and Mythos 5.1: thinking cannot be turned off (Sonnet 5.5's
 * docs replace that with `between_tools`) and forced tool use is refused.
 */
const ALWAYS_THINKING: Traits = { ...ADAPTIVE_ONLY, thinkingOff: false, forcedToolChoice: false };

function family(name: string, prefixes: string[], traits: Traits, betas: string[]): FamilyEntry {
  return { family: name, prefixes, ...traits, betas };
}

/** Most specific prefixes first: lookup takes the first entry whose prefix matches. */
const FAMILIES: readonly FamilyEntry[] = [
  // Fable and Mythos: 5.1, then 5 (which also stands for later 5.x ids until the table learns them).
  family('fable-5.1', ['claude-fable-5-1'], ALWAYS_THINKING, MID_CONVERSATION_MODEL_BETAS),
  family('fable-5', ['claude-fable-5'], ADAPTIVE_ONLY, MID_CONVERSATION_MODEL_BETAS),
  family('mythos-5.1', ['claude-mythos-5-1'], ALWAYS_THINKING, MID_CONVERSATION_MODEL_BETAS),
  family('mythos-5', ['claude-mythos-5'], ADAPTIVE_ONLY, MID_CONVERSATION_MODEL_BETAS),
  family('opus-5.5', ['claude-opus-5-5'], ALWAYS_THINKING, MID_CONVERSATION_MODEL_BETAS),
  family('opus-5', ['claude-opus-5'], ADAPTIVE_ONLY, MID_CONVERSATION_MODEL_BETAS),
  family('sonnet-5.5', ['claude-sonnet-5-5'], ALWAYS_THINKING, MID_CONVERSATION_MODEL_BETAS),
  family('sonnet-5', ['claude-sonnet-5'], ADAPTIVE_ONLY, SONNET_5_BETAS),
  // The first Haiku with adaptive thinking and effort; it refuses a budget, sampling parameters and prefill.
  family('haiku-5.5', ['claude-haiku-5-5'], { ...ADAPTIVE_ONLY, prefill: false }, MID_CONVERSATION_MODEL_BETAS),
  family('opus-4.8', ['claude-opus-4-8'], ADAPTIVE_ONLY, MID_CONVERSATION_MODEL_BETAS),
  family('opus-4.7', ['claude-opus-4-7'], { ...ADAPTIVE_ONLY, systemMessages: false }, NATIVE_1M_BETAS),
  family('opus-4.6', ['claude-opus-4-6'], { ...CLAUDE_4, adaptiveThinking: true, effortLevels: EFFORT_46, maxOutputTokens: 128_000 }, [...CLAUDE_45_BETAS, 'effort-2025-11-24', 'context-1m-2025-08-07']),
  family('sonnet-4.6', ['claude-sonnet-4-6'], { ...CLAUDE_4, adaptiveThinking: true, effortLevels: EFFORT_46 }, [...CLAUDE_45_BETAS, 'effort-2025-11-24', 'context-1m-2025-08-07']),
  family('opus-4.5', ['claude-opus-4-5'], { ...CLAUDE_4, effortLevels: EFFORT_45 }, [...CLAUDE_45_BETAS, 'effort-2025-11-24']),
  family('sonnet-4.5', ['claude-sonnet-4-5'], CLAUDE_4, [...CLAUDE_45_BETAS, 'context-1m-2025-08-07']),
  family('haiku-4.5', ['claude-haiku-4-5'], CLAUDE_4, CLAUDE_45_BETAS),
  family('opus-4.1', ['claude-opus-4-1'], { ...CLAUDE_4, maxOutputTokens: 32_000 }, CLAUDE_4_BETAS),
  family('opus-4', ['claude-opus-4'], { ...CLAUDE_4, maxOutputTokens: 32_000 }, CLAUDE_4_BETAS),
  family('sonnet-4', ['claude-sonnet-4'], CLAUDE_4, [...CLAUDE_4_BETAS, 'context-1m-2025-08-07']),
  family('sonnet-3.7', ['claude-3-7-sonnet'], { ...CLAUDE_3, extendedThinking: true, maxOutputTokens: 64_000 }, ['token-efficient-tools-2025-02-19', 'output-128k-2025-02-19']),
  family('haiku-3.5', ['claude-3-5-haiku'], CLAUDE_3, []),
  family('sonnet-3.5', ['claude-3-5-sonnet'], CLAUDE_3, []),
  family('claude-3', ['claude-3-opus', 'claude-3-sonnet', 'claude-3-haiku'], { ...CLAUDE_3, maxOutputTokens: 4_096 }, []),
];

/**
 * Capabilities of a model id, or null for a model this table does not know (a newer
 * model, a fine-tune): callers then leave the request untouched and let the upstream decide.
 */
export function capabilitiesOf(model: string): ModelCapabilities | null {
  const id = model.toLowerCase();
  const entry = FAMILIES.find((f) => f.prefixes.some((p) => id.startsWith(p)));
  if (!entry) return null;
  const { prefixes: _prefixes, ...caps } = entry;
  return caps;
}

/**
 * The effort level to send a model for a requested one: the level itself when accepted,
 * else the highest accepted level below it (xhigh → high on Sonnet 4.6), else null (drop it).
 */
export function effortFor(caps: ModelCapabilities, requested: string): EffortLevel | null {
  if ((caps.effortLevels as readonly string[]).includes(requested)) return requested as EffortLevel;
  const rank = (EFFORT_LEVELS as readonly string[]).indexOf(requested);
  if (rank < 0) return null;
  const below = caps.effortLevels.filter((level) => EFFORT_LEVELS.indexOf(level) < rank);
  return below.at(-1) ?? null;
}

/** Whether `beta` may be sent to a model with these capabilities. */
export function acceptsBeta(caps: ModelCapabilities, beta: string): boolean {
  return !(RESTRICTED_BETAS as readonly string[]).includes(beta) || caps.betas.includes(beta);
}
