// What a team shares through team_config (config-store.ts), and how a key another replica
// changed reaches its owner here: validated as at start (loadState), then taken by the owner,
// which announces it as it does its own changes (the rules and settings control events). The
// fallback Anthropic key is not among them: it stays per replica (ANTHROPIC_API_KEY).
import type { Logger } from '../../log/logger';
import { STORE_KEYS } from '../../state/layout';
import { loadState } from '../../state/persistence';
import type { RulesState } from '../../state/rules';
import type { SettingsState } from '../../state/settings';
import { openConfStore, type KeyValueStore } from '../../state/stores';
import { TOKENS_STORE_KEY } from '../../tokens/registry';
import type { ClientTokensState } from '../../tokens/state';
import { openTeamConfigStore, type TeamConfigStore } from './config-store';
import type { TeamDatabase } from './pool';

export const TEAM_CONFIG_KEYS: readonly string[] = [...Object.values(STORE_KEYS), TOKENS_STORE_KEY];

export interface ConfigOwners {
  settings: SettingsState;
  rules: RulesState;
  tokens: ClientTokensState;
  warn(message: string): void;
}

/** Hands the new value of `key` (already in `store`) to its owner. */
export function applyTeamConfigChange(store: KeyValueStore, key: string, owners: ConfigOwners): void {
  if (key === TOKENS_STORE_KEY) return owners.tokens.reload();
  if (key !== STORE_KEYS.rules && key !== STORE_KEYS.settings && key !== STORE_KEYS.adminToken) return;
  // A value that fails its schema is repaired as at start; the replica that saved it checked it already.
  const loaded = loadState(store);
  if (key === STORE_KEYS.rules) owners.rules.replace(loaded.rules);
  if (key === STORE_KEYS.adminToken) owners.settings.replaceAdminToken(loaded.adminToken);
  if (key === STORE_KEYS.settings) {
    const problem = owners.settings.replace(loaded.settings);
    if (problem) owners.warn(`The team's settings were not applied here: ${problem}.`);
  }
}

/** The team configuration on `db`, with this replica's config.json (in `dataDir`) as its local copy. */
export async function openTeamConfig(
  db: TeamDatabase,
  url: string,
  dataDir: string,
  logger: Logger,
): Promise<{ store: TeamConfigStore; warnings: string[] }> {
  const local = openConfStore(dataDir);
  const team = await openTeamConfigStore({
    db,
    url,
    keys: TEAM_CONFIG_KEYS,
    initialisedKey: STORE_KEYS.schemaVersion,
    local: local.store,
    log: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
  });
  return { store: team.store, warnings: [...local.warnings, ...team.warnings] };
}
