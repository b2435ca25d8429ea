import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore, SecretStore } from '../context';
import type { ResolvedConfig } from '../request/deps';
import type { Logger } from '../log/logger';
import { formatDecisionLine } from '../log/decision-line';
import { promptExcerpt } from '../log/prompt-excerpt';
import { effectivePrices } from '../pricing/accounting';
import { findRule } from '../rules/match';
import { rulesSchema } from '../../contracts/rules';
import { StatsRecorder } from '../stats/recorder';
import { SCHEMA_VERSION, STORE_KEYS, type StoreKey } from '../state/layout';
import { BatchedWriter, type PersistedState } from '../state/persistence';
import { DEFAULT_SETTINGS, settingsPatchSchema, settingsSchema } from '../../contracts/settings';
import { ENV_OVERRIDES, type EnvOverrides } from '../state/settings';
import type { CascadeRule } from '../../contracts/rules';
import type { DecisionRecord } from '../../contracts/decision';
import type { MessagesRequest } from '../wire';
import type { ModelPrice } from '../../contracts/pricing';
import type { Settings, SettingsPatch } from '../../contracts/settings';
import type { ControlApi } from '../../contracts/control-api';
import type { ControlEvent, Unsubscribe } from '../../contracts/events';
import type { DecisionQuery } from '../../contracts/decision';
import type { ProxyStatus } from '../../contracts/status';
import type { PublicSettings } from '../../contracts/settings';
import type { StatsSnapshot } from '../../contracts/stats';
import { ControlError, validationError } from '../http/errors';
import { EventHub, throttle } from '../state/event-hub';
import { baseUrlFor, isLoopbackHost, pointsAt } from '../http/hosts';

export interface ControlServiceOptions {
  loaded: PersistedState;
  store: KeyValueStore;
  /** Batched-write interval for stats and decisions (ms). */
  writeIntervalMs?: number;
  env: EnvOverrides;
  /** ANTHROPIC_API_KEY: wins over a saved key, and makes the key read-only. */
  envApiKey: string | null;
  /** CASCADEFLOW_ADMIN_TOKEN. */
  envAdminToken: string | null;
  /** CASCADEFLOW_ALLOWED_HOSTS, lower case. */
  allowedHosts: string[];
  secrets: SecretStore;
  dataDir: string;
  version: string;
  logger: Logger;
  /** How often a stats event may go out (ms). */
  statsIntervalMs?: number;
}

/** Also parses HTTP query strings (numbers arrive as text). */
export const decisionQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    decision: z.enum(['passthrough', 'accepted', 'escalated', 'draft_error']).optional(),
  })
  .strict();

const apiKeySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty (send null to clear the key)')
  .max(1000)
  .regex(/^\S+$/, 'must not contain spaces')
  .nullable();

const MAX_WARNINGS = 20;

/**
 * The one ControlApi implementation, and the owner of the mutable state behind it:
 * settings, rules, stats, status. The request path reaches it through ProxyContext;
 * the dashboard through HTTP (http.ts) or IPC (the Electron shell).
 */
export class ControlService implements ControlApi {
  private stored: Settings;
  private rules: CascadeRule[];
  private adminToken: string | null;
  private reported: Partial<ProxyStatus> = {};
  private readonly warnings: string[];
  readonly stats: StatsRecorder;
  private readonly writer: BatchedWriter;
  private readonly hub: EventHub;
  private readonly statsEvents: ReturnType<typeof throttle>;

