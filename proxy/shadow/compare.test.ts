import { describe, expect, it } from 'vitest';
import { draftMessage, requestFor } from '../../test/fixtures/messages';
import type { ContentBlock } from '../wire';
import { compareAnswers, normalisePath, WORDING_CUTOFF, wordingSimilarity } from './compare';

const call = (name: string, input: unknown, id = 'toolu_1'): ContentBlock => ({ type: 'tool_use', id, name, input });
const tools = requestFor('Fix the failing test in src/app.ts');
const compareCalls = (draft: ContentBlock[], verifier: ContentBlock[], workingDirectory?: string) =>
  compareAnswers({ request: tools, draft: draftMessage(draft, 'tool_use'), verifier: draftMessage(verifier, 'tool_use'), workingDirectory });

describe('wordingSimilarity (character 4-gram cosine)', () => {
  it('is 1 for the same text, whatever its case and spacing', () => {
    expect(wordingSimilarity('Hello   World', 'hello world\n')).toBe(1);
  });

  it('counts shared 4-grams: "abcde" and "abcdf" share 1 of 2 each, cosine 1 / (√2 · √2) = 0.5', () => {
    expect(wordingSimilarity('abcde', 'abcdf')).toBeCloseTo(0.5, 12);
  });

  it('weighs repeated 4-grams: "aaaaa" {aaaa: 2} against "aaaa" {aaaa: 1} is 2 / (2 · 1) = 1', () => {
    expect(wordingSimilarity('aaaaa', 'aaaa')).toBe(1);
  });

  it('compares texts shorter than a 4-gram by equality', () => {
    expect(wordingSimilarity('OK', 'ok')).toBe(1);
    expect(wordingSimilarity('ok', 'no')).toBe(0);
  });
});

describe('normalisePath', () => {
  it('makes ./a/b, a/b/ and /cwd/a/b one path given the working directory', () => {
    expect(normalisePath('./a/b', '/cwd')).toBe('/cwd/a/b');
    expect(normalisePath('a/b/', '/cwd')).toBe('/cwd/a/b');
    expect(normalisePath('/cwd/a/b', '/cwd')).toBe('/cwd/a/b');
    expect(normalisePath('/cwd/x/../a/b', '/cwd')).toBe('/cwd/a/b');
  });

  it('without a working directory, equates only relative spellings', () => {
    expect(normalisePath('./a/b', undefined)).toBe('a/b');
    expect(normalisePath('a//b/', undefined)).toBe('a/b');
    expect(normalisePath('/cwd/a/b', undefined)).toBe('/cwd/a/b');
  });
});

