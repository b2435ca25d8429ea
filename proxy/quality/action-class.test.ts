import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MessagesRequest, ToolUseBlock } from '../wire';
import { CLAUDE_CODE_TOOLS, classifyCall, classifyDraft } from './action-class';
import { isReadOnlyCommand, parseShell } from './tool-shell';

const captured = JSON.parse(
  readFileSync(new URL('../../test/fixtures/claude-code/request-2.1.332.json', import.meta.url), 'utf8'),
) as MessagesRequest;

const call = (name: string, input: unknown = {}): ToolUseBlock => ({ type: 'tool_use', id: `toolu_${name}`, name, input });
const bash = (command: string) => classifyCall(call('Bash', { command }));

describe('the action-class table', () => {
  it('names every tool the real Claude Code 2.1.332 sends', () => {
    const names = (captured.tools ?? []).map((t) => t.name);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !Object.hasOwn(CLAUDE_CODE_TOOLS, name))).toEqual([]);
  });

  it('classifies drafts: text is an answer, reads only are read, any write makes it a write', () => {
    expect(classifyDraft([{ type: 'text', text: 'Done.' }])).toBe('answer');
    expect(classifyDraft([call('Read', { file_path: '/p/a.ts' }), call('Grep', { pattern: 'x' })])).toBe('read');
    expect(classifyDraft([call('Read', { file_path: '/p/a.ts' }), call('Edit', {})])).toBe('write');
    expect(classifyDraft([call('get_weather', { city: 'Paris' })])).toBe('write'); // unknown tool
    expect(classifyDraft([call('Bash', { command: 'git status' })])).toBe('read');
    expect(classifyDraft([call('Bash', {})])).toBe('write'); // no command: nothing proven
  });
});

describe('Bash commands proven read-only', () => {
  it.each([
    'ls -la',
    'cat src/app.ts | head -40',
    'git status',
    'git --no-pager log --oneline -5',
    'git -C /repo diff HEAD~1 -- src',
    'git branch',
    'git branch -a -v',
    'rg -n "TODO" src',
    "grep -rn 'foo$' . | wc -l",
    'find . -name "*.ts" -not -path "./node_modules/*"',
    'pwd',
    'echo "$HOME"',
    'cd packages/app && ls',
    'ls missing 2>/dev/null || echo none',
    'wc -l < src/app.ts',
    'git diff 2>&1 | tail -20',
    'sort -n -r sizes.txt',
    'ls \\\n  -la',
  ])('%s', (command) => expect(bash(command)).toBe('read'));
});

describe('Bash commands that write or are not proven read-only', () => {
  it.each([
    ['a redirection', 'echo hi > out.txt'],
    ['an append', 'cat a >> b'],
    ['a write after a read', 'ls && rm -rf build'],
    ['a write after ;', 'git status; git commit -am wip'],
    ['a write in a pipe', 'cat list | xargs rm'],
    ['command substitution', 'echo $(rm -rf x)'],
    ['backticks', 'ls `whoami`'],
    ['parameter expansion that may assign', 'echo ${X:=1}'],
    ['process substitution', 'diff <(ls a) <(ls b)'],
    ['an env assignment', 'FOO=1 ls'],
    ['sudo', 'sudo ls'],
    ['find -delete', 'find . -name "*.tmp" -delete'],
    ['find -exec', 'find . -exec rm {} \\;'],
    ['find -fprint', 'find . -fprint list.txt'],
    ['git commit', 'git commit -m "x"'],
    ['git branch creating a branch', 'git branch feature'],
    ['git branch -D', 'git branch -D old'],
    ['git -c (may set a program to run)', 'git -c core.pager=sh log'],
    ['git diff --output', 'git diff --output=patch.diff'],
    ['rg --pre (runs a program)', 'rg --pre ./x foo'],
    ['sort -o', 'sort -o sorted.txt list.txt'],
    ['uniq with an output file', 'uniq in.txt out.txt'],
    ['date -s', 'date -s "2020-01-01"'],
    ['a background job', 'ls &'],
    ['a subshell', '(cd x && ls)'],
    ['a heredoc', "cat <<'EOF'\nhi\nEOF"],
    ['sed (may write)', 'sed -n 1,5p file'],
    ['an unknown program', 'npm test'],
    ['a path to a program', '/bin/ls'],
    ['a compound command', 'for f in *; do cat $f; done'],
    ['an unterminated quote', 'ls "src'],
  ])('%s', (_, command) => expect(bash(command)).toBe('write'));
});

describe('parseShell', () => {
  it('splits simple commands and operators, quotes removed', () => {
    const parsed = parseShell(`git log --format='%h %s' | grep "fix: a b" && echo ok`);
    expect(parsed).toMatchObject({
      ok: true,
      opaque: false,
      operators: ['|', '&&'],
      commands: [{ words: ['git', 'log', '--format=%h %s'] }, { words: ['grep', 'fix: a b'] }, { words: ['echo', 'ok'] }],
    });
  });

  it.each([
    ['ls "src', 'unterminated double quote'],
    ["echo 'it", 'unterminated single quote'],
    ['echo `date', 'unterminated backtick'],
    ['echo $(ls', 'unclosed $('],
    ['(ls', "unclosed '('"],
    ['ls)', "unexpected ')'"],
    ['ls |', "ends with '|'"],
    ['ls &&', "ends with '&&'"],
    ['| wc', "unexpected '|'"],
    ['ls ; ; ls', "unexpected ';'"],
    ['cat >', "redirection '>' has no target"],
  ])('rejects %s', (command, reason) => expect(parseShell(command)).toEqual({ ok: false, reason }));

  it('accepts what bash accepts: continued lines, trailing ; and &, comments, quoted operators', () => {
    for (const command of ['ls |\n  wc -l', 'ls;', 'sleep 1 &', 'ls # a comment with a quote \'', 'echo "a|b;c" \'(\'', 'ls\n\nls'])
      expect(parseShell(command).ok).toBe(true);
  });

  it('gives no verdict on heredocs and case statements', () => {
    expect(parseShell("git commit -m \"$(cat <<'EOF'\nit's done\nEOF\n)\"").ok).toBeNull();
    expect(parseShell('case $x in a) ls;; esac').ok).toBeNull();
  });

  it('marks substitutions and subshells as opaque', () => {
    expect(parseShell('echo "$(date)"')).toMatchObject({ ok: true, opaque: true });
    expect(parseShell('(ls)')).toMatchObject({ ok: true, opaque: true });
    expect(isReadOnlyCommand('echo "$(date)"')).toBe(false);
  });
});