  constructor(private readonly options: ControlServiceOptions) {
    const { loaded } = options;
    this.stored = loaded.settings;
    this.rules = loaded.rules;
    this.adminToken = loaded.adminToken;
    this.warnings = [...loaded.warnings];
    this.stats = new StatsRecorder(loaded.stats, loaded.decisions);
    this.hub = new EventHub((error) => options.logger.warn(`Control event listener failed: ${String(error)}`));
    this.statsEvents = throttle(options.statsIntervalMs ?? 250, () => {
      if (this.hub.size > 0) this.emit({ type: 'stats', stats: this.snapshot() });
    });
    this.writer = new BatchedWriter(
      options.store,
      (key) => this.persistedValue(key),
      (message) => this.warn(message),
      options.writeIntervalMs,
    );
    for (const warning of loaded.warnings) options.logger.warn(`⚠️  ${warning}`);
    const upstreamProblem = this.selfUpstreamProblem(this.effective());
    if (upstreamProblem && options.env.upstreamUrl === undefined) {
      // A stored upstream that loops back would hang every request: fall back, loudly.
      this.warn(`${upstreamProblem}; using ${DEFAULT_SETTINGS.upstreamUrl} instead.`);
      this.stored = { ...this.stored, upstreamUrl: DEFAULT_SETTINGS.upstreamUrl };
      loaded.repaired.push(STORE_KEYS.settings);
    } else if (upstreamProblem) {
      throw new Error(`${upstreamProblem}. Point CASCADEFLOW_UPSTREAM_URL at the real API (never at this proxy).`);
    }
    // A non-loopback listener needs an admin token from the first start on.
    if (!options.envAdminToken && !isLoopbackHost(this.effective().host)) this.ensureAdminToken();
    if (loaded.repaired.length > 0) {
      this.writer.mark(...loaded.repaired);
      this.writer.flush();
    }
  }

  // ------------------------------------------------------------ state for the request path

  /** Persisted settings with the environment's overrides applied. */
  effective(): Settings {
    return { ...this.stored, ...this.options.env };
  }

  get config(): ResolvedConfig {
    const settings = this.effective();
    return {
      host: settings.host,
      port: settings.port,
      upstreamUrl: settings.upstreamUrl,
      dataDir: this.options.dataDir,
      version: this.options.version,
      adminToken: this.options.envAdminToken ?? (isLoopbackHost(settings.host) ? null : this.ensureAdminToken()),
      allowedHosts: this.options.allowedHosts,
    };
  }

  matchRule(model: string): CascadeRule | null {
    return findRule(this.rules, model, this.effective().paused);
  }

  fallbackApiKey(): string | null {
    return this.options.envApiKey ?? this.options.secrets.get();
  }

  record(record: DecisionRecord, request?: MessagesRequest): void {
    this.stats.record(record);
    this.writer.mark(STORE_KEYS.stats, STORE_KEYS.decisions);
    const prompt = request && this.effective().logPrompts ? promptExcerpt(request) : null;
    this.options.logger.info(formatDecisionLine(record, prompt));
    this.emit({ type: 'decision', record });
    this.statsEvents.schedule();
  }

  setStatus(status: Partial<ProxyStatus>): void {
    this.reported = { ...this.reported, ...status };
    if (status.state === 'running' && status.startedAt === undefined && !this.reported.startedAt) {
      this.reported.startedAt = Date.now();
    }
    this.emit({ type: 'status', status: this.currentStatus() });
  }

  /** A problem that should be visible in every UI (status warnings) and the log. */
  warn(message: string): void {
    this.warnings.push(message);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.splice(0, this.warnings.length - MAX_WARNINGS);
    this.options.logger.warn(`⚠️  ${message}`);
    this.emit({ type: 'status', status: this.currentStatus() });
  }

  flush(): void {
    this.writer.flush();
  }

  close(): void {
    this.statsEvents.cancel();
    this.writer.flush();
    this.writer.stop();
    this.hub.clear();
  }

  // ------------------------------------------------------------ ControlApi

  async getStatus(): Promise<ProxyStatus> {
    return this.currentStatus();
  }

  async getStats(): Promise<StatsSnapshot> {
    return this.snapshot();
  }

  async getDecisions(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    const parsed = decisionQuerySchema.safeParse(query);
    if (!parsed.success) throw validationError('decision query', parsed.error);
    return this.stats.getDecisions(parsed.data);
  }

  async getRules(): Promise<CascadeRule[]> {
    return structuredClone(this.rules);
  }

  async saveRules(rules: CascadeRule[]): Promise<CascadeRule[]> {
    const parsed = rulesSchema.safeParse(rules);
    if (!parsed.success) throw validationError('rules', parsed.error);
    this.rules = parsed.data;
    this.persistNow(STORE_KEYS.rules);
    this.emit({ type: 'rules', rules: structuredClone(this.rules) });
    return structuredClone(this.rules);
  }

