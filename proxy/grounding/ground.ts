// Grounding: checks a draft's tool calls against the client's own machine, when the client and
// the proxy share it (the caller decides: a loopback client and settings.grounding). The file a
// Read or Edit names exists; an Edit's old_string occurs exactly once in it (Claude Code refuses
// the edit otherwise); Grep and Glob patterns compile; a Bash command parses.
//
// Bounds: nothing is executed and nothing leaves this function but path names and counts; only
// files the draft names are read, only inside the working directory the request declares
// (resolved through symlinks), only up to MAX_FILE_BYTES; anything else gives no verdict.
// Synchronous reads of bytes, searched without decoding: bench/grounding.bench.ts measures each
// check against the 2 ms budget.
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { QualitySignal } from '../../contracts/decision';
import type { ToolUseBlock } from '../wire';
import { parseShell } from '../quality/tool-shell';

/**
 * Larger files get no verdict: reading and searching them would take longer than the 2 ms
 * budget (measured about 7 µs per KB, bench/grounding.bench.ts: a 1 MB file took 7 ms).
 */
export const MAX_FILE_BYTES = 256 * 1024;

export interface GroundingEnv {
  /** The client's working directory, as the request declares it (absolute). */
  workingDirectory: string;
}

interface Place {
  /** Resolved, real path inside the working directory (when it exists). */
  path: string;
  /** As shown in reasons: relative to the working directory. */
  shown: string;
  exists: boolean;
}

const failure = (name: string, reason: string): QualitySignal => ({ name, penalty: 0.9, reason, decisive: true });

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Where a path argument points, if inside the working directory; null: no verdict (outside, unreadable). */
function locate(arg: unknown, root: string): Place | null {
  if (typeof arg !== 'string' || arg === '' || arg.includes('\u0000')) return null;
  const wanted = resolve(root, arg);
  if (!inside(root, wanted)) return null;
  const shown = relative(root, wanted) || '.';
  try {
    const real = realpathSync.native(wanted);
    return inside(root, real) ? { path: real, shown, exists: true } : null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { path: wanted, shown, exists: false } : null;
  }
}

/** A regular file's bytes, or null past the size bound or on any error (one open, one fstat, one read). */
function readBytes(path: string): Buffer | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null;
    const bytes = Buffer.allocUnsafe(stat.size);
    let filled = 0;
    while (filled < stat.size) {
      const read = readSync(fd, bytes, filled, stat.size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return bytes.subarray(0, filled);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Occurrences of `needle` in `bytes`, counted up to `limit` (bytes: no decoding of the file). */
function occurrences(bytes: Buffer, needle: Buffer, limit = 2): number {
  let count = 0;
  for (let at = bytes.indexOf(needle); at >= 0 && count < limit; at = bytes.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** `bytes` with the first (or every) `from` replaced by `to`. */
function replaced(bytes: Buffer, from: Buffer, to: Buffer, all: boolean): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let at = bytes.indexOf(from); at >= 0; at = all ? bytes.indexOf(from, at + from.length) : -1) {
    parts.push(bytes.subarray(start, at), to);
    start = at + from.length;
  }
  parts.push(bytes.subarray(start));
  return Buffer.concat(parts);
}

interface Edit {
  old_string?: unknown;
  new_string?: unknown;
  replace_all?: unknown;
}

/** Each edit applied in order to the file's text, as Claude Code does; the first that cannot apply fails. */
function checkEdits(tool: string, place: Place, edits: Edit[]): QualitySignal[] {
  if (!place.exists) {
    // Claude Code creates a file from an Edit whose old_string is empty.
    if (edits[0]?.old_string === '') return [];
    return [failure('grounding_missing_file', `${tool} of a file that does not exist: ${place.shown}`)];
  }
  let bytes = readBytes(place.path);
  if (bytes === null) return [];
  for (const [i, edit] of edits.entries()) {
    if (typeof edit.old_string !== 'string' || typeof edit.new_string !== 'string' || edit.old_string === '') return [];
    const from = Buffer.from(edit.old_string);
    const found = occurrences(bytes, from);
    if (found === 0) return [failure('grounding_old_string_missing', `${tool} old_string not found in ${place.shown}`)];
    if (found > 1 && edit.replace_all !== true) {
      return [failure('grounding_old_string_ambiguous', `${tool} old_string occurs more than once in ${place.shown} (and replace_all is not set)`)];
    }
    // The next edit applies to the text as this one leaves it.
    if (i < edits.length - 1) bytes = replaced(bytes, from, Buffer.from(edit.new_string), edit.replace_all === true);
  }
  return [{ name: 'grounding_edit_applies', penalty: 0, support: 0.5, reason: `${tool} old_string found once in ${place.shown}` }];
}

/** ripgrep's syntax read as a JavaScript RegExp: inline flags and `(?P<name>` translated first. */
function regexError(pattern: string): string | null {
  const translated = pattern.replace(/^\(\?[imsxU]+\)/, '').replace(/\(\?P</g, '(?<');
  try {
    new RegExp(translated);
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

/** A glob's brackets and braces close (an unclosed one matches nothing the model meant). */
function globError(pattern: string): string | null {
  let braces = 0;
  let bracket = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (bracket) bracket = c !== ']';
    else if (c === '[') bracket = true;
    else if (c === '{') braces++;
    else if (c === '}' && --braces < 0) return "unexpected '}'";
  }
  if (bracket) return "unclosed '['";
  return braces > 0 ? "unclosed '{'" : null;
}

function groundCall(call: ToolUseBlock, root: string): QualitySignal[] {
  const input = (call.input ?? {}) as Record<string, unknown>;
  switch (call.name) {
    case 'Read': {
      const place = locate(input.file_path, root);
      if (!place) return [];
      if (!place.exists) return [failure('grounding_missing_file', `Read of a file that does not exist: ${place.shown}`)];
      return isDirectory(place.path) ? [failure('grounding_missing_file', `Read of a directory, not a file: ${place.shown}`)] : [];
    }
    case 'Edit':
    case 'MultiEdit': {
      const place = locate(input.file_path, root);
      if (place === null) return [];
      const edits = call.name === 'MultiEdit' ? (Array.isArray(input.edits) ? (input.edits as Edit[]) : []) : [input as Edit];
      return edits.length ? checkEdits(call.name, place, edits) : [];
    }
    case 'Grep': {
      const error = typeof input.pattern === 'string' ? regexError(input.pattern) : null;
      return error ? [failure('grounding_bad_pattern', `Grep pattern does not compile: ${error}`)] : [];
    }
    case 'Glob': {
      const error = typeof input.pattern === 'string' ? globError(input.pattern) : null;
      return error ? [failure('grounding_bad_pattern', `Glob pattern does not parse: ${error}`)] : [];
    }
    case 'Bash': {
      const parsed = typeof input.command === 'string' ? parseShell(input.command) : null;
      return parsed?.ok === false ? [failure('grounding_bash_syntax', `Bash command does not parse: ${parsed.reason}`)] : [];
    }
    default:
      return [];
  }
}

/**
 * Signals from checking the draft's calls against the working directory: failures are decisive
 * (the call would fail as written), an Edit that applies is evidence for the draft. No verdict
 * (no signal) when the directory is not absolute or a call points outside it.
 */
export function groundDraft(calls: readonly ToolUseBlock[], env: GroundingEnv): QualitySignal[] {
  if (!isAbsolute(env.workingDirectory)) return [];
  let root: string;
  try {
    root = realpathSync.native(env.workingDirectory);
  } catch {
    return [];
  }
  return calls.flatMap((call) => groundCall(call, root));
}
