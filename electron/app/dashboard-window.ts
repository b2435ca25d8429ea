// The dashboard window: created on demand, placed next to the tray, hidden rather
// than closed (the app lives in the tray), locked down per Electron's security
// checklist. Live events are forwarded as they come (the event hub already throttles).
import { BrowserWindow, screen, type Tray } from 'electron';
import type { ControlEvent } from '../../contracts/events';
import { eventsChannel, type EventsPayload } from '../../contracts/ipc';
import { APP_ENTRY_URL } from '../window/app-protocol';
import { placeWindow } from '../window/placement';

const SIZE = { width: 440, height: 680 };

export class DashboardWindow {
  private window: BrowserWindow | null = null;
  private quitting = false;
  constructor(
    private readonly preloadPath: string,
    private readonly iconPath: string,
  ) {}

  /** Live events for the renderer; dropped while no window is open (it fetches fresh state on load). */
  push(event: ControlEvent): void {
    const contents = this.window?.webContents;
    if (contents && !contents.isDestroyed() && !contents.isLoading()) contents.send(eventsChannel, event satisfies EventsPayload);
  }

  show(tray: Tray | null): void {
    const window = this.window ?? this.create();
    const trayBounds = tray?.getBounds() ?? null;
    const display = trayBounds && trayBounds.width > 0 ? screen.getDisplayMatching(trayBounds) : screen.getPrimaryDisplay();
    const [width, height] = window.getSize();
    const { x, y } = placeWindow({
      trayBounds,
      windowSize: { width, height },
      workArea: display.workArea,
      platform: process.platform,
    });
    window.setPosition(x, y);
    window.show();
    window.focus();
  }

  toggle(tray: Tray | null): void {
    if (this.window?.isVisible() && this.window.isFocused()) this.window.hide();
    else this.show(tray);
  }

  /** Lets the window really close when the app quits. */
  prepareToQuit(): void {
    this.quitting = true;
  }

  private create(): BrowserWindow {
    const window = new BrowserWindow({
      ...SIZE,
      minWidth: 360,
      minHeight: 480,
      show: false,
      title: 'CascadeFlow',
      icon: this.iconPath,
      autoHideMenuBar: true,
      backgroundColor: '#00000000',
      webPreferences: {
        preload: this.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        spellcheck: false,
      },
    });
    window.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      window.hide();
    });
    window.on('closed', () => {
      this.window = null;
    });
    void window.loadURL(APP_ENTRY_URL);
    this.window = window;
    return window;
  }
}
