// Assembles the proxy's state side: one owner per piece of state (proxy/state/), the decision
// store (proxy/store/), the event hub, upstream reachability and metrics (proxy/ops/), and the
// control API adapter over them; in a team (CASCADEFLOW_DATABASE_URL, CASCADEFLOW_REDIS_URL) their
// shared forms from proxy/team/. The only module that knows them all; data flows one way from
// here down:
//   request path → decision sink → store, ops, log line, event hub → transports (IPC, SSE)
import os from 'node:os';
import type { RequestPathDeps } from './request/deps';
import type { ProxyContext } from './context';
import { ConversationMemory } from './conversations/memory';
import { localConversationState } from './conversations/shared-state';
import { connectRedis } from './team/redis/client';
import { createRedisConversationState, loadTimeoutFromEnv } from './team/redis/conversations';
import { openRedisTeamState } from './team/redis/team-state';
import { applyTeamConfigChange, openTeamConfig } from './team/postgres/config-follow';
import { openTeamDatabase } from './team/postgres/pool';
import { EconomicsState } from './economics/state';
import { processSignatures } from './models/signatures';
import { ShadowVerifier } from './shadow/verifier';
import { retryPolicyFromEnv } from './upstream/retry';
import { createControlApi } from './control/control-api';
import { consoleLogger, type Logger } from './log/logger';
import { createOps } from './ops/ops';
import { createAccounting, effectivePrices, lookupPrice } from './pricing/accounting';
import { ModelCatalog } from './models/catalog';
import { createDecisionSink } from './state/decision-sink';
import { readEnvOverrides } from './state/env-overrides';
import { EventHub } from './state/event-hub';
import { SCHEMA_VERSION, type StoreKey } from './state/layout';
import { defaultDataDir } from './state/paths';
import { ConfigWriter, loadState } from './state/persistence';
import { RuleChecksState } from './state/rule-checks';
import { RulesState } from './state/rules';
import { checkSelfUpstream, SettingsState } from './state/settings';
import { createStatsReset, forgetBesideStore } from './state/stats-reset';
import { StatusState } from './state/status';
import { createMemorySecretStore, openConfStore, type KeyValueStore, type SecretStore } from './state/stores';
import type { DecisionStore } from './store/decision-store';
import { openFileDecisionStore } from './store/file-store';
import { migrateLegacyStats } from './store/migrate-legacy';
import { createMemoryDecisionStore } from './store/memory-store';
import { openPostgresDecisionStore } from './team/postgres/decision-store';
import { ClientTokensState } from './tokens/state';
import { packageVersion } from './version';
import type { StatsSnapshot } from '../contracts/stats';

export interface ProxyContextOptions {
  env?: NodeJS.ProcessEnv;
  /** Settings, rules, admin token. Default: conf in the data dir (config.json, the file the desktop app's electron-store uses). */
  store?: KeyValueStore;
  /** Problems met while opening `store` (e.g. openWithRecovery's), shown in status like the loader's own. */
  storeWarnings?: string[];
  /**
   * Stats and the decision log. Default: files in the data dir, or in memory when `store`
   * is an in-memory one (tests, benchmarks).
   */
  decisions?: DecisionStore;
  /** Default: in memory (a key set from the dashboard lasts until the proxy stops). */
  secrets?: SecretStore;
  /** Default: CASCADEFLOW_DATA_DIR, else Electron's userData folder for "CascadeFlow Tray". */
  dataDir?: string;
  /** Default: the console. */
  logger?: Logger;
  /** How often the decision store writes what was appended (ms); default: the store's. */
  writeIntervalMs?: number;
}

function nonEmpty(value: string | undefined): string | null {
  return value?.trim() ? value.trim() : null;
}

/**
 * Files in the data dir (taking over the stats and decisions older versions kept in
 * config.json), or memory beside an in-memory `store`.
 */
async function openDecisionStore(
  store: KeyValueStore,
  dataDir: string,
  flushIntervalMs: number | undefined,
  onError: (message: string) => void,
): Promise<DecisionStore> {
  if (store.path === ':memory:') return createMemoryDecisionStore();
  const files = await openFileDecisionStore({ dataDir, flushIntervalMs, onError });
  await migrateLegacyStats(store, files);
  return files;
}

/**
 * Builds the state side of the proxy: persisted settings (overridden by HOST, PORT,
 * CASCADEFLOW_UPSTREAM_URL), rules, prices, stats and decisions, status, events, the
 * control API. Throws on a malformed environment variable or an upstream that points at
 * the proxy itself.
 */
