// The owner of the settings: the persisted ones, the environment's overrides on top, the
// fallback API key and the admin token. Everything that reads a setting (the request path's
// config, status, prices, prompt logging) reads it here, so an edit counts from the next read.
import { randomBytes } from 'node:crypto';
import type { SecretStore } from './stores';
import { describeIssues } from '../http/errors';
import { isLoopbackHost, pointsAt } from '../http/hosts';
import type { ResolvedConfig } from '../request/deps';
import { DEFAULT_SETTINGS, settingsSchema, type PublicSettings, type Settings, type SettingsPatch } from '../../contracts/settings';
import { ENV_OVERRIDES, type EnvOverrides } from './env-overrides';
import type { StoreKey } from './layout';
import { SettingsError } from './settings-error';

export interface SettingsOptions {
  /** As loaded from the store. */
  stored: Settings;
  adminToken: string | null;
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
  /** Writes a changed key to the store. */
  persist(key: Extract<StoreKey, 'settings' | 'adminToken'>, value: unknown): void;
  /** After a change that every UI shows (settings or the key). */
  onChange(settings: PublicSettings, kind: 'settings' | 'apiKey'): void;
}

function selfUpstreamProblem(settings: Settings): string | null {
  return pointsAt(settings.upstreamUrl, settings.host, settings.port)
    ? `The upstream URL ${settings.upstreamUrl} points at this proxy itself`
    : null;
}

/**
 * A stored upstream that loops back would hang every request: it falls back to the default,
 * with a warning. One set by the environment is the user's explicit choice: a startup error.
 */
export function checkSelfUpstream(stored: Settings, env: EnvOverrides): { stored: Settings; warning: string | null } {
  const problem = selfUpstreamProblem({ ...stored, ...env });
  if (!problem) return { stored, warning: null };
  if (env.upstreamUrl !== undefined) {
    throw new Error(`${problem}. Point CASCADEFLOW_UPSTREAM_URL at the real API (never at this proxy).`);
  }
  return {
    stored: { ...stored, upstreamUrl: DEFAULT_SETTINGS.upstreamUrl },
    warning: `${problem}; using ${DEFAULT_SETTINGS.upstreamUrl} instead.`,
  };
}

export class SettingsState {
  private stored: Settings;
  private token: string | null;
  /**
   * effective() and config as last made, until the stored settings or the admin token change:
   * every request reads them several times. Frozen, so no reader can change what the next reads.
   */
  private madeEffective: Settings | null = null;
  private madeConfig: ResolvedConfig | null = null;

  constructor(private readonly options: SettingsOptions) {
    this.stored = options.stored;
    this.token = options.adminToken;
  }

  /** Persisted settings with the environment's overrides applied. */
  effective(): Settings {
    return (this.madeEffective ??= Object.freeze({ ...this.stored, ...this.options.env }));
  }

  /** What the store holds (without the environment's overrides). */
  persisted(): Settings {
    return this.stored;
  }

  get config(): ResolvedConfig {
    return (this.madeConfig ??= Object.freeze(this.resolve()));
  }

  private resolve(): ResolvedConfig {
    const settings = this.effective();
    return {
      host: settings.host,
      port: settings.port,
      upstreamUrl: settings.upstreamUrl,
      dataDir: this.options.dataDir,
      version: this.options.version,
      adminToken: this.adminToken(),
      allowedHosts: this.options.allowedHosts,
      draftPolicy: settings.draftPolicy,
      grounding: settings.grounding,
      escalateAfterFailure: settings.escalateAfterFailure,
    };
  }

  /** Required beyond loopback: generated (and saved) the first time the proxy listens there. */
  adminToken(): string | null {
    if (this.options.envAdminToken) return this.options.envAdminToken;
    if (isLoopbackHost(this.effective().host)) return null;
    if (!this.token) {
      this.setToken(randomBytes(24).toString('base64url'));
      this.options.persist('adminToken', this.token);
    }
    return this.token;
  }

  fallbackApiKey(): string | null {
    return this.options.envApiKey ?? this.options.secrets.get();
  }

  public(): PublicSettings {
    const envKey = this.options.envApiKey;
    return {
      ...structuredClone(this.effective()),
      apiKeySet: (envKey ?? this.options.secrets.get()) !== null,
      apiKeyStorage: envKey ? 'env' : this.options.secrets.kind,
      lockedByEnv: Object.keys(this.options.env) as Array<keyof Settings>,
    };
  }

  /**
   * `patch` is already valid on its own; refused (SettingsError) when it changes an env-locked
   * field or loops back.
   */
  update(patch: SettingsPatch): PublicSettings {
    const { env } = this.options;
    const effective = this.effective();
    for (const [field, envName] of Object.entries(ENV_OVERRIDES) as Array<[keyof typeof ENV_OVERRIDES, string]>) {
      const value = patch[field];
      if (env[field] !== undefined && value !== undefined && value !== effective[field]) {
        throw new SettingsError('locked_by_env', `${field} is set by the ${envName} environment variable; change or unset it there.`);
      }
    }
    // Re-checked whole: a patch field sent as undefined must not erase a stored value.
    const parsed = settingsSchema.safeParse({ ...this.stored, ...patch });
    if (!parsed.success) throw new SettingsError('invalid', `Invalid settings: ${describeIssues(parsed.error)}`);
    const next = parsed.data;
    const problem = selfUpstreamProblem({ ...next, ...env });
    if (problem) throw new SettingsError('self_upstream', `${problem}; it must be the real API (e.g. https://api.anthropic.com).`);
    this.setStored(next);
    this.options.persist('settings', next);
    const settings = this.public();
    this.options.onChange(settings, 'settings');
    return settings;
  }

  /**
   * Settings another replica saved (teams): taken as they are (already valid), announced, not
   * saved again. Refused when they would loop back to this proxy: the problem is returned.
   */
  replace(stored: Settings): string | null {
    const problem = selfUpstreamProblem({ ...stored, ...this.options.env });
    if (problem) return problem;
    this.setStored(stored);
    this.options.onChange(this.public(), 'settings');
    return null;
  }

  /** The admin token another replica saved (teams); the environment's still wins. */
  replaceAdminToken(token: string | null): void {
    this.setToken(token);
  }

  private setStored(stored: Settings): void {
    this.stored = stored;
    this.madeEffective = null;
    this.madeConfig = null;
  }

  private setToken(token: string | null): void {
    this.token = token;
    this.madeConfig = null;
  }

  /** `key` is already valid (trimmed); null clears the saved key. */
  setApiKey(key: string | null): PublicSettings {
    if (this.options.envApiKey) {
      throw new SettingsError('locked_by_env', 'The API key comes from the ANTHROPIC_API_KEY environment variable; unset it to save a key here.');
    }
    this.options.secrets.set(key);
    const settings = this.public();
    this.options.onChange(settings, 'apiKey');
    return settings;
  }
}
