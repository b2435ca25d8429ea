// Model patterns shared by cascade rules and the price table: an exact id, or `*`
// wildcards such as `claude-sonnet-4*` (anchored at both ends, case-sensitive like model ids).

/**
 * `*` matches any run of characters. The literal parts are found left to right, each at its
 * first place after the previous one: with `*` as the only wildcard that is exact, and linear
 * (a regex of `.*` runs backtracks badly on patterns such as `*a*a*a*a*`).
 */
export function matchesPattern(pattern: string, model: string): boolean {
  if (!pattern.includes('*')) return pattern === model;
  const parts = pattern.split('*');
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (model.length < first.length + last.length || !model.startsWith(first) || !model.endsWith(last)) return false;
  const end = model.length - last.length;
  let at = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = model.indexOf(parts[i], at);
    if (found === -1 || found + parts[i].length > end) return false;
    at = found + parts[i].length;
  }
  return true;
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
