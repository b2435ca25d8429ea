// The dashboard's one data interface, with two implementations: the Electron preload
// bridge (IPC) when it exists, HTTP + SSE otherwise.
import type { ControlApi } from '../../../contracts/control-api';
import type { DesktopApi } from '../../../contracts/desktop';
import type { Unsubscribe } from '../../../contracts/events';
import { createHttpClient } from './http';
import { takeAdminToken } from './token';

export interface Transport {
  kind: 'ipc' | 'http';
  api: ControlApi;
  /** Desktop-only actions (Claude Code setup, start at login); null on the web. */
  desktop: DesktopApi | null;
  /** Connection state of the live updates; IPC is always connected. */
  onConnection(listener: (connected: boolean) => void): Unsubscribe;
}

export function connectTransport(win: Window = window): Transport {
  const bridge = win.cascadeflow;
  if (bridge) {
    return { kind: 'ipc', api: bridge, desktop: bridge, onConnection: () => () => undefined };
  }
  const client = createHttpClient({ token: takeAdminToken(win.location, win.sessionStorage, win.history) });
  return { kind: 'http', api: client, desktop: null, onConnection: client.onConnection };
}
