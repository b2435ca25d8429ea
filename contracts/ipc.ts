// The IPC channel map shared by main, preload and renderer. Every bridge method has a
// channel; the `satisfies` clause makes the compile fail when one lacks a channel.
import type { z } from 'zod';
// Type-only imports: the sandboxed preload bundles this file, and must not bundle zod.
import type { bridgeMethods, BridgeMethod } from './desktop';
import type { ControlEvent } from './events';

export const invokeChannels = {
  getStatus: 'cascadeflow:get-status',
  getStats: 'cascadeflow:get-stats',
  resetStats: 'cascadeflow:reset-stats',
  getSpending: 'cascadeflow:get-spending',
  getConversationSummary: 'cascadeflow:get-conversation-summary',
  getStatusLine: 'cascadeflow:get-status-line',
  getDecisions: 'cascadeflow:get-decisions',
  qualityStats: 'cascadeflow:quality-stats',
  getRules: 'cascadeflow:get-rules',
  getRuleChecks: 'cascadeflow:get-rule-checks',
  saveRules: 'cascadeflow:save-rules',
  getSettings: 'cascadeflow:get-settings',
  updateSettings: 'cascadeflow:update-settings',
  setApiKey: 'cascadeflow:set-api-key',
  listTokens: 'cascadeflow:list-tokens',
  createToken: 'cascadeflow:create-token',
  revokeToken: 'cascadeflow:revoke-token',
  getClaudeCodeState: 'cascadeflow:get-claude-code-state',
  configureClaudeCode: 'cascadeflow:configure-claude-code',
  removeClaudeCode: 'cascadeflow:remove-claude-code',
  copyBaseUrl: 'cascadeflow:copy-base-url',
  setStartAtLogin: 'cascadeflow:set-start-at-login',
  startDemo: 'cascadeflow:start-demo',
  stopDemo: 'cascadeflow:stop-demo',
} as const satisfies { [M in BridgeMethod]: `cascadeflow:${string}` };

export const invokeMethods = Object.keys(invokeChannels) as BridgeMethod[];

export type RequestOf<M extends BridgeMethod> = z.output<(typeof bridgeMethods)[M]['args']>;
export type ResponseOf<M extends BridgeMethod> = z.output<(typeof bridgeMethods)[M]['result']>;

/** Main-side handler table: a missing or mistyped handler is a compile error. */
export type IpcHandlers = { [M in BridgeMethod]: (...args: RequestOf<M> & unknown[]) => Promise<ResponseOf<M>> };

/** Main → renderer push: each live event as the event hub emits it (the hub is the one throttle). */
export const eventsChannel = 'cascadeflow:events';
export type EventsPayload = ControlEvent;
