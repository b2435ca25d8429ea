// Draws the app and tray icons into build/ as real PNGs: a "cascade" of three steps,
// with a pause or warning badge for the tray states. Shapes are rasterised with
// supersampling and encoded with node:zlib. Run `npx tsx electron/tools/icons.ts`
// after changing the design; a test checks the committed files match.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import type { TrayIconState } from '../tray/menu-model';

export const BUILD_DIR = fileURLToPath(new URL('../../build/', import.meta.url));

type Rgba = readonly [number, number, number, number];
/** Coordinates are in the unit square, y down. */
type Shape = (x: number, y: number) => boolean;
interface Layer {
  shape: Shape;
  /** 'clear' erases what is below (for badges knocked out of the glyph). */
  paint: Rgba | 'clear';
}

// ---------------------------------------------------------------- shapes

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
}

function circle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));

const STEPS = [
  [0.06, 0.1, 0.58, 0.3],
  [0.24, 0.4, 0.76, 0.6],
  [0.42, 0.7, 0.94, 0.9],
] as const;

function cascadeStep(index: number, scale = 1, inset = 0): Shape {
  const t = (v: number) => inset + v * scale;
  const [x0, y0, x1, y1] = STEPS[index];
  return roundedRect(t(x0), t(y0), t(x1), t(y1), 0.08 * scale);
}

/** Three steps falling to the right: a request dropping to a cheaper model. */
function cascade(): Shape {
  return union(cascadeStep(0), cascadeStep(1), cascadeStep(2));
}

const BADGE = { cx: 0.74, cy: 0.74, r: 0.26 };

function pauseBars(): Shape {
  const { cx, cy } = BADGE;
  return union(roundedRect(cx - 0.11, cy - 0.12, cx - 0.03, cy + 0.12, 0.02), roundedRect(cx + 0.03, cy - 0.12, cx + 0.11, cy + 0.12, 0.02));
}

function exclamation(): Shape {
  const { cx, cy } = BADGE;
  return union(roundedRect(cx - 0.04, cy - 0.15, cx + 0.04, cy + 0.04, 0.03), circle(cx, cy + 0.11, 0.045));
}

// ---------------------------------------------------------------- raster

export function rasterize(size: number, layers: Layer[], samples = 4): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied RGBA in [0, 1].
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const layer of layers) {
        let inside = 0;
        for (let sy = 0; sy < samples; sy++) {
          for (let sx = 0; sx < samples; sx++) {
            if (layer.shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)) inside++;
          }
        }
        const coverage = inside / (samples * samples);
        if (coverage === 0) continue;
        if (layer.paint === 'clear') {
          const keep = 1 - coverage;
          r *= keep;
          g *= keep;
          b *= keep;
          a *= keep;
          continue;
        }
        const [cr, cg, cb, ca] = layer.paint;
        const sa = (ca / 255) * coverage;
        r = (cr / 255) * sa + r * (1 - sa);
        g = (cg / 255) * sa + g * (1 - sa);
        b = (cb / 255) * sa + b * (1 - sa);
        a = sa + a * (1 - sa);
      }
      const i = (py * size + px) * 4;
      out[i] = a > 0 ? Math.round((r / a) * 255) : 0;
      out[i + 1] = a > 0 ? Math.round((g / a) * 255) : 0;
      out[i + 2] = a > 0 ? Math.round((b / a) * 255) : 0;
      out[i + 3] = Math.round(a * 255);
    }
  }
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** 8-bit RGBA, non-interlaced, filter "none" on every row. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(rows, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- designs

const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];
export const STATE_COLOURS: Record<TrayIconState, Rgba> = {
  running: [16, 163, 127, 255],
  paused: [217, 140, 6, 255],
  error: [220, 38, 38, 255],
};

function appIconLayers(): Layer[] {
  // Each step a lighter, cheaper tier: the request falls to the first one that is good enough.
  const step = (i: number) => cascadeStep(i, 0.6, 0.2);
  return [
    { shape: roundedRect(0.04, 0.04, 0.96, 0.96, 0.2), paint: [24, 40, 72, 255] },
    { shape: step(0), paint: WHITE },
    { shape: step(1), paint: [150, 228, 206, 255] },
    { shape: step(2), paint: [32, 201, 151, 255] },
  ];
}

/** Template images are black plus alpha (macOS tints them); the state is in the shape. */
function trayLayers(state: TrayIconState, template: boolean): Layer[] {
  const ink: Rgba = template ? BLACK : STATE_COLOURS[state];
  if (state === 'running') return [{ shape: cascade(), paint: ink }];
  const dim: Rgba = [ink[0], ink[1], ink[2], 110];
  const symbol = state === 'paused' ? pauseBars() : exclamation();
  const { cx, cy, r } = BADGE;
  return [
    { shape: cascade(), paint: template ? dim : ink },
    { shape: circle(cx, cy, r + 0.07), paint: 'clear' },
    { shape: circle(cx, cy, r), paint: ink },
    { shape: symbol, paint: template ? 'clear' : WHITE },
  ];
}

export interface IconFile {
  /** Relative to build/. */
  file: string;
  size: number;
  layers: Layer[];
}

export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;
export const TRAY_STATES: TrayIconState[] = ['running', 'paused', 'error'];

export function iconFiles(): IconFile[] {
  const files: IconFile[] = [{ file: 'icon.png', size: 1024, layers: appIconLayers() }];
  for (const size of LINUX_ICON_SIZES) files.push({ file: `icons/${size}x${size}.png`, size, layers: appIconLayers() });
  for (const state of TRAY_STATES) {
    for (const template of [false, true]) {
      const base = `tray/tray-${state}${template ? 'Template' : ''}`;
      files.push({ file: `${base}.png`, size: 16, layers: trayLayers(state, template) });
      files.push({ file: `${base}@2x.png`, size: 32, layers: trayLayers(state, template) });
    }
  }
  return files;
}

export function renderIcon(icon: IconFile): Buffer {
  return encodePng(icon.size, icon.size, rasterize(icon.size, icon.layers, icon.size >= 256 ? 2 : 4));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const icon of iconFiles()) {
    const target = path.join(BUILD_DIR, icon.file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, renderIcon(icon));
  }
  console.log(`Wrote ${iconFiles().length} icons to ${BUILD_DIR}`);
}
