// The control API (contracts/control-api.ts) over the state owners, and nothing else: each
// method checks its arguments against the contract, since IPC and HTTP hand over whatever
// arrived, and calls the owner of what it reads or changes. Exposed over HTTP (http.ts)
// and IPC (the Electron shell).
import { z } from 'zod';
import { controlMethods, type ControlApi, type ControlMethod } from '../../contracts/control-api';
import { DEFAULT_DECISION_LIMIT } from '../../contracts/decision';
import type { QualityStats } from '../../contracts/quality';
import type { RuleChecks } from '../../contracts/rule-checks';
import { formatStatusLine } from '../../contracts/status-line';
import { sessionConversationId, type StatsSnapshot } from '../../contracts/stats';
import { ControlError, validationError } from '../http/errors';
import type { EventHub } from '../state/event-hub';
import type { RulesState } from '../state/rules';
import type { SettingsState } from '../state/settings';
import { SettingsError, type SettingsErrorReason } from '../state/settings-error';
import type { StatusState } from '../state/status';
import type { DecisionStore } from '../store/decision-store';
import { TokenError } from '../tokens/registry';
import type { ClientTokensState } from '../tokens/state';

export interface ControlOwners {
  settings: SettingsState;
  rules: RulesState;
  status: StatusState;
  decisions: Pick<DecisionStore, 'query' | 'spending'>;
  /** Aggregates with the effective prices. */
  stats(): Promise<StatsSnapshot>;
  /** Quality per current rule and action class (proxy/stats/quality.ts). */
  qualityStats(): Promise<QualityStats>;
  /** Forgets every request (proxy/state/stats-reset.ts); the aggregates afterwards. */
  resetStats(): Promise<StatsSnapshot>;
  /** The rules' model and threshold checks (proxy/state/rule-checks.ts). */
  ruleChecks(): Promise<RuleChecks>;
  /** Client tokens (proxy/tokens/state.ts). */
  tokens: Pick<ClientTokensState, 'list' | 'create' | 'revoke'>;
  events: Pick<EventHub, 'subscribe'>;
}

/** What an argument is called in error messages ("Invalid rules: 0.id: …"). */
const ARGUMENT_NAMES: Partial<Record<ControlMethod, string>> = {
  getDecisions: 'decision query',
  getSpending: 'spending query',
  getConversationSummary: 'conversation summary query',
  getStatusLine: 'status line query',
  saveRules: 'rules',
  updateSettings: 'settings',
  setApiKey: 'API key',
  createToken: 'token',
  revokeToken: 'token name',
};

/** The arguments as the contract outputs them; a 400 naming the argument when they do not fit. */
function argsOf<M extends ControlMethod>(method: M, args: unknown[]): z.output<(typeof controlMethods)[M]['args']> {
  const parsed = controlMethods[method].args.safeParse(args);
  if (parsed.success) return parsed.data as z.output<(typeof controlMethods)[M]['args']>;
  // Paths start at the argument, not at its position in the argument list.
  const issues = parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.slice(1) }));
  throw validationError(ARGUMENT_NAMES[method] ?? `arguments of ${method}`, new z.ZodError(issues));
}

/** A change the environment decides conflicts with it; anything else is the caller's mistake. */
const SETTINGS_ERROR_STATUS: Record<SettingsErrorReason, number> = {
  locked_by_env: 409,
  invalid: 400,
  self_upstream: 400,
};

/** The settings owner's refusal as the control API reports it. */
function settingsChange<T>(change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof SettingsError) throw new ControlError(SETTINGS_ERROR_STATUS[error.reason], error.message);
    throw error;
  }
}

/** A name taken (409) or unknown (404), as the control API reports it. */
async function tokenChange<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof TokenError) throw new ControlError(error.reason === 'exists' ? 409 : 404, error.message);
    throw error;
  }
}

export function createControlApi(owners: ControlOwners): ControlApi {
  const { settings, rules, status, decisions, events } = owners;
  return {
    getStatus: async (...args) => {
      argsOf('getStatus', args);
      return status.current();
    },
    getStats: async (...args) => {
      argsOf('getStats', args);
      return owners.stats();
    },
    resetStats: async (...args) => {
      argsOf('resetStats', args);
      return owners.resetStats();
    },
    getSpending: async (...args) => {
      const [query] = argsOf('getSpending', args);
      return decisions.spending().topSpending(query);
    },
    getConversationSummary: async (...args) => {
      const [query = {}] = argsOf('getConversationSummary', args);
      return decisions.spending().conversationSummary(query.id);
    },
    getStatusLine: async (...args) => {
      const [query = {}] = argsOf('getStatusLine', args);
      const summary = decisions.spending().conversationSummary(query.session === undefined ? undefined : sessionConversationId(query.session));
      return { text: formatStatusLine(summary) };
    },
    getDecisions: async (...args) => {
      const [query = {}] = argsOf('getDecisions', args);
      return decisions.query({ ...query, limit: query.limit ?? DEFAULT_DECISION_LIMIT });
    },
    qualityStats: async (...args) => {
      argsOf('qualityStats', args);
      return owners.qualityStats();
    },
    getRules: async (...args) => {
      argsOf('getRules', args);
      return rules.list();
    },
    getRuleChecks: async (...args) => {
      argsOf('getRuleChecks', args);
      return owners.ruleChecks();
    },
    saveRules: async (...args) => {
      const [list] = argsOf('saveRules', args);
      return rules.save(list);
    },
    getSettings: async (...args) => {
      argsOf('getSettings', args);
      return settings.public();
    },
    updateSettings: async (...args) => {
      const [patch] = argsOf('updateSettings', args);
      return settingsChange(() => settings.update(patch));
    },
    setApiKey: async (...args) => {
      const [key] = argsOf('setApiKey', args);
      return settingsChange(() => settings.setApiKey(key));
    },
    listTokens: async (...args) => {
      argsOf('listTokens', args);
      return owners.tokens.list();
    },
    createToken: async (...args) => {
      const [input] = argsOf('createToken', args);
      return tokenChange(() => owners.tokens.create(input));
    },
    revokeToken: async (...args) => {
      const [name] = argsOf('revokeToken', args);
      return tokenChange(() => owners.tokens.revoke(name));
    },
    subscribe: (listener) => events.subscribe(listener),
  };
}
