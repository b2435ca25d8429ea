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
export const RESTRICTED_BETAS = [
  'context-1m-2025-08-07',
  'effort-2025-11-24',
  'interleaved-thinking-2025-05-14',
  'context-management-2025-06-27',
  'token-efficient-tools-2025-02-19',
  'output-128k-2025-02-19',
] as const;

const CLAUDE_4_BETAS = ['interleaved-thinking-2025-05-14', 'context-management-2025-06-27'];

interface FamilyEntry extends ModelCapabilities {
  /** Model id prefixes (dated ids and aliases both start with one of these). */
  prefixes: readonly string[];
}

/** Most specific prefixes first: lookup takes the first entry whose prefix matches. */
const FAMILIES: readonly FamilyEntry[] = [
  {
    family: 'opus-4.7',
    prefixes: ['claude-opus-4-7'],
    extendedThinking: false,
    adaptiveThinking: true,
    effort: true,
    contextManagement: true,
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    betas: [...CLAUDE_4_BETAS, 'effort-2025-11-24'],
  },
  {
    family: 'opus-4.6',
    prefixes: ['claude-opus-4-6'],
    extendedThinking: true,
    adaptiveThinking: true,
    effort: true,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 128_000,
    betas: [...CLAUDE_4_BETAS, 'effort-2025-11-24', 'context-1m-2025-08-07'],
  },
  {
    family: 'sonnet-4.6',
    prefixes: ['claude-sonnet-4-6'],
    extendedThinking: true,
    adaptiveThinking: true,
    effort: true,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    betas: [...CLAUDE_4_BETAS, 'effort-2025-11-24', 'context-1m-2025-08-07'],
  },
  {
    family: 'opus-4.5',
    prefixes: ['claude-opus-4-5'],
    extendedThinking: true,
    adaptiveThinking: false,
    effort: true,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    betas: [...CLAUDE_4_BETAS, 'effort-2025-11-24'],
  },
  {
    family: 'sonnet-4.5',
    prefixes: ['claude-sonnet-4-5'],
    extendedThinking: true,
    adaptiveThinking: false,
    effort: false,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    betas: [...CLAUDE_4_BETAS, 'context-1m-2025-08-07'],
  },
  {
    family: 'haiku-4.5',
    prefixes: ['claude-haiku-4-5'],
    extendedThinking: true,
    adaptiveThinking: false,
    effort: false,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    betas: [...CLAUDE_4_BETAS],
  },
  {
    family: 'opus-4.1',
    prefixes: ['claude-opus-4-1'],
    extendedThinking: true,
    adaptiveThinking: false,
    effort: false,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    betas: [...CLAUDE_4_BETAS],
  },
  {
    family: 'opus-4',
    prefixes: ['claude-opus-4'],
    extendedThinking: true,
    adaptiveThinking: false,
    effort: false,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    betas: [...CLAUDE_4_BETAS],
  },
  {
    family: 'sonnet-4',
    prefixes: ['claude-sonnet-4'],
    extendedThinking: true,
    adaptiveThinking: false,
    effort: false,
    contextManagement: true,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    betas: [...CLAUDE_4_BETAS, 'context-1m-2025-08-07'],
  },
  {
    family: 'sonnet-3.7',
    prefixes: ['claude-3-7-sonnet'],
    extendedThinking: true,
    adaptiveThinking: false,
    effort: false,
    contextManagement: false,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    betas: ['token-efficient-tools-2025-02-19', 'output-128k-2025-02-19'],
  },
  {
    family: 'haiku-3.5',
    prefixes: ['claude-3-5-haiku'],
    extendedThinking: false,
    adaptiveThinking: false,
    effort: false,
    contextManagement: false,
    contextWindow: 200_000,
    maxOutputTokens: 8_192,
    betas: [],
  },
  {
    family: 'sonnet-3.5',
    prefixes: ['claude-3-5-sonnet'],
    extendedThinking: false,
    adaptiveThinking: false,
    effort: false,
    contextManagement: false,
    contextWindow: 200_000,
    maxOutputTokens: 8_192,
    betas: [],
  },
  {
    family: 'claude-3',
    prefixes: ['claude-3-opus', 'claude-3-sonnet', 'claude-3-haiku'],
    extendedThinking: false,
    adaptiveThinking: false,
    effort: false,
    contextManagement: false,
    contextWindow: 200_000,
    maxOutputTokens: 4_096,
    betas: [],
  },
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

/** Every model family the table knows, with one representative id prefix each. */
export function knownFamilies(): Array<{ family: string; prefix: string }> {
  return FAMILIES.flatMap((f) => f.prefixes.map((prefix) => ({ family: f.family, prefix })));
}

/** Whether `beta` may be sent to a model with these capabilities. */
export function acceptsBeta(caps: ModelCapabilities, beta: string): boolean {
  return !(RESTRICTED_BETAS as readonly string[]).includes(beta) || caps.betas.includes(beta);
}
