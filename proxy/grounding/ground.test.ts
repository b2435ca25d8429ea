import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolUseBlock } from '../wire';
import { MAX_FILE_BYTES, groundDraft } from './ground';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cascadeflow-grounding-'));
  dirs.push(dir);
  return dir;
}
const call = (name: string, input: unknown): ToolUseBlock => ({ type: 'tool_use', id: `toolu_${name}`, name, input });

function project(): string {
  const root = tempDir();
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'app.ts'), 'export const answer = 41;\nexport const twice = 2;\nexport const again = 2;\n');
  return root;
}
const names = (signals: { name: string }[]) => signals.map((s) => s.name);

describe('groundDraft', () => {
  it('fails an Edit whose old_string is not in the file, naming the file relative to the project', () => {
    const root = project();
    const [signal] = groundDraft([call('Edit', { file_path: join(root, 'src/app.ts'), old_string: 'answer = 40', new_string: 'answer = 42' })], { workingDirectory: root });
    expect(signal).toEqual({ name: 'grounding_old_string_missing', penalty: 0.9, reason: 'Edit old_string not found in src/app.ts', decisive: true });
  });

  it('supports an Edit whose old_string occurs exactly once, and fails one that is ambiguous', () => {
    const root = project();
    const env = { workingDirectory: root };
    expect(groundDraft([call('Edit', { file_path: 'src/app.ts', old_string: 'answer = 41', new_string: 'answer = 42' })], env)).toEqual([
      { name: 'grounding_edit_applies', penalty: 0, support: 0.5, reason: 'Edit old_string found once in src/app.ts' },
    ]);
    expect(names(groundDraft([call('Edit', { file_path: 'src/app.ts', old_string: '= 2;', new_string: '= 3;' })], env))).toEqual(['grounding_old_string_ambiguous']);
    expect(names(groundDraft([call('Edit', { file_path: 'src/app.ts', old_string: '= 2;', new_string: '= 3;', replace_all: true })], env))).toEqual(['grounding_edit_applies']);
  });

  it('applies MultiEdit edits in order', () => {
    const root = project();
    const file = join(root, 'src/app.ts');
    const edits = (second: string) => [
      { old_string: 'answer = 41', new_string: 'answer = 42' },
      { old_string: second, new_string: 'x' },
    ];
    expect(names(groundDraft([call('MultiEdit', { file_path: file, edits: edits('answer = 42') })], { workingDirectory: root }))).toEqual(['grounding_edit_applies']);
    expect(names(groundDraft([call('MultiEdit', { file_path: file, edits: edits('answer = 41') })], { workingDirectory: root }))).toEqual(['grounding_old_string_missing']);
  });

  it('fails a Read or Edit of a missing file or a directory; an Edit with empty old_string creates a file', () => {
    const root = project();
    const env = { workingDirectory: root };
    expect(groundDraft([call('Read', { file_path: join(root, 'src/missing.ts') })], env)[0]).toMatchObject({
      name: 'grounding_missing_file',
      reason: 'Read of a file that does not exist: src/missing.ts',
      decisive: true,
    });
    expect(names(groundDraft([call('Read', { file_path: join(root, 'src') })], env))).toEqual(['grounding_missing_file']);
    expect(names(groundDraft([call('Edit', { file_path: 'nope.ts', old_string: 'a', new_string: 'b' })], env))).toEqual(['grounding_missing_file']);
    expect(groundDraft([call('Edit', { file_path: 'new.ts', old_string: '', new_string: 'b' })], env)).toEqual([]);
    expect(groundDraft([call('Read', { file_path: join(root, 'src/app.ts') })], env)).toEqual([]);
  });

  it('gives no verdict outside the working directory, through a symlink out of it, or past the size bound', () => {
    const root = project();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'x');
    symlinkSync(outside, join(root, 'link'));
    const env = { workingDirectory: root };
    expect(groundDraft([call('Read', { file_path: join(outside, 'missing.txt') })], env)).toEqual([]);
    expect(groundDraft([call('Read', { file_path: '../elsewhere.txt' })], env)).toEqual([]);
    expect(groundDraft([call('Edit', { file_path: 'link/secret.txt', old_string: 'nothere', new_string: 'y' })], env)).toEqual([]);
    writeFileSync(join(root, 'big.txt'), 'a'.repeat(MAX_FILE_BYTES + 1));
    expect(groundDraft([call('Edit', { file_path: 'big.txt', old_string: 'zzz', new_string: 'y' })], env)).toEqual([]);
    expect(groundDraft([call('Read', { file_path: 'src/missing.ts' })], { workingDirectory: 'relative/dir' })).toEqual([]);
  });

  it('checks that Grep and Glob patterns compile and that a Bash command parses', () => {
    const env = { workingDirectory: project() };
    expect(groundDraft([call('Grep', { pattern: 'foo(bar' })], env)[0]).toMatchObject({ name: 'grounding_bad_pattern', reason: expect.stringContaining('Grep pattern does not compile') });
    expect(groundDraft([call('Grep', { pattern: '(?i)todo\\s+\\w+' }), call('Grep', { pattern: '(?P<name>\\w+)=' })], env)).toEqual([]);
    expect(groundDraft([call('Glob', { pattern: 'src/**/*.{ts,tsx' })], env)[0]).toMatchObject({ name: 'grounding_bad_pattern', reason: "Glob pattern does not parse: unclosed '{'" });
    expect(groundDraft([call('Glob', { pattern: 'src/**/*.{ts,tsx}' })], env)).toEqual([]);
    expect(groundDraft([call('Bash', { command: 'git commit -m "fix' })], env)[0]).toMatchObject({
      name: 'grounding_bash_syntax',
      reason: 'Bash command does not parse: unterminated double quote',
    });
    expect(groundDraft([call('Bash', { command: 'npm test -- --run "a b"' })], env)).toEqual([]);
  });
});
