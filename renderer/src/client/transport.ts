// The dashboard's one data interface, with two implementations: the Electron preload
// bridge (IPC) when it exists, HTTP + SSE otherwise.
import type { ControlApi } from '../../../contracts/control-api';
import type { DesktopApi } from '../../../contracts/desktop';
import type { Unsubscribe } from '../../../contracts/events';
import { createHttpClient } from './http';
import { keepAdminToken, takeAdminToken } from './token';

/** The admin token a proxy beyond loopback (or with CASCADEFLOW_ADMIN_TOKEN set) asks for. */
export interface AdminTokenSlot {
  /** The token requests carry now (from the link, the session or the form); null if none. */
  current(): string | null;
  /** Kept for the tab's session only, and carried by every request from now on. */
  set(token: string): void;
}

export interface Transport {
  kind: 'ipc' | 'http';
  api: ControlApi;
  /** Desktop-only actions (Claude Code setup, start at login); null on the web. */
  desktop: DesktopApi | null;
  /** Connection state of the live updates; IPC is always connected. */
  onConnection(listener: (connected: boolean) => void): Unsubscribe;
  /** Over HTTP only: IPC needs no token. */
  adminToken?: AdminTokenSlot;
}

export function connectTransport(win: Window = window): Transport {
  const bridge = win.cascadeflow;
  if (bridge) {
    return { kind: 'ipc', api: bridge, desktop: bridge, onConnection: () => () => undefined };
  }
  let token = takeAdminToken(win.location, win.sessionStorage, win.history);
  const client = createHttpClient({ token });
  const adminToken: AdminTokenSlot = {
    current: () => token,
    set(next) {
      token = next;
      keepAdminToken(win.sessionStorage, next);
      client.setToken(next);
    },
  };
  return { kind: 'http', api: client, desktop: null, onConnection: client.onConnection, adminToken };
}
