// File writes that keep the event loop free: the I/O runs on libuv's thread pool, and text is
// handed over in small pieces, each made just before it is written, so no single step holds
// the main thread for long. Every file is owner-only.
import { copyFileSync, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export const FILE_MODE = 0o600;

/** Characters per write: making one piece (the costliest: ~60 stats buckets) takes ~0.2 ms. */
const PIECE_CHARS = 8 * 1024;

/** The file's text, or null when there is none (nor a folder for it). */
export async function readText(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Joins short strings into pieces of about PIECE_CHARS, lazily. */
export function* joined(parts: Iterable<string>): Generator<string> {
  let batch: string[] = [];
  let size = 0;
  for (const part of parts) {
    batch.push(part);
    size += part.length;
    if (size >= PIECE_CHARS) {
      yield batch.join('');
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) yield batch.join('');
}

async function writePieces(handle: fs.FileHandle, pieces: Iterable<string>): Promise<void> {
  for (const piece of joined(pieces)) await handle.writeFile(piece);
  await handle.datasync();
}

/** Appends and syncs; a failed append is cut back off, so a retry never leaves a torn line mid-file. */
export async function appendPieces(file: string, pieces: Iterable<string>): Promise<void> {
  const handle = await fs.open(file, 'a', FILE_MODE);
  try {
    const { size } = await handle.stat();
    try {
      await writePieces(handle, pieces);
    } catch (error) {
      await handle.truncate(size).catch(() => {});
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/** Replaces a file atomically: a synced temp file renamed over it. */
export async function replacePieces(file: string, pieces: Iterable<string>): Promise<void> {
  const temp = `${file}.tmp`;
  try {
    const handle = await fs.open(temp, 'w', FILE_MODE);
    try {
      await writePieces(handle, pieces);
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/** Copies a damaged file aside (config.backup-<time>.json) when it is loaded, before the first write; returns the copy's path, or null when there is no file. */
export function backupStoreFile(filePath: string, now = new Date()): string | null {
  if (!existsSync(filePath)) return null;
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const ext = path.extname(filePath);
  const backup = path.join(path.dirname(filePath), `${path.basename(filePath, ext)}.backup-${stamp}${ext}`);
  copyFileSync(filePath, backup);
  return backup;
}