export async function createProxyContext(options: ProxyContextOptions = {}): Promise<ProxyContext> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? consoleLogger;
  const overrides = readEnvOverrides(env);
  const dataDir = options.dataDir ?? nonEmpty(env.CASCADEFLOW_DATA_DIR) ?? defaultDataDir(env);
  // Teams: one pool per replica for the team's parts in PostgreSQL; settings, rules, the admin token and client tokens shared there.
  const databaseUrl = nonEmpty(env.CASCADEFLOW_DATABASE_URL);
  const teamDb = databaseUrl ? await openTeamDatabase(databaseUrl, (error) => logger.warn(`Team database: ${error.message}`)) : null;
  const teamConfig = teamDb && databaseUrl && !options.store ? await openTeamConfig(teamDb, databaseUrl, dataDir, logger) : null;
  const opened = options.store ? { store: options.store, warnings: options.storeWarnings ?? [] } : (teamConfig ?? openConfStore(dataDir));
  const loaded = loadState(opened.store);
  const upstream = checkSelfUpstream(loaded.settings, overrides);
  if (upstream.warning) loaded.repaired.push('settings');

  // Owners call each other only after construction (on a change or a failed write), so the
  // order below is free of cycles at startup.
  const config = new ConfigWriter(opened.store, (message) => status.warn(message));
  const version = packageVersion();

  const settings = new SettingsState({
    stored: upstream.stored,
    adminToken: loaded.adminToken,
    env: overrides,
    envApiKey: nonEmpty(env.ANTHROPIC_API_KEY),
    envAdminToken: nonEmpty(env.CASCADEFLOW_ADMIN_TOKEN),
    allowedHosts: (env.CASCADEFLOW_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    secrets: options.secrets ?? createMemorySecretStore(),
    dataDir,
    version,
    persist: (key, value) => config.write(key, value),
    onChange: (publicSettings, kind) => {
      hub.emit({ type: 'settings', settings: publicSettings });
      // New prices may know a rule's model.
      if (kind === 'settings') ruleChecks.modelsChanged();
      // Status shows paused, the upstream and the address.
      if (kind === 'settings') status.changed();
    },
  });
  const rules = new RulesState(loaded.rules, {
    persist: (list) => config.write('rules', list),
    onChange: (list) => {
      hub.emit({ type: 'rules', rules: list });
      catalog.markStale();
      ruleChecks.rulesChanged(list);
    },
  });
  const catalog = new ModelCatalog({
    upstreamUrl: () => settings.config.upstreamUrl,
    fallbackApiKey: () => settings.fallbackApiKey(),
    priceOverrides: () => settings.effective().priceOverrides,
    onChange: () => ruleChecks.modelsChanged(),
    warn: (message) => logger.warn(message),
  });
  const ruleChecks = new RuleChecksState({ rules: rules.list(), models: catalog, onChange: () => status.changed() });
  // A copy like the aggregates: the price table's entries are shared otherwise.
  const stats = async (): Promise<StatsSnapshot> => ({
    ...(await decisions.aggregate()),
    prices: structuredClone(effectivePrices(settings.effective().priceOverrides)),
  });
  const ops = createOps({
    version,
    upstreamUrl: () => settings.config.upstreamUrl,
    priced: (model) => lookupPrice(model, settings.effective().priceOverrides) !== null,
    onUpstreamChange: () => status.changed(),
  });
  const hub = new EventHub({
    statsSnapshot: stats,
    onError: (error) => logger.warn(`Control event listener failed: ${String(error)}`),
  });
  const status = new StatusState({
    version,
    settings,
    warnings: [...opened.warnings, ...loaded.warnings, ...(upstream.warning ? [upstream.warning] : [])],
    logger,
    ruleWarnings: () => ruleChecks.warnings(),
    upstream: () => ops.upstream.current(),
    onChange: (current) => hub.emit({ type: 'status', status: current }),
  });
  // Each record names its replica in a team (CASCADEFLOW_REPLICA_ID, else the host's name).
  const replica = nonEmpty(env.CASCADEFLOW_REPLICA_ID) ?? (teamDb || nonEmpty(env.CASCADEFLOW_REDIS_URL) ? os.hostname() : undefined);
  const teamDecisions =
    teamDb && !options.decisions
      ? openPostgresDecisionStore({
          db: teamDb,
          replica: replica ?? os.hostname(),
          dataDir,
          flushIntervalMs: options.writeIntervalMs,
          // A database outage is transient (/health shows it while it lasts): the log, not a warning to dismiss.
          onError: (message) => logger.warn(message),
          onDegraded: (reason) => status.outage('postgres', reason),
          onTeamChange: ({ reset }) => {
            // Another replica's reset: what this replica keeps beside the store goes too.
            if (reset) {
              forgetBesideStore({ conversations, ruleChecks, tokens }, false);
              status.changed();
            }
            hub.statsChanged();
          },
        })
      : null;
  if (teamDecisions) ops.metrics.watchStore(() => teamDecisions.state());
  const decisions =
    options.decisions ?? teamDecisions ?? (await openDecisionStore(opened.store, dataDir, options.writeIntervalMs, (message) => status.warn(message)));
  for (const warning of decisions.warnings) status.warn(warning);
  await ruleChecks.load(decisions);
  // Teams: one Redis connection per replica (CASCADEFLOW_REDIS_URL): rate limits every replica
  // enforces together, every replica's live events, conversation state (below).
  const redisUrl = nonEmpty(env.CASCADEFLOW_REDIS_URL);
  const redis = redisUrl ? await connectRedis(redisUrl, { name: 'cascadeflow' }) : null;
  if (redis) await redis.ready();
  const redisTeam = redis
    ? openRedisTeamState(env, { connection: redis, hub, replica: replica ?? os.hostname(), outage: (message) => status.outage('redis', message), logger })
    : null;
  const tokens = new ClientTokensState({
    store: opened.store,
    warn: (message) => status.warn(message),
    limiter: redisTeam?.limiter,
    keyLimits: () => settings.effective().keyLimits,
  });
  await tokens.load(decisions);
  teamConfig?.store.follow((key) => applyTeamConfigChange(opened.store, key, { settings, rules, tokens, warn: (message) => status.warn(message) }));

  const repairedValue: Record<StoreKey, unknown> = {
    schemaVersion: SCHEMA_VERSION,
    settings: settings.persisted(),
    rules: rules.list(),
    adminToken: loaded.adminToken,
  };
  for (const key of loaded.repaired) config.write(key, repairedValue[key]);
  // A non-loopback listener needs its admin token from the first start on.
  settings.adminToken();

  const accounting = createAccounting(() => settings.effective().priceOverrides);
  const sink = createDecisionSink({ store: decisions, hub, ruleChecks, ops, logger, logPrompts: () => settings.effective().logPrompts });
  const conversations = new ConversationMemory();
  // Teams: every replica serves any turn of a conversation, its state shared in Redis.
  const conversationState = redis
    ? createRedisConversationState(redis, {
        ttlMs: conversations.idleMs,
        loadTimeoutMs: loadTimeoutFromEnv(env),
        report: (problem) => status.outage('conversation-state', problem),
      })
    : localConversationState;
  const resetStats = createStatsReset({ decisions, conversations, ruleChecks, tokens, stats, hub, status, logger });
  const shadow = new ShadowVerifier({
    upstreamUrl: () => settings.config.upstreamUrl,
    accounting,
    paused: () => settings.effective().paused,
    onResult: sink.amend,
    warn: (message) => logger.warn(message),
    signatures: processSignatures,
    retry: retryPolicyFromEnv(env),
  });

  // Today's use per client token: its daily cap and /stats' by_token.
  const publish: RequestPathDeps['publish'] = (record, body) => {
    sink.publish(record, body);
    tokens.note(record);
  };

  return {
    get config() {
      return settings.config;
    },
    matchRule: (model) => rules.match(model, settings.effective().paused),
    accounting,
    ...sink,
    publish,
    record: (record, body) => {
      sink.keep(record);
      publish(record, body);
    },
    tokens,
    replica,
    fallbackApiKey: () => settings.fallbackApiKey(),
    offerCredentials: (headers) => catalog.offer(headers),
    conversations,
    economics: new EconomicsState(accounting),
    conversationState,
    shadow,
    ops,
    control: createControlApi({
      settings,
      rules,
      status,
      decisions,
      stats,
      resetStats,
      qualityStats: async () => decisions.quality().qualityStats(rules.list()),
      // A due list is fetched first (bounded): one call answers with the upstream's models.
      ruleChecks: async () => {
        await catalog.wanted();
        return ruleChecks.current();
      },
      tokens,
      events: hub,
    }),
    setStatus: (reported) => status.report(reported),
    flush: async () => {
      config.flush();
      await decisions.flush();
    },
    close: async () => {
      ops.upstream.stop();
      catalog.close();
      await shadow.close();
      hub.close();
      config.flush();
      await decisions.close();
      await redisTeam?.close();
      await redis?.close();
      await teamConfig?.store.close();
      await teamDb?.close();
    },
  };
}
