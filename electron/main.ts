// The Electron main process: composes the plain modules (proxy context, lifecycle,
// tray controller, IPC handlers, Claude Code settings) with Electron's APIs. Logic
// lives in those modules, tested in Node; this file only wires them.
import { existsSync, unwatchFile, watchFile } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  clipboard,
  dialog,
  ipcMain,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
  type Tray,
} from 'electron';
import ElectronStore from 'electron-store';
import { startDemo } from '../demo/runner';
import type { ProxyContext } from '../proxy/context';
import { consoleLogger } from '../proxy/log/logger';
import { startProxyServer } from '../proxy/server';
import { createProxyContext } from '../proxy/runtime';
import { keyValueStoreOf, openWithRecovery, STORE_FILE_NAME, STORE_OPTIONS, type KeyValueStore } from '../proxy/state/stores';
import { DashboardWindow } from './app/dashboard-window';
import { TrayView } from './app/tray-view';
import { ClaudeCodeSettingsFile, claudeSettingsPath, type AdditionRecord, type StatusLineSetup } from './claude-code/settings-file';
import { onPath } from './claude-code/on-path';
import { statusLineCommand, statusLineRunner } from './claude-code/status-line';
import { createDesktopApi } from './desktop-api';
import { bridgeHandlers, registerIpcHandlers } from './ipc/handlers';
import { DemoLauncher } from './lifecycle/demo-launcher';
import { ProxyLifecycle } from './lifecycle/proxy-lifecycle';
import { createSafeStorageSecretStore } from './storage/safe-storage-secrets';
import { createLoginItem, followStartAtLogin } from './system/login-item';
import { TrayController } from './tray/tray-controller';
import type { TrayAction, TrayMenuItem } from './tray/menu-model';
import { APP_SCHEME, createAppProtocolHandler, isTrustedAppUrl } from './window/app-protocol';
import { isAllowedExternalUrl } from './window/navigation';

/** Keys of the shared store owned by the desktop shell (besides the encrypted API key). */
const DESKTOP_KEYS = {
  claudeCodeAddition: 'claudeCodeAddition',
  claudeCodeStatusLine: 'claudeCodeStatusLine',
  firstRunCompleted: 'firstRunCompleted',
} as const;

// Relative to this source file; the build keeps module URLs (electron/tools/build.ts).
const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const rendererDir = path.join(distDir, 'renderer');
const preloadPath = path.join(distDir, 'electron', 'preload.cjs');
const resourcesDir = app.isPackaged ? process.resourcesPath : path.join(app.getAppPath(), 'build');

// One state for the app and `npm run serve`: CASCADEFLOW_DATA_DIR moves both (tests use it too).
if (process.env.CASCADEFLOW_DATA_DIR?.trim()) app.setPath('userData', path.resolve(process.env.CASCADEFLOW_DATA_DIR));

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function notify(title: string, body: string): void {
  if (Notification.isSupported()) new Notification({ title, body, silent: true }).show();
  else void dialog.showMessageBox({ type: 'info', title, message: title, detail: body });
}

function openElectronStore(dataDir: string): { store: KeyValueStore; warnings: string[] } {
  return openWithRecovery(path.join(dataDir, STORE_FILE_NAME), () =>
    keyValueStoreOf(
      new ElectronStore<Record<string, unknown>>({
        name: path.basename(STORE_FILE_NAME, '.json'),
        cwd: dataDir,
        ...STORE_OPTIONS,
      }),
    ),
  );
}

