// Registers one main-process handler per IPC channel. Each call is checked twice
// before it reaches the control API: the sending frame must be the app's own
// renderer, and the payload must match the channel's schema.
import type { ControlApi } from '../../contracts/control-api';
import { bridgeMethods, type BridgeMethod, type DesktopApi } from '../../contracts/desktop';
import { invokeChannels, invokeMethods, type IpcHandlers } from '../../contracts/ipc';

/** The slice of Electron's IpcMainInvokeEvent the handlers read. */
export interface InvokeEvent {
  senderFrame: { url: string } | null;
}

/** The slice of Electron's ipcMain the handlers use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export class IpcRejectedError extends Error {
  override name = 'IpcRejectedError';
}

export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: IpcHandlers,
  isTrustedSender: (url: string) => boolean,
): () => void {
  for (const method of invokeMethods) {
    ipcMain.handle(invokeChannels[method], async (event, ...args) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url)) {
        throw new IpcRejectedError(`${method}: refused a call from an untrusted frame (${url || 'unknown'})`);
      }
      return dispatch(method, handlers, args);
    });
  }
  return () => {
    for (const method of invokeMethods) ipcMain.removeHandler(invokeChannels[method]);
  };
}

function dispatch<M extends BridgeMethod>(method: M, handlers: IpcHandlers, args: unknown[]): Promise<unknown> {
  const parsed = bridgeMethods[method].args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new IpcRejectedError(`${method}: invalid request${where}: ${issue?.message ?? 'malformed'}`);
  }
  const handler = handlers[method] as (...a: unknown[]) => Promise<unknown>;
  return handler(...(parsed.data as unknown[]));
}

/** Every channel's handler: the control API (shared with HTTP) plus the desktop-only actions. */
export function bridgeHandlers(control: ControlApi, desktop: DesktopApi): IpcHandlers {
  return {
    getStatus: () => control.getStatus(),
    getStats: () => control.getStats(),
    resetStats: () => control.resetStats(),
    getSpending: (query?) => control.getSpending(query),
    getConversationSummary: (query?) => control.getConversationSummary(query),
    getStatusLine: (query?) => control.getStatusLine(query),
    getDecisions: (query?) => control.getDecisions(query),
    qualityStats: () => control.qualityStats(),
    getRules: () => control.getRules(),
    getRuleChecks: () => control.getRuleChecks(),
    saveRules: (rules) => control.saveRules(rules),
    getSettings: () => control.getSettings(),
    updateSettings: (patch) => control.updateSettings(patch),
    setApiKey: (key) => control.setApiKey(key),
    listTokens: () => control.listTokens(),
    createToken: (input) => control.createToken(input),
    revokeToken: (name) => control.revokeToken(name),
    getClaudeCodeState: () => desktop.getClaudeCodeState(),
    configureClaudeCode: (options?) => desktop.configureClaudeCode(options),
    removeClaudeCode: () => desktop.removeClaudeCode(),
    copyBaseUrl: () => desktop.copyBaseUrl(),
    setStartAtLogin: (enabled) => desktop.setStartAtLogin(enabled),
    startDemo: () => desktop.startDemo(),
    stopDemo: () => desktop.stopDemo(),
  };
}
