import fs from 'node:fs';
import type { KeyValueStore, ProxyContext, SecretStore } from '../context';
import { ControlService } from '../control/service';
import { consoleLogger, type Logger } from '../log/logger';
import { createAccounting } from '../pricing/accounting';
import { defaultDataDir } from './paths';
import { loadState } from './persistence';
import { readEnvOverrides } from './settings';
import { createMemorySecretStore, openConfStore } from './stores';

export interface ProxyContextOptions {
  env?: NodeJS.ProcessEnv;
  /** Default: conf in the data dir (config.json, the file the desktop app's electron-store uses). */
  store?: KeyValueStore;
  /** Problems met while opening `store` (e.g. openWithRecovery's), shown in status like the loader's own. */
  storeWarnings?: string[];
  /** Default: in memory (a key set from the dashboard lasts until the proxy stops). */
  secrets?: SecretStore;
  /** Default: CASCADEFLOW_DATA_DIR, else Electron's userData folder for "CascadeFlow Tray". */
  dataDir?: string;
  /** Default: the console. */
  logger?: Logger;
  /** Batched-write interval for stats and decisions (ms); default 1000. */
  writeIntervalMs?: number;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function nonEmpty(value: string | undefined): string | null {
  return value?.trim() ? value.trim() : null;
}

/**
 * Builds the state side of the proxy: persisted settings (overridden by HOST, PORT,
 * CASCADEFLOW_UPSTREAM_URL), rules, prices, stats, the control API. Throws on a malformed
 * environment variable or an upstream that points at the proxy itself.
 */
export async function createProxyContext(options: ProxyContextOptions = {}): Promise<ProxyContext> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? consoleLogger;
  const overrides = readEnvOverrides(env);
  const dataDir = options.dataDir ?? nonEmpty(env.CASCADEFLOW_DATA_DIR) ?? defaultDataDir(env);
  const opened = options.store ? { store: options.store, warnings: options.storeWarnings ?? [] } : openConfStore(dataDir);
  const loaded = loadState(opened.store);
  loaded.warnings.unshift(...opened.warnings);

  const service = new ControlService({
    loaded,
    store: opened.store,
    writeIntervalMs: options.writeIntervalMs,
    env: overrides,
    envApiKey: nonEmpty(env.ANTHROPIC_API_KEY),
    envAdminToken: nonEmpty(env.CASCADEFLOW_ADMIN_TOKEN),
    allowedHosts: (env.CASCADEFLOW_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    secrets: options.secrets ?? createMemorySecretStore(),
    dataDir,
    version: packageVersion(),
    logger,
  });
  const accounting = createAccounting(() => service.effective().priceOverrides);

  return {
    get config() {
      return service.config;
    },
    matchRule: (model) => service.matchRule(model),
    accounting,
    record: (record, request) => service.record(record, request),
    fallbackApiKey: () => service.fallbackApiKey(),
    control: service,
    setStatus: (status) => service.setStatus(status),
    flush: async () => service.flush(),
    close: async () => service.close(),
  };
}