describe('tool calls', () => {
  it('agree on the same tool with an equivalent path', () => {
    expect(compareCalls([call('Read', { file_path: './src/app.ts' })], [call('Read', { file_path: '/repo/src/app.ts' })], '/repo')).toEqual({
      agreed: true,
      method: 'tool_calls',
      reason: 'same Read call',
    });
  });

  it('do not equate an absolute path with a relative one when the working directory is unknown', () => {
    expect(compareCalls([call('Read', { file_path: 'src/app.ts' })], [call('Read', { file_path: '/repo/src/app.ts' })])).toMatchObject({
      agreed: false,
      reason: 'Read: file_path differs',
    });
  });

  it('ignore key order and surrounding or repeated whitespace', () => {
    const draft = call('Grep', { pattern: 'TODO  fix', path: 'src' });
    const verifier = call('Grep', { path: 'src/', pattern: ' TODO fix ' });
    expect(compareCalls([draft], [verifier])).toMatchObject({ agreed: true });
  });

  it('compare every field of other tools', () => {
    const verifier = call('Grep', { pattern: 'TODO', path: 'src', output_mode: 'content' });
    expect(compareCalls([call('Grep', { pattern: 'TODO', path: 'src' })], [verifier])).toMatchObject({ agreed: false, reason: 'Grep: output_mode differs' });
  });

  it('take an Edit of the same file at the same old_string as the same edit, whatever the replacement', () => {
    const draft = call('Edit', { file_path: 'src/app.ts', old_string: 'return a+b;', new_string: 'return a + b;' });
    const same = call('Edit', { file_path: '/repo/src/app.ts', old_string: 'return a+b;', new_string: 'return b + a;', replace_all: false });
    const elsewhere = call('Edit', { file_path: 'src/app.ts', old_string: 'return a-b;', new_string: 'return a + b;' });
    expect(compareCalls([draft], [same], '/repo')).toMatchObject({ agreed: true });
    expect(compareCalls([draft], [elsewhere], '/repo')).toMatchObject({ agreed: false, reason: 'Edit: old_string differs' });
  });

  it('compare a Bash call by its command, not its description', () => {
    const draft = call('Bash', { command: 'npm  test', description: 'Run the tests' });
    expect(compareCalls([draft], [call('Bash', { command: 'npm test', description: 'Runs the test suite', timeout: 60000 })])).toMatchObject({ agreed: true });
    expect(compareCalls([draft], [call('Bash', { command: 'npm test -- app' })])).toMatchObject({ agreed: false, reason: 'Bash: command differs' });
  });

  it("compare a Write by its file and its content's wording", () => {
    const draft = call('Write', { file_path: 'notes.txt', content: 'abcde' });
    expect(compareCalls([draft], [call('Write', { file_path: './notes.txt', content: 'ABCDE\n' })])).toMatchObject({ agreed: true });
    expect(compareCalls([draft], [call('Write', { file_path: 'notes.txt', content: 'abcdf' })])).toMatchObject({
      agreed: false,
      reason: `Write: content differs (wording similarity 0.50 < ${WORDING_CUTOFF})`,
    });
  });

  it('match parallel calls in any order', () => {
    const a = call('Read', { file_path: 'a.ts' }, 'toolu_a');
    const b = call('Read', { file_path: 'b.ts' }, 'toolu_b');
    expect(compareCalls([a, b], [b, a])).toEqual({ agreed: true, method: 'tool_calls', reason: 'same 2 calls (Read, Read)' });
  });

  it('disagree on the number of calls, a different tool, or a call against text', () => {
    const read = call('Read', { file_path: 'a.ts' });
    expect(compareCalls([read], [read, call('Read', { file_path: 'b.ts' }, 'toolu_2')]).reason).toBe('the draft makes 1 tool call, the verifier 2');
    expect(compareCalls([read], [call('Glob', { pattern: '*.ts' })]).reason).toBe('the verifier makes no Read call');
    expect(compareCalls([{ type: 'text', text: 'Let me look.' }, read], [{ type: 'text', text: 'Done.' }]).reason).toBe(
      'the draft calls Read; the verifier answers in text',
    );
    expect(compareCalls([{ type: 'text', text: 'Done.' }], [read]).reason).toBe('the verifier calls Read; the draft answers in text');
  });
});

describe('answers in text', () => {
  const question = requestFor('Tom has 3 apples and buys 5 more. How many apples does he have now?');
  const compareText = (draft: string, verifier: string, request = question) =>
    compareAnswers({ request, draft: draftMessage(draft), verifier: draftMessage(verifier) });

  it('compare final numbers when the question asks for a quantity', () => {
    expect(compareText('3 + 5 = 8, so Tom has 8 apples now.', 'He has 8 apples.')).toEqual({
      agreed: true,
      method: 'number',
      reason: 'same final number 8',
    });
    expect(compareText('3 + 5 = 8. Tom has 8 apples.', 'Tom has 9 apples.')).toEqual({
      agreed: false,
      method: 'number',
      reason: 'final numbers differ: 8 vs 9',
    });
  });

  it('read thousands separators and currency as the checker does', () => {
    expect(compareText('The total is $1,350.', 'Total: 1350')).toMatchObject({ agreed: true, reason: 'same final number $1,350' });
  });

  it('compare by wording when only one answer ends on a number', () => {
    expect(compareText('He has 8 apples.', 'He has eight apples.')).toMatchObject({ method: 'wording' });
  });

  it('compare any other text by wording', () => {
    const open = requestFor('Explain what a TCP handshake is.');
    expect(compareText('A handshake opens a TCP connection.', 'A handshake opens a TCP connection.', open)).toEqual({
      agreed: true,
      method: 'wording',
      reason: `wording similarity 1.00 ≥ ${WORDING_CUTOFF}`,
    });
    expect(compareText('abcde', 'abcdf', open)).toEqual({ agreed: false, method: 'wording', reason: `wording similarity 0.50 < ${WORDING_CUTOFF}` });
  });
});