function lockDownWebContents(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** Set once the app is up; a second launch shows the dashboard of this instance. */
let showDashboard: (() => void) | null = null;

async function startApp(): Promise<void> {
  lockDownWebContents();
  const dataDir = app.getPath('userData');
  const opened = openElectronStore(dataDir);
  const store = opened.store;
  const secrets = createSafeStorageSecretStore(safeStorage, store, process.platform, (m) => notify('CascadeFlow', m));
  // Store warnings land in status.warnings (dashboard banner, tray menu) and as a notification now.
  const ctx: ProxyContext = await createProxyContext({ store, secrets, dataDir, storeWarnings: opened.warnings });
  for (const warning of opened.warnings) notify('CascadeFlow reset its data', warning);

  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));

  const storeKey = <T>(key: string): AdditionRecord<T> => ({
    get: () => store.get(key),
    set: (value) => (value === null ? store.delete(key) : store.set(key, value)),
  });
  // An AppImage is started through its own file: the mounted binary moves each launch.
  const runner = statusLineRunner({
    packaged: app.isPackaged,
    platform: process.platform,
    execPath: process.env.APPIMAGE ?? process.execPath,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    curl: onPath('curl', process.env),
  });
  const statusLine: StatusLineSetup | undefined = existsSync(runner.script)
    ? { command: (baseUrl) => statusLineCommand(runner, baseUrl), record: storeKey(DESKTOP_KEYS.claudeCodeStatusLine) }
    : undefined;
  const claudeCode = new ClaudeCodeSettingsFile(
    claudeSettingsPath(app.getPath('home'), process.env),
    storeKey(DESKTOP_KEYS.claudeCodeAddition),
    statusLine,
  );
  const loginItem = createLoginItem({
    platform: process.platform,
    app,
    homeDir: app.getPath('home'),
    env: process.env,
    // An AppImage must be started through its own path, not the mounted binary.
    command: process.env.APPIMAGE ? [process.env.APPIMAGE] : app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()],
  });
  // "Try a demo": a second proxy on its own temporary data and a free port; its log lines say so.
  const demoLog = { info: (line: string) => consoleLogger.info(`demo: ${line}`), warn: (line: string) => consoleLogger.warn(`demo: ${line}`) };
  const demo = new DemoLauncher({ start: () => startDemo({ port: 0, logger: demoLog }), openExternal: (url) => shell.openExternal(url), warn: demoLog.warn });
  const desktop = createDesktopApi({ control: ctx.control, claudeCode, clipboard, loginItem, demo });
  registerIpcHandlers(ipcMain, bridgeHandlers(ctx.control, desktop), isTrustedAppUrl);

  const window = new DashboardWindow(preloadPath, path.join(resourcesDir, 'icon.png'));
  ctx.control.subscribe((event) => window.push(event));

  const lifecycle = new ProxyLifecycle({
    ctx,
    startServer: startProxyServer,
    // The proxy runs either way: a settings file that cannot be written gets its own message.
    onRunning: (baseUrl) =>
      claudeCode.follow(baseUrl).then(
        () => undefined,
        (error: Error) => notify('Claude Code settings not updated', error.message),
      ),
    onError: (message) => notify('CascadeFlow proxy is not running', message),
  });

  let trayView: TrayView | null = null;
  const trayOf = (): Tray | null => trayView?.tray ?? null;
  const controller = new TrayController({
    control: ctx.control,
    desktop,
    openDashboard: () => window.show(trayOf()),
    restartProxy: () => lifecycle.restart(),
    quit: () => app.quit(),
    notify,
    confirm: async ({ title, message, detail, confirm }) =>
      (await dialog.showMessageBox({ type: 'warning', title, message, detail, buttons: ['Cancel', confirm], defaultId: 0, cancelId: 0 })).response === 1,
    render: (state) => trayView?.render(state),
  });
  const run = (action: TrayAction) => void controller.run(action);
  trayView = new TrayView(path.join(resourcesDir, 'tray'), controller.state, run, () => window.toggle(trayOf()));

  await lifecycle.start();
  await controller.init();
  // The file is the source of truth: pick up hand edits while the app runs.
  watchFile(claudeCode.settingsPath, { interval: 2000 }, () => void controller.refreshClaudeCode());

  await followStartAtLogin(ctx.control, loginItem, (message) => notify('CascadeFlow', message));

  if (store.get(DESKTOP_KEYS.firstRunCompleted) !== true) {
    store.set(DESKTOP_KEYS.firstRunCompleted, true);
    window.show(trayOf());
  }

  showDashboard = () => window.show(trayOf());

  if (process.env.CASCADEFLOW_TEST_HOOKS === '1') {
    // Read by the Playwright end-to-end test through electronApp.evaluate().
    (globalThis as { __cascadeflow?: unknown }).__cascadeflow = {
      trayMenu: (): TrayMenuItem[] => controller.menu(),
      openDashboard: () => window.show(trayOf()),
    };
  }

  let cleanedUp = false;
  app.on('before-quit', () => window.prepareToQuit());
  app.on('will-quit', (event) => {
    if (cleanedUp) return;
    event.preventDefault();
    unwatchFile(claudeCode.settingsPath);
    controller.dispose();
    void Promise.all([lifecycle.stop(), demo.stop()])
      .then(() => ctx.flush())
      .then(() => ctx.close())
      .catch((error) => console.error('CascadeFlow: shutdown failed', error))
      .finally(() => {
        cleanedUp = true;
        app.quit();
      });
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another instance runs: it receives 'second-instance' and shows its window.
  app.quit();
} else {
  app.dock?.hide();
  // Windows shows notifications only for an app with a user model id (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('dev.cascadeflow.tray');
  app.on('second-instance', () => showDashboard?.());
  // Ctrl+C on `npm start` or a service manager's stop: quit properly so state is flushed.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  app
    .whenReady()
    .then(startApp)
    .catch((error: Error) => {
      dialog.showErrorBox('CascadeFlow could not start', error.stack ?? error.message);
      app.exit(1);
    });
}
