// Model patterns shared by cascade rules and the price table: an exact id, or `*`
// wildcards such as `claude-sonnet-4*` (anchored at both ends, case-sensitive like model ids).

const cache = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
}

export function matchesPattern(pattern: string, model: string): boolean {
  return pattern.includes('*') ? toRegExp(pattern).test(model) : pattern === model;
}

/**
 * Of several patterns that match one model, the most specific wins: an exact id first,
 * then the one with the most literal characters (`claude-opus-4-5*` beats `claude-opus-4*`).
 */
export function mostSpecificMatch(patterns: Iterable<string>, model: string): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const pattern of patterns) {
    if (!matchesPattern(pattern, model)) continue;
    const score = pattern.includes('*') ? pattern.replaceAll('*', '').length : Number.MAX_SAFE_INTEGER;
    if (score > bestScore) {
      best = pattern;
      bestScore = score;
    }
  }
  return best;
}
