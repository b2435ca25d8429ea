// The one IPC contract shared by main, preload and renderer. Every action of
// CascadeflowBridge has a channel here; the `satisfies` clauses make the compile fail
// when a bridge method lacks a channel (or a channel names no bridge method).
// Kept free of runtime imports: the sandboxed preload bundles this file.
import type { CascadeflowBridge, ControlEvent } from '../../proxy/control/api';

/** Every bridge method answered by a main-process handler (all but `subscribe`). */
export type InvokeMethod = Exclude<keyof CascadeflowBridge, 'subscribe'>;

export type RequestOf<M extends InvokeMethod> = Parameters<CascadeflowBridge[M]>;
export type ResponseOf<M extends InvokeMethod> = Awaited<ReturnType<CascadeflowBridge[M]>>;

/** Main-side handler table: a missing or mistyped handler is a compile error. */
export type IpcHandlers = { [M in InvokeMethod]: (...args: RequestOf<M>) => Promise<ResponseOf<M>> };

export const invokeChannels = {
  getStatus: 'cascadeflow:get-status',
  getStats: 'cascadeflow:get-stats',
  getDecisions: 'cascadeflow:get-decisions',
  getRules: 'cascadeflow:get-rules',
  saveRules: 'cascadeflow:save-rules',
  getSettings: 'cascadeflow:get-settings',
  updateSettings: 'cascadeflow:update-settings',
  setApiKey: 'cascadeflow:set-api-key',
  getClaudeCodeState: 'cascadeflow:get-claude-code-state',
  configureClaudeCode: 'cascadeflow:configure-claude-code',
  removeClaudeCode: 'cascadeflow:remove-claude-code',
  copyBaseUrl: 'cascadeflow:copy-base-url',
  setStartAtLogin: 'cascadeflow:set-start-at-login',
} as const satisfies { [M in InvokeMethod]: `cascadeflow:${string}` };

export const invokeMethods = Object.keys(invokeChannels) as InvokeMethod[];

/** Main → renderer push: a batch of live events, sent at most a few times per second. */
export const eventsChannel = 'cascadeflow:events';
export type EventsPayload = ControlEvent[];
