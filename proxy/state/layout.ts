// The persisted store layout, shared by the headless proxy (conf) and the desktop app
// (electron-store): one JSON file, `config.json` in the data dir, with these top-level keys.
// They change rarely and are written when they change. Stats and the decision log, which
// change with every request, live in files of their own (proxy/store/); version 1 files
// that still hold them under `stats` and `decisions` are migrated there on load.
// Bump SCHEMA_VERSION when a key's shape changes incompatibly; loading a file of another
// version backs it up and keeps whatever still validates (see persistence.ts). The desktop
// app keeps a few keys of its own beside these (encrypted API key, Claude Code setup);
// the loader leaves keys it does not know alone.
import { z } from 'zod';
import { rulesSchema } from '../../contracts/rules';
import { settingsSchema } from '../../contracts/settings';

export const SCHEMA_VERSION = 1;

export const STORE_KEYS = {
  /** number: SCHEMA_VERSION of the data below. */
  schemaVersion: 'schemaVersion',
  /** Settings (contracts/settings.ts). */
  settings: 'settings',
  /** CascadeRule[], in priority order. */
  rules: 'rules',
  /** Admin API token generated for non-loopback listening (not a secret worth a keyring: it only guards the local admin API). */
  adminToken: 'adminToken',
} as const;

export type StoreKey = (typeof STORE_KEYS)[keyof typeof STORE_KEYS];

export const persistedSchemas = {
  settings: settingsSchema,
  rules: rulesSchema,
  adminToken: z.string().min(16),
} as const;
