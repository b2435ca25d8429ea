// The one table of what each Claude model family accepts. Draft-request adaptation
// (draft-request.ts) and the test upstream (simulator/) both read it, so a model's
// quirks are written down exactly once.

export interface ModelCapabilities {
  /** Family name, for logs and tests. */
  family: string;
  /** `thinking: {type: "enabled", budget_tokens}` (extended thinking). */
  extendedThinking: boolean;
  /** `thinking: {type: "adaptive"}`. */
  adaptiveThinking: boolean;
  /** `output_config.effort`. */
  effort: boolean;
  /** `context_management` (server-side context editing). */
  contextManagement: boolean;
  /** Context window in tokens (without the 1M beta). */
  contextWindow: number;
  /** Largest `max_tokens` the model accepts. */
  maxOutputTokens: number;
  /** Model-specific `anthropic-beta` values this family accepts (see RESTRICTED_BETAS). */
  betas: readonly string[];
}

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
] as const;

/** Tool search: tools with `defer_loading`, found through `tool_reference` blocks. */
export const TOOL_SEARCH_BETA = 'advanced-tool-use-2025-11-20';

const CLAUDE_4_BETAS = ['interleaved-thinking-2025-05-14', 'context-management-2025-06-27'];
/** Haiku 4.5, Sonnet 4.5 and Opus 4.5 onwards. */
const CLAUDE_45_BETAS = [...CLAUDE_4_BETAS, TOOL_SEARCH_BETA];

interface FamilyEntry extends ModelCapabilities {
  /** Model id prefixes (dated ids and aliases both start with one of these). */
  prefixes: readonly string[];
}

type Traits = Omit<ModelCapabilities, 'family' | 'betas'>;

/** Claude 4.x: extended thinking and context management; newer families add to it. */
const CLAUDE_4: Traits = {
  extendedThinking: true,
  adaptiveThinking: false,
  effort: false,
  contextManagement: true,
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
};
/** Claude 3.x before 3.7: none of the newer request features. */
const CLAUDE_3: Traits = {
  extendedThinking: false,
  adaptiveThinking: false,
  effort: false,
  contextManagement: false,
  contextWindow: 200_000,
  maxOutputTokens: 8_192,
};

function family(name: string, prefixes: string[], traits: Traits, betas: string[]): FamilyEntry {
  return { family: name, prefixes, ...traits, betas };
}

/** Most specific prefixes first: lookup takes the first entry whose prefix matches. */
const FAMILIES: readonly FamilyEntry[] = [
  // Opus 4.7 only takes adaptive thinking; a budget is a 400.
  family('opus-4.7', ['claude-opus-4-7'], { ...CLAUDE_4, extendedThinking: false, adaptiveThinking: true, effort: true, contextWindow: 1_000_000, maxOutputTokens: 128_000 }, [...CLAUDE_45_BETAS, 'effort-2025-11-24']),
  family('opus-4.6', ['claude-opus-4-6'], { ...CLAUDE_4, adaptiveThinking: true, effort: true, maxOutputTokens: 128_000 }, [...CLAUDE_45_BETAS, 'effort-2025-11-24', 'context-1m-2025-08-07']),
  family('sonnet-4.6', ['claude-sonnet-4-6'], { ...CLAUDE_4, adaptiveThinking: true, effort: true }, [...CLAUDE_45_BETAS, 'effort-2025-11-24', 'context-1m-2025-08-07']),
  family('opus-4.5', ['claude-opus-4-5'], { ...CLAUDE_4, effort: true }, [...CLAUDE_45_BETAS, 'effort-2025-11-24']),
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

/** Whether `beta` may be sent to a model with these capabilities. */
export function acceptsBeta(caps: ModelCapabilities, beta: string): boolean {
  return !(RESTRICTED_BETAS as readonly string[]).includes(beta) || caps.betas.includes(beta);
}
