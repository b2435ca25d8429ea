// Read once at startup: a setting given here wins over the stored one and is shown locked in every UI.
import { httpUrlSchema, type Settings } from '../../contracts/settings';

/** Environment variables that override (and lock) persisted settings. */
export const ENV_OVERRIDES = {
  host: 'HOST',
  port: 'PORT',
  upstreamUrl: 'CASCADEFLOW_UPSTREAM_URL',
} as const satisfies Partial<Record<keyof Settings, string>>;

export type EnvOverrides = Partial<Pick<Settings, keyof typeof ENV_OVERRIDES>>;

/**
 * Reads the overrides; a malformed value is a startup error (a silent fallback would
 * listen or forward somewhere the user did not ask for). PORT=0 picks a free port.
 */
export function readEnvOverrides(env: NodeJS.ProcessEnv): EnvOverrides {
  const out: EnvOverrides = {};
  if (env.HOST?.trim()) out.host = env.HOST.trim();
  if (env.PORT?.trim()) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
    }
    out.port = port;
  }
  if (env.CASCADEFLOW_UPSTREAM_URL?.trim()) {
    const parsed = httpUrlSchema.safeParse(env.CASCADEFLOW_UPSTREAM_URL);
    if (!parsed.success) {
      throw new Error(`CASCADEFLOW_UPSTREAM_URL must be an http:// or https:// URL, got "${env.CASCADEFLOW_UPSTREAM_URL}"`);
    }
    out.upstreamUrl = parsed.data;
  }
  return out;
}
