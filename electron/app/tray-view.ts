// Renders the tray model into Electron's Tray: icon per state, tooltip, and the menu.
// Left click toggles the dashboard and right click shows the menu; Linux trays only
// show a menu, so there it is the context menu.
import path from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import {
  buildTrayMenu,
  trayIconFile,
  trayIconState,
  trayTooltip,
  type TrayAction,
  type TrayMenuItem,
  type TrayState,
} from '../tray/menu-model';

export function menuTemplate(items: TrayMenuItem[], run: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'info') return { label: item.label, enabled: false };
    return {
      label: item.label,
      enabled: item.enabled,
      type: item.checked === undefined ? 'normal' : 'checkbox',
      checked: item.checked,
      click: () => run(item.action),
    };
  });
}

export class TrayView {
  readonly tray: Tray;
  private menu: Menu | null = null;
  private iconFile = '';

  constructor(
    private readonly iconDir: string,
    initial: TrayState,
    private readonly run: (action: TrayAction) => void,
    onLeftClick: () => void,
  ) {
    this.tray = new Tray(this.icon(initial));
    if (process.platform !== 'linux') {
      this.tray.on('click', onLeftClick);
      this.tray.on('right-click', () => this.menu && this.tray.popUpContextMenu(this.menu));
    }
  }

  render(state: TrayState): void {
    const file = trayIconFile(trayIconState(state.status), process.platform);
    if (file !== this.iconFile) this.tray.setImage(this.icon(state));
    this.tray.setToolTip(trayTooltip(state.status));
    this.menu = Menu.buildFromTemplate(menuTemplate(buildTrayMenu(state), this.run));
    if (process.platform === 'linux') this.tray.setContextMenu(this.menu);
  }

  private icon(state: TrayState): Electron.NativeImage {
    this.iconFile = trayIconFile(trayIconState(state.status), process.platform);
    // createFromPath picks up the @2x variant next to the file on high-DPI screens.
    const image = nativeImage.createFromPath(path.join(this.iconDir, this.iconFile));
    if (process.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}
