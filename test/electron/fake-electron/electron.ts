// A fake of the Electron runtime's main-process API, just deep enough to run the
// bundled main process in plain Node (the real binary cannot be downloaded here).
// It records what main does and answers the test's commands over the fork IPC channel.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Fn = (...args: any[]) => any;
interface MenuItemOptions {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: Fn;
}

const recorded = {
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  ipcHandlers: new Map<string, Fn>(),
  windows: [] as FakeBrowserWindow[],
  trays: [] as FakeTray[],
  notifications: [] as Array<{ title: string; body: string }>,
  dialogs: [] as string[],
  opened: [] as string[],
  clipboard: '',
  dockHidden: false,
  permissionHandler: null as Fn | null,
  webContents: [] as FakeWebContents[],
  loginItem: { openAtLogin: false },
};

class FakeApp extends EventEmitter {
  isPackaged = false;
  private readonly paths = new Map<string, string>();
  dock = { hide: () => void (recorded.dockHidden = true) };

  getAppPath(): string {
    return process.cwd();
  }
  getPath(name: string): string {
    if (this.paths.has(name)) return this.paths.get(name)!;
    if (name === 'home') return os.homedir();
    if (name === 'userData') return path.join(os.homedir(), '.config', 'CascadeFlow Tray');
    return path.join(os.tmpdir(), name);
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  getVersion(): string {
    return (JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getLoginItemSettings() {
    return recorded.loginItem;
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }) {
    recorded.loginItem = { openAtLogin: settings.openAtLogin };
  }
  quit(): void {
    this.emit('before-quit');
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => void (prevented = true) });
    if (!prevented) {
      this.emit('quit');
      setImmediate(() => process.exit(0));
    }
  }
  exit(code = 0): void {
    process.exit(code);
  }
}

class FakeWebContents extends EventEmitter {
  sent: Array<{ channel: string; payload: unknown }> = [];
  url = '';
  windowOpenHandler: Fn | null = null;
  isDestroyed = () => false;
  isLoading = () => false;
  getURL = () => this.url;
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: Fn) {
    this.windowOpenHandler = handler;
  }
}

class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  position: [number, number] = [0, 0];
  constructor(readonly options: Record<string, any>) {
    super();
    recorded.windows.push(this);
    recorded.webContents.push(this.webContents);
    app.emit('web-contents-created', {}, this.webContents);
  }
  getSize = () => [this.options.width ?? 800, this.options.height ?? 600];
  setPosition = (x: number, y: number) => void (this.position = [x, y]);
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => undefined;
  isVisible = () => this.visible;
  isFocused = () => this.visible;
  async loadURL(url: string) {
    this.webContents.url = url;
  }
}

class FakeTray extends EventEmitter {
  image: { path: string };
  tooltip = '';
  menu: { template: MenuItemOptions[] } | null = null;
  constructor(image: { path: string }) {
    super();
    this.image = image;
    recorded.trays.push(this);
  }
  setImage = (image: { path: string }) => void (this.image = image);
  setToolTip = (text: string) => void (this.tooltip = text);
  setContextMenu = (menu: { template: MenuItemOptions[] }) => void (this.menu = menu);
  popUpContextMenu = (menu: { template: MenuItemOptions[] }) => void (this.menu = menu);
  getBounds = () => ({ x: 0, y: 0, width: 0, height: 0 });
}

