// GET /v1/models and GET /v1/models/{id} in the API's shapes. The list is newest first and
// paged as the API pages it: `limit` (default 20, 1 to 1000), `after_id`, `before_id`. An
// alias (a dated id without its date, e.g. claude-haiku-4-5) retrieves its dated model.
// Requests for models not listed here are still answered when the capability table knows them.

/** The models the simulator lists. */
export const SIMULATED_MODELS = [
  'claude-fable-5-1',
  'claude-opus-5-5',
  'claude-sonnet-5-5',
  'claude-haiku-5-5',
  'claude-opus-5',
  'claude-sonnet-5',
  'claude-opus-4-8',
  'claude-opus-4-7',
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-opus-4-5-20251101',
  'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5-20251001',
  'claude-3-5-haiku-20241022',
  'claude-3-5-sonnet-20241022',
  'claude-3-opus-20240229',
];

export interface ModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
}

export interface ModelPage {
  data: ModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

const DATE = /-(\d{4})(\d{2})(\d{2})$/;
/** For ids without a date (the simulator does not know their release day). */
const UNDATED = '2025-01-01T00:00:00Z';

/** claude-opus-4-5-20251101 → "Claude Opus 4.5"; claude-3-5-haiku-20241022 → "Claude Haiku 3.5". */
function displayName(id: string): string {
  const parts = id.replace(DATE, '').split('-').slice(1);
  const name = parts.filter((p) => !/^\d+$/.test(p)).map((p) => p[0].toUpperCase() + p.slice(1));
  return ['Claude', ...name, parts.filter((p) => /^\d+$/.test(p)).join('.')].join(' ');
}

function modelInfo(id: string): ModelInfo {
  const date = DATE.exec(id);
  return { type: 'model', id, display_name: displayName(id), created_at: date ? `${date[1]}-${date[2]}-${date[3]}T00:00:00Z` : UNDATED };
}

/** A listed model by id or alias, or null (the API's 404). */
export function retrieveModel(id: string): ModelInfo | null {
  const found = SIMULATED_MODELS.find((m) => m === id) ?? SIMULATED_MODELS.find((m) => m.replace(DATE, '') === id && DATE.test(m));
  return found ? modelInfo(found) : null;
}

/** A page of the list, or the problem with the query (a 400). Cursors the list does not hold give an empty page. */
export function listModels(query: URLSearchParams): ModelPage | { problem: string } {
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { problem: `limit: Input should be an integer from 1 to 1000, got "${rawLimit}"` };
  const after = query.get('after_id');
  const before = query.get('before_id');
  const from = after === null ? 0 : SIMULATED_MODELS.indexOf(after) + 1;
  const to = before === null ? SIMULATED_MODELS.length : SIMULATED_MODELS.indexOf(before);
  const known = (after === null || from > 0) && to >= 0;
  const range = known ? SIMULATED_MODELS.slice(from, Math.max(from, to)) : [];
  // Paging backwards (before_id alone) keeps the ids nearest the cursor.
  const backwards = before !== null && after === null;
  const ids = backwards ? range.slice(-limit) : range.slice(0, limit);
  return {
    data: ids.map(modelInfo),
    has_more: range.length > ids.length,
    first_id: ids[0] ?? null,
    last_id: ids.at(-1) ?? null,
  };
}
