// The one control API of the product. Implemented once in proxy/ (control/service.ts),
// exposed twice: over IPC by the Electron shell (preload bridge `window.cascadeflow`)
// and over HTTP (/api/*, /api/events) by the proxy for the web dashboard.
import type {
  CascadeRule,
  Decision,
  DecisionRecord,
  History,
  ModelPrice,
  Settings,
  SettingsPatch,
  Totals,
} from '../types';

export interface ProxyStatus {
  state: 'starting' | 'running' | 'error' | 'stopped';
  /** e.g. http://127.0.0.1:8000 */
  baseUrl: string;
  paused: boolean;
  upstreamUrl: string;
  /** Human-readable problem, e.g. "Port 8000 is already in use". */
  error: string | null;
  version: string;
  startedAt: number | null;
  /** Problems worth showing but not fatal, e.g. a corrupt store that was backed up and reset. */
  warnings?: string[];
}

export interface StatsSnapshot {
  allTime: Totals;
  /** Since local midnight. */
  today: Totals;
  history: History;
  /** Per-rule acceptance and savings over the recorded decisions. */
  byRule: Record<string, Totals>;
  /** Effective price table (built-ins merged with overrides); model/pattern -> price. */
  prices: Record<string, ModelPrice>;
}

/** Settings as any UI may see them: the API key itself never leaves the main side. */
export interface PublicSettings extends Settings {
  apiKeySet: boolean;
  /** Where a saved API key lives; `basic_text` and `memory` are shown as warnings. */
  apiKeyStorage: 'os-keyring' | 'basic_text' | 'memory' | 'env';
  /** Values forced by environment variables (shown read-only). */
  lockedByEnv: Array<keyof Settings>;
}

export interface DecisionQuery {
  limit?: number;
  decision?: Decision;
}

export type ControlEvent =
  | { type: 'decision'; record: DecisionRecord }
  | { type: 'stats'; stats: StatsSnapshot }
  | { type: 'status'; status: ProxyStatus }
  | { type: 'rules'; rules: CascadeRule[] }
  | { type: 'settings'; settings: PublicSettings };

export type Unsubscribe = () => void;

export interface ControlApi {
  getStatus(): Promise<ProxyStatus>;
  getStats(): Promise<StatsSnapshot>;
  getDecisions(query?: DecisionQuery): Promise<DecisionRecord[]>;
  getRules(): Promise<CascadeRule[]>;
  /** Replaces the whole list (add, edit, delete, reorder); validated; effective on the next request. */
  saveRules(rules: CascadeRule[]): Promise<CascadeRule[]>;
  getSettings(): Promise<PublicSettings>;
  updateSettings(patch: SettingsPatch): Promise<PublicSettings>;
  /** Write-only: null clears the saved key. */
  setApiKey(key: string | null): Promise<PublicSettings>;
  /** Live events, throttled by the transport to a few per second. */
  subscribe(listener: (event: ControlEvent) => void): Unsubscribe;
}

export interface ClaudeCodeState {
  settingsPath: string;
  /** ANTHROPIC_BASE_URL in ~/.claude/settings.json points at this proxy. */
  configured: boolean;
  /** The value currently there, if any (it may point elsewhere). */
  baseUrl: string | null;
  /** The file exists but is not valid JSON: the app refuses to touch it. */
  error: string | null;
}

/** Actions only the desktop app can take; the web dashboard shows snippets instead. */
export interface DesktopApi {
  getClaudeCodeState(): Promise<ClaudeCodeState>;
  configureClaudeCode(): Promise<ClaudeCodeState>;
  removeClaudeCode(): Promise<ClaudeCodeState>;
  copyBaseUrl(): Promise<string>;
  setStartAtLogin(enabled: boolean): Promise<PublicSettings>;
}

/** What the preload exposes as `window.cascadeflow`: one method per action. */
export type CascadeflowBridge = ControlApi & DesktopApi;
