// Where the dashboard window appears: next to the tray icon when the OS reports its
// bounds, otherwise in the corner where that OS usually keeps its tray.
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacementInput {
  /** Tray icon bounds; Linux reports none (zero size). */
  trayBounds: Rect | null;
  windowSize: { width: number; height: number };
  /** Work area of the display the tray is on (excludes menu bar and taskbar). */
  workArea: Rect;
  platform: NodeJS.Platform;
}

const MARGIN = 8;

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}

export function placeWindow({ trayBounds, windowSize, workArea, platform }: PlacementInput): { x: number; y: number } {
  const { width, height } = windowSize;
  const minX = workArea.x + MARGIN;
  const maxX = workArea.x + workArea.width - width - MARGIN;
  const minY = workArea.y + MARGIN;
  const maxY = workArea.y + workArea.height - height - MARGIN;

  if (!trayBounds || trayBounds.width <= 0 || trayBounds.height <= 0) {
    // Windows keeps the tray bottom right; macOS and most Linux desktops put it top right.
    const y = platform === 'win32' ? maxY : minY;
    return { x: Math.round(clamp(maxX, minX, maxX)), y: Math.round(clamp(y, minY, maxY)) };
  }

  const trayCenterX = trayBounds.x + trayBounds.width / 2;
  const trayCenterY = trayBounds.y + trayBounds.height / 2;
  const trayInUpperHalf = trayCenterY < workArea.y + workArea.height / 2;
  const x = trayCenterX - width / 2;
  const y = trayInUpperHalf ? trayBounds.y + trayBounds.height + MARGIN / 2 : trayBounds.y - height - MARGIN / 2;
  return { x: Math.round(clamp(x, minX, maxX)), y: Math.round(clamp(y, minY, maxY)) };
}
