import { describe, expect, it } from 'vitest';
import { placeWindow } from './placement';

const size = { width: 400, height: 600 };

describe('window placement', () => {
  it('drops below a tray icon in a top menu bar, centred on it (macOS)', () => {
    const pos = placeWindow({
      trayBounds: { x: 1200, y: 0, width: 24, height: 24 },
      windowSize: size,
      workArea: { x: 0, y: 25, width: 1440, height: 875 },
      platform: 'darwin',
    });
    expect(pos).toEqual({ x: 1012, y: 33 });
  });

  it('rises above a tray icon in a bottom taskbar and stays on screen (Windows)', () => {
    const pos = placeWindow({
      trayBounds: { x: 1880, y: 1050, width: 24, height: 30 },
      windowSize: size,
      workArea: { x: 0, y: 0, width: 1920, height: 1040 },
      platform: 'win32',
    });
    expect(pos).toEqual({ x: 1920 - 400 - 8, y: 1040 - 600 - 8 });
  });

  it('respects a work area that does not start at the origin (second display)', () => {
    const pos = placeWindow({
      trayBounds: { x: 2000, y: 0, width: 22, height: 22 },
      windowSize: size,
      workArea: { x: 1920, y: 22, width: 1280, height: 778 },
      platform: 'darwin',
    });
    expect(pos.x).toBe(1920 + 8);
    expect(pos.y).toBe(22 + 8);
  });

  it('uses a fixed corner when the OS gives no tray bounds', () => {
    const workArea = { x: 0, y: 32, width: 1920, height: 1048 };
    expect(placeWindow({ trayBounds: { x: 0, y: 0, width: 0, height: 0 }, windowSize: size, workArea, platform: 'linux' })).toEqual({
      x: 1920 - 400 - 8,
      y: 32 + 8,
    });
    expect(placeWindow({ trayBounds: null, windowSize: size, workArea, platform: 'win32' })).toEqual({
      x: 1920 - 400 - 8,
      y: 32 + 1048 - 600 - 8,
    });
  });

  it('pins to the work area origin when the window is larger than the screen', () => {
    const pos = placeWindow({
      trayBounds: null,
      windowSize: { width: 2000, height: 2000 },
      workArea: { x: 0, y: 0, width: 1280, height: 800 },
      platform: 'linux',
    });
    expect(pos).toEqual({ x: 8, y: 8 });
  });
});
