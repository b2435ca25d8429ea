// The sandboxed preload: exposes `window.cascadeflow` (CascadeflowBridge), one method
// per action over the typed IPC contract. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import type { BridgeMethod, CascadeflowBridge } from '../contracts/desktop';
import type { ControlEvent } from '../contracts/events';
import { eventsChannel, invokeChannels, type EventsPayload, type RequestOf, type ResponseOf } from '../contracts/ipc';

/** Electron wraps handler errors as "Error invoking remote method '…': Error: msg"; the UI wants msg. */
function cleanError(error: unknown): Error {
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return new Error(message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, ''));
}

function invoker<M extends BridgeMethod>(method: M) {
  return async (...args: RequestOf<M>): Promise<ResponseOf<M>> => {
    try {
      return (await ipcRenderer.invoke(invokeChannels[method], ...args)) as ResponseOf<M>;
    } catch (error) {
      throw cleanError(error);
    }
  };
}

const listeners = new Set<(event: ControlEvent) => void>();

ipcRenderer.on(eventsChannel, (_event, event: EventsPayload) => {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      console.error('cascadeflow: live event listener failed', error);
    }
  }
});

const bridge: CascadeflowBridge = {
  getStatus: invoker('getStatus'),
  getStats: invoker('getStats'),
  resetStats: invoker('resetStats'),
  getSpending: invoker('getSpending'),
  getConversationSummary: invoker('getConversationSummary'),
  getStatusLine: invoker('getStatusLine'),
  getDecisions: invoker('getDecisions'),
  qualityStats: invoker('qualityStats'),
  getRules: invoker('getRules'),
  getRuleChecks: invoker('getRuleChecks'),
  saveRules: invoker('saveRules'),
  getSettings: invoker('getSettings'),
  updateSettings: invoker('updateSettings'),
  listTokens: invoker('listTokens'),
  createToken: invoker('createToken'),
  revokeToken: invoker('revokeToken'),
  setApiKey: invoker('setApiKey'),
  getClaudeCodeState: invoker('getClaudeCodeState'),
  configureClaudeCode: invoker('configureClaudeCode'),
  removeClaudeCode: invoker('removeClaudeCode'),
  copyBaseUrl: invoker('copyBaseUrl'),
  setStartAtLogin: invoker('setStartAtLogin'),
  startDemo: invoker('startDemo'),
  stopDemo: invoker('stopDemo'),
  subscribe(listener) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};

contextBridge.exposeInMainWorld('cascadeflow', bridge);
