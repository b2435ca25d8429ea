import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUILD_DIR, iconFiles, rasterize, STATE_COLOURS } from './icons';

/** Minimal PNG reader for the files we write: checks signature and every chunk's CRC. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length), `${type} CRC`).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  const rows = inflateSync(Buffer.concat(idat));
  expect(rows.length).toBe((width * 4 + 1) * height);
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(rows[y * (width * 4 + 1)]).toBe(0);
    rows.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

describe('icons in build/', () => {
  const files = iconFiles();

  it('are committed and match what the generator draws (run `npx tsx electron/tools/icons.ts` after design changes)', () => {
    for (const icon of files) {
      const { width, height, pixels } = decodePng(readFileSync(path.join(BUILD_DIR, icon.file)));
      expect([width, height], icon.file).toEqual([icon.size, icon.size]);
      const expected = rasterize(icon.size, icon.layers, icon.size >= 256 ? 2 : 4);
      expect(Buffer.compare(pixels, Buffer.from(expected)), icon.file).toBe(0);
    }
  });

  it('cover every tray state as macOS templates (+@2x) and coloured images', () => {
    for (const state of ['running', 'paused', 'error']) {
      for (const name of [`tray-${state}`, `tray-${state}Template`]) {
        expect(files.map((f) => f.file)).toEqual(expect.arrayContaining([`tray/${name}.png`, `tray/${name}@2x.png`]));
      }
    }
    expect(files.find((f) => f.file === 'icon.png')?.size).toBe(1024);
  });

  it('draw templates in black and alpha only, and coloured icons in their state colour', () => {
    for (const icon of files.filter((f) => f.file.includes('Template'))) {
      const { pixels } = decodePng(readFileSync(path.join(BUILD_DIR, icon.file)));
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] > 0) expect([pixels[i], pixels[i + 1], pixels[i + 2]], icon.file).toEqual([0, 0, 0]);
      }
    }
    for (const [state, colour] of Object.entries(STATE_COLOURS)) {
      const { pixels } = decodePng(readFileSync(path.join(BUILD_DIR, `tray/tray-${state}@2x.png`)));
      let matching = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 255 && pixels[i] === colour[0] && pixels[i + 1] === colour[1] && pixels[i + 2] === colour[2]) {
          matching++;
        }
      }
      expect(matching, state).toBeGreaterThan(100);
    }
  });

  it('tell the states apart by shape, not only by colour', () => {
    const alpha = (file: string) => {
      const { pixels } = decodePng(readFileSync(path.join(BUILD_DIR, file)));
      return Buffer.from(pixels.filter((_, i) => i % 4 === 3));
    };
    const masks = ['running', 'paused', 'error'].map((s) => alpha(`tray/tray-${s}Template@2x.png`));
    expect(masks[0].equals(masks[1])).toBe(false);
    expect(masks[1].equals(masks[2])).toBe(false);
    expect(masks[0].equals(masks[2])).toBe(false);
  });
});