export const app = new FakeApp();
export const BrowserWindow = FakeBrowserWindow;
export const Tray = FakeTray;
export const Menu = { buildFromTemplate: (template: MenuItemOptions[]) => ({ template }) };
export const nativeImage = {
  createFromPath: (file: string) => ({ path: file, setTemplateImage: () => undefined, isEmpty: () => !existsSync(file) }),
};
export const screen = {
  getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
  getDisplayMatching: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
};
export const ipcMain = {
  handle: (channel: string, handler: Fn) => {
    if (recorded.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    recorded.ipcHandlers.set(channel, handler);
  },
  removeHandler: (channel: string) => void recorded.ipcHandlers.delete(channel),
  on: () => undefined,
};
export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => void recorded.schemes.push(...schemes),
  handle: (scheme: string, handler: (request: Request) => Promise<Response>) => void recorded.protocolHandlers.set(scheme, handler),
};
/** Linux without a keyring: encrypted with a fixed key, reported as basic_text. */
export const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (text: string) => Buffer.from([...Buffer.from(text)].map((b) => b ^ 0x6b)),
  decryptString: (buffer: Buffer) => Buffer.from([...buffer].map((b) => b ^ 0x6b)).toString(),
  getSelectedStorageBackend: () => 'basic_text',
};
export const session = {
  defaultSession: { setPermissionRequestHandler: (handler: Fn) => void (recorded.permissionHandler = handler) },
};
export const shell = {
  openExternal: async (url: string) => void recorded.opened.push(url),
  openPath: async () => '',
};
export const clipboard = { writeText: (text: string) => void (recorded.clipboard = text) };
export class Notification {
  static isSupported = () => true;
  constructor(private readonly options: { title: string; body: string }) {}
  show() {
    recorded.notifications.push({ title: this.options.title, body: this.options.body });
  }
}
export const dialog = {
  // Answered with the first button (Cancel, where there is a choice).
  showMessageBox: async (options: { message: string }) => {
    recorded.dialogs.push(options.message);
    return { response: 0, checkboxChecked: false };
  },
  showErrorBox: (title: string, content: string) => {
    recorded.dialogs.push(`${title}: ${content}`);
    console.error(title, content);
  },
};

export default { app, BrowserWindow, Tray, Menu, nativeImage, screen, ipcMain, protocol, safeStorage, session, shell, clipboard, Notification, dialog };

// ---------------------------------------------------------------- test commands

function menuItems() {
  const tray = recorded.trays.at(-1);
  return (tray?.menu?.template ?? []).map(({ label, type, enabled, checked }) => ({ label, type, enabled, checked }));
}

function snapshot() {
  const tray = recorded.trays.at(-1);
  return {
    schemes: recorded.schemes,
    channels: [...recorded.ipcHandlers.keys()],
    windows: recorded.windows.map((w) => ({
      options: w.options,
      url: w.webContents.url,
      visible: w.visible,
      sent: w.webContents.sent,
    })),
    tray: tray ? { image: tray.image.path, imageExists: existsSync(tray.image.path), tooltip: tray.tooltip, menu: menuItems() } : null,
    notifications: recorded.notifications,
    dialogs: recorded.dialogs,
    opened: recorded.opened,
    clipboard: recorded.clipboard,
    dockHidden: recorded.dockHidden,
    permissionHandler: recorded.permissionHandler !== null,
    loginItem: recorded.loginItem,
    userData: app.getPath('userData'),
  };
}

type Command =
  | { id: number; cmd: 'state' }
  | { id: number; cmd: 'invoke'; channel: string; args: unknown[]; url: string | null }
  | { id: number; cmd: 'click'; label: string }
  | { id: number; cmd: 'fetch'; url: string }
  | { id: number; cmd: 'navigate'; url: string }
  | { id: number; cmd: 'windowOpen'; url: string }
  | { id: number; cmd: 'permission' }
  | { id: number; cmd: 'secondInstance' }
  | { id: number; cmd: 'quit' };

async function run(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'state':
      return snapshot();
    case 'invoke': {
      const handler = recorded.ipcHandlers.get(command.channel);
      if (!handler) throw new Error(`No handler registered for '${command.channel}'`);
      return handler({ senderFrame: command.url === null ? null : { url: command.url } }, ...command.args);
    }
    case 'click': {
      const item = recorded.trays.at(-1)?.menu?.template.find((i) => i.label === command.label);
      if (!item?.click) throw new Error(`No clickable menu item '${command.label}'`);
      item.click();
      return null;
    }
    case 'fetch': {
      const response = await recorded.protocolHandlers.get(new URL(command.url).protocol.slice(0, -1))!(new Request(command.url));
      return { status: response.status, headers: Object.fromEntries(response.headers), body: (await response.text()).slice(0, 200) };
    }
    case 'navigate': {
      let prevented = false;
      for (const contents of recorded.webContents) {
        contents.emit('will-navigate', { preventDefault: () => void (prevented = true) }, command.url);
      }
      return { prevented };
    }
    case 'windowOpen':
      return recorded.webContents.map((c) => c.windowOpenHandler?.({ url: command.url }));
    case 'permission':
      return new Promise((resolve) => recorded.permissionHandler?.({}, 'media', resolve));
    case 'secondInstance':
      app.emit('second-instance', {}, [], process.cwd());
      return null;
    case 'quit':
      app.quit();
      return null;
  }
}

process.on('message', (message: Command) => {
  run(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: Error) => process.send?.({ id: message.id, error: error.message }),
  );
});