  async getSettings(): Promise<PublicSettings> {
    return this.publicSettings();
  }

  async updateSettings(patch: SettingsPatch): Promise<PublicSettings> {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw validationError('settings', parsed.error);
    const effective = this.effective();
    for (const [field, envName] of Object.entries(ENV_OVERRIDES) as Array<[keyof typeof ENV_OVERRIDES, string]>) {
      const value = parsed.data[field];
      if (this.options.env[field] !== undefined && value !== undefined && value !== effective[field]) {
        throw new ControlError(409, `${field} is set by the ${envName} environment variable; change or unset it there.`);
      }
    }
    const next = settingsSchema.safeParse({ ...this.stored, ...parsed.data });
    if (!next.success) throw validationError('settings', next.error);
    const problem = this.selfUpstreamProblem({ ...next.data, ...this.options.env });
    if (problem) throw new ControlError(400, `${problem}; it must be the real API (e.g. https://api.anthropic.com).`);
    this.stored = next.data;
    this.persistNow(STORE_KEYS.settings);
    const settings = this.publicSettings();
    this.emit({ type: 'settings', settings });
    this.emit({ type: 'status', status: this.currentStatus() });
    return settings;
  }

  async setApiKey(key: string | null): Promise<PublicSettings> {
    if (this.options.envApiKey) {
      throw new ControlError(409, 'The API key comes from the ANTHROPIC_API_KEY environment variable; unset it to save a key here.');
    }
    const parsed = apiKeySchema.safeParse(key);
    if (!parsed.success) throw validationError('API key', parsed.error);
    this.options.secrets.set(parsed.data);
    const settings = this.publicSettings();
    this.emit({ type: 'settings', settings });
    return settings;
  }

  subscribe(listener: (event: ControlEvent) => void): Unsubscribe {
    return this.hub.subscribe(listener);
  }

  // ------------------------------------------------------------ internals

  private emit(event: ControlEvent): void {
    this.hub.emit(event);
  }

  private snapshot(): StatsSnapshot {
    return this.stats.snapshot(this.prices());
  }

  private prices(): Record<string, ModelPrice> {
    return effectivePrices(this.effective().priceOverrides);
  }

  private currentStatus(): ProxyStatus {
    const settings = this.effective();
    return {
      state: 'starting',
      baseUrl: baseUrlFor(settings.host, settings.port),
      error: null,
      startedAt: null,
      ...this.reported,
      paused: settings.paused,
      upstreamUrl: settings.upstreamUrl,
      version: this.options.version,
      warnings: [...this.warnings],
    };
  }

  private publicSettings(): PublicSettings {
    const envKey = this.options.envApiKey;
    return {
      ...structuredClone(this.effective()),
      apiKeySet: (envKey ?? this.options.secrets.get()) !== null,
      apiKeyStorage: envKey ? 'env' : this.options.secrets.kind,
      lockedByEnv: Object.keys(this.options.env) as Array<keyof Settings>,
    };
  }

  private selfUpstreamProblem(settings: Settings): string | null {
    return pointsAt(settings.upstreamUrl, settings.host, settings.port)
      ? `The upstream URL ${settings.upstreamUrl} points at this proxy itself`
      : null;
  }

  private ensureAdminToken(): string {
    if (!this.adminToken) {
      this.adminToken = randomBytes(24).toString('base64url');
      this.persistNow(STORE_KEYS.adminToken);
    }
    return this.adminToken;
  }

  private persistNow(key: StoreKey): void {
    this.writer.mark(key);
    this.writer.flush();
  }

  private persistedValue(key: StoreKey): unknown {
    const { stats, decisions } = this.stats.persisted();
    switch (key) {
      case STORE_KEYS.schemaVersion:
        return SCHEMA_VERSION;
      case STORE_KEYS.settings:
        return this.stored;
      case STORE_KEYS.rules:
        return this.rules;
      case STORE_KEYS.stats:
        return stats;
      case STORE_KEYS.decisions:
        return decisions;
      case STORE_KEYS.adminToken:
        return this.adminToken;
    }
  }
}
