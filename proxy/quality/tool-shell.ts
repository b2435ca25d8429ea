// A small, conservative reader of Bash command lines: enough to say that a command parses
// (quotes, backticks, substitutions and parentheses close; no operator dangles) and to prove a
// command read-only. It never runs anything. Whatever it does not understand is "not proven":
// heredocs, subshells, compound commands, command substitution, assignments and unknown programs.

export interface ShellCommand {
  /** The words of one simple command, quotes removed. */
  words: string[];
  /** Redirections as written: operator and target (`>`, `/dev/null`). */
  redirects: Array<{ op: string; target: string }>;
}

export type ShellParse =
  | {
      ok: true;
      /** Simple commands, in order, whatever joins them. */
      commands: ShellCommand[];
      /** The control operators between them (`|`, `&&`, `||`, `;`, `&`, newline as `;`). */
      operators: string[];
      /** Something the reader does not model: command or process substitution, a subshell, a heredoc. */
      opaque: boolean;
    }
  | { ok: false; reason: string }
  /** Too complex to judge syntax (a heredoc, a `case`): no verdict either way. */
  | { ok: null };

const OPERATORS = ['&&', '||', ';;', '|&', '&>>', '<<<', '<<-', '<<', '>>', '&>', '>&', '<&', '>|', '<>', '|', '&', ';', '(', ')', '<', '>'];
const REDIRECTS = new Set(['&>>', '<<<', '<<-', '<<', '>>', '&>', '>&', '<&', '>|', '<>', '<', '>']);
const BINARY = new Set(['&&', '||', '|', '|&']);
const WORD_END = new Set([' ', '\t', '\n', '|', '&', ';', '(', ')', '<', '>']);

class Unparsable extends Error {}

/** Index just past the `close` that balances an opening already consumed, honouring quotes. */
function skipBalanced(s: string, i: number, open: string, close: string): number {
  let depth = 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') i += 2;
    else if (c === "'") i = skipSingle(s, i + 1);
    else if (c === '"') i = skipDouble(s, i + 1).end;
    else if (c === '`') i = skipBacktick(s, i + 1);
    else {
      if (c === open) depth++;
      else if (c === close && --depth === 0) return i + 1;
      i++;
    }
  }
  throw new Unparsable(`unclosed ${open === '(' ? '$(' : '${'}`);
}

function skipSingle(s: string, i: number): number {
  const end = s.indexOf("'", i);
  if (end < 0) throw new Unparsable('unterminated single quote');
  return end + 1;
}

function skipBacktick(s: string, i: number): number {
  for (; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '`') return i + 1;
  }
  throw new Unparsable('unterminated backtick');
}

/** `$…` at i: where it ends, and whether it runs or assigns anything (`$(`, `${`). */
function skipDollar(s: string, i: number): { end: number; opaque: boolean } {
  const next = s[i + 1];
  if (next === '(') return { end: skipBalanced(s, i + 2, '(', ')'), opaque: true };
  if (next === '{') return { end: skipBalanced(s, i + 2, '{', '}'), opaque: true };
  return { end: i + 1, opaque: false };
}

function skipDouble(s: string, i: number): { end: number; text: string; opaque: boolean } {
  let text = '';
  let opaque = false;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') return { end: i + 1, text, opaque };
    if (c === '\\') {
      text += s[i + 1] ?? '';
      i += 2;
    } else if (c === '`') {
      opaque = true;
      i = skipBacktick(s, i + 1);
    } else if (c === '$') {
      const dollar = skipDollar(s, i);
      opaque ||= dollar.opaque;
      text += s.slice(i, dollar.end);
      i = dollar.end;
    } else {
      text += c;
      i++;
    }
  }
  throw new Unparsable('unterminated double quote');
}

interface Token {
  kind: 'word' | 'op';
  text: string;
  opaque?: boolean;
}

function lex(s: string): { tokens: Token[]; heredoc: boolean } {
  const tokens: Token[] = [];
  let heredoc = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\\' && s[i + 1] === '\n') {
      i += 2;
    } else if (c === '\n') {
      tokens.push({ kind: 'op', text: '\n' });
      i++;
    } else if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if ((c === '<' || c === '>') && s[i + 1] === '(') {
      tokens.push({ kind: 'word', text: '', opaque: true });
      i = skipBalanced(s, i + 2, '(', ')');
    } else if (WORD_END.has(c)) {
      const op = OPERATORS.find((o) => s.startsWith(o, i)) ?? c;
      if (op.startsWith('<<') && op !== '<<<') heredoc = true;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      let text = '';
      let opaque = false;
      while (i < s.length && !WORD_END.has(s[i])) {
        const w = s[i];
        if (w === '\\') {
          text += s[i + 1] ?? '';
          i += 2;
        } else if (w === "'") {
          const end = skipSingle(s, i + 1);
          text += s.slice(i + 1, end - 1);
          i = end;
        } else if (w === '"') {
          const quoted = skipDouble(s, i + 1);
          text += quoted.text;
          opaque ||= quoted.opaque;
          i = quoted.end;
        } else if (w === '`') {
          opaque = true;
          i = skipBacktick(s, i + 1);
        } else if (w === '$') {
          const dollar = skipDollar(s, i);
          opaque ||= dollar.opaque;
          text += s.slice(i, dollar.end);
          i = dollar.end;
        } else {
          text += w;
          i++;
        }
      }
      tokens.push({ kind: 'word', text, opaque });
    }
  }
  return { tokens, heredoc };
}

/** Reserved words that open compound commands: their structure is not modelled. */
const COMPOUND = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'select', 'function', '{', '}', '[[', ']]']);

export function parseShell(command: string): ShellParse {
  let lexed: ReturnType<typeof lex>;
  try {
    lexed = lex(command);
  } catch (error) {
    if (!(error instanceof Unparsable)) throw error;
    // A heredoc body may hold any text: an unbalanced quote in it is no error.
    return command.includes('<<') ? { ok: null } : { ok: false, reason: error.message };
  }
  if (lexed.heredoc) return { ok: null };
  const commands: ShellCommand[] = [];
  const operators: string[] = [];
  let opaque = false;
  let depth = 0;
  let current: ShellCommand = { words: [], redirects: [] };
  /** A command (or a closed subshell) ends right here, so an operator may follow. */
  let afterCommand = false;
  /** A binary operator (`|`, `&&`, `||`) still waiting for the command on its right. */
  let waiting: string | null = null;
  const flush = () => {
    if (current.words.length || current.redirects.length) commands.push(current);
    current = { words: [], redirects: [] };
  };
  const tokens = lexed.tokens;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    const op = token.text;
    if (token.kind === 'word') {
      if (current.words.length === 0 && COMPOUND.has(op)) return { ok: null };
      current.words.push(op);
      opaque ||= token.opaque === true;
    } else if (REDIRECTS.has(op)) {
      const target = tokens[t + 1];
      if (!target || target.kind !== 'word') return { ok: false, reason: `redirection '${op}' has no target` };
      current.redirects.push({ op, target: target.text });
      opaque ||= target.opaque === true;
      t++;
    } else if (op === '(') {
      depth++;
      opaque = true;
      continue;
    } else if (op === ')') {
      if (--depth < 0) return { ok: false, reason: "unexpected ')'" };
    } else if (op === ';;') {
      return { ok: null };
    } else if (op === '\n') {
      // A newline ends a command like `;`, but continues a line that ends with `|` or `&&`.
      flush();
      if (afterCommand) operators.push(';');
      afterCommand = false;
      continue;
    } else {
      if (!afterCommand) return { ok: false, reason: `unexpected '${op}'` };
      flush();
      operators.push(op);
      afterCommand = false;
      waiting = BINARY.has(op) ? op : null;
      continue;
    }
    afterCommand = true;
    waiting = null;
  }
  if (depth > 0) return { ok: false, reason: "unclosed '('" };
  if (waiting) return { ok: false, reason: `ends with '${waiting}'` };
  flush();
  return { ok: true, commands, operators, opaque };
}

// ---- Read-only proof ---------------------------------------------------------------------

type ArgsCheck = (args: string[]) => boolean;
const ANY: ArgsCheck = () => true;
/** A short-option cluster (`-no`) or long option that contains the given letter or name. */
const hasOption = (args: string[], short: string, long: string[]) =>
  args.some((a) => (/^-[^-]/.test(a) && a.slice(1).includes(short)) || long.some((l) => a === l || a.startsWith(`${l}=`)));

/** `find` primaries that delete, run programs or write files. */
const FIND_WRITES = new Set(['-delete', '-exec', '-execdir', '-ok', '-okdir', '-fprint', '-fprint0', '-fprintf', '-fls']);
/** `git branch` flags that only list. */
const BRANCH_LISTS = new Set(['-a', '-r', '-v', '-vv', '-l', '--list', '--all', '--remotes', '--verbose', '--show-current', '--no-color', '--color']);

const GIT_SUBCOMMANDS: Record<string, ArgsCheck> = {
  status: ANY,
  // --output writes the diff to a file; --ext-diff runs a configured program.
  diff: (a) => !a.some((x) => x.startsWith('--output') || x === '--ext-diff'),
  log: (a) => !a.some((x) => x.startsWith('--output') || x === '--ext-diff'),
  show: (a) => !a.some((x) => x.startsWith('--output') || x === '--ext-diff'),
  branch: (a) => a.every((x) => BRANCH_LISTS.has(x)),
  'rev-parse': ANY,
  'ls-files': ANY,
  blame: ANY,
};

function gitReadOnly(args: string[]): boolean {
  let i = 0;
  // Global options: `-c` may set a pager or hook to run, so it is not proven.
  while (i < args.length && args[i].startsWith('-')) {
    if (args[i] === '-C') i += 2;
    else if (args[i] === '--no-pager' || args[i] === '-P') i++;
    else return false;
  }
  const check = GIT_SUBCOMMANDS[args[i] ?? ''];
  return check !== undefined && check(args.slice(i + 1));
}

/**
 * Programs proven read-only, with the options that would make them write: a small list on
 * purpose (anything else is a write). `echo` and `printf` only print; `cd` changes the shell's
 * directory, no file.
 */
const READ_ONLY_PROGRAMS: Record<string, ArgsCheck> = {
  ls: ANY,
  cat: ANY,
  head: ANY,
  tail: ANY,
  wc: ANY,
  pwd: ANY,
  cd: ANY,
  echo: ANY,
  grep: ANY,
  egrep: ANY,
  fgrep: ANY,
  rg: (a) => !a.some((x) => x === '--pre' || x.startsWith('--pre=')), // --pre runs a program per file
  find: (a) => !a.some((x) => FIND_WRITES.has(x)),
  git: gitReadOnly,
  file: (a) => !hasOption(a, 'C', ['--compile']),
  stat: ANY,
  du: ANY,
  df: ANY,
  which: ANY,
  realpath: ANY,
  dirname: ANY,
  basename: ANY,
  sort: (a) => !hasOption(a, 'o', ['--output', '--compress-program']),
  uniq: (a) => a.filter((x) => !x.startsWith('-')).length <= 1, // a second operand is an output file
  cut: ANY,
  diff: ANY,
  cmp: ANY,
  jq: ANY,
  nl: ANY,
  md5sum: ANY,
  sha1sum: ANY,
  sha256sum: ANY,
  date: (a) => !hasOption(a, 's', ['--set']),
  whoami: ANY,
  uname: ANY,
  true: ANY,
  false: ANY,
  test: ANY,
  '[': ANY,
};

/** Redirections that write nothing: input from a file, output to /dev/null, descriptor copies. */
function harmlessRedirect({ op, target }: { op: string; target: string }): boolean {
  if (op === '<') return true;
  if (op === '>&' || op === '<&') return /^(?:\d|-)$/.test(target);
  return (op === '>' || op === '>>' || op === '&>' || op === '&>>') && target === '/dev/null';
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/;

function readOnlyCommand({ words, redirects }: ShellCommand): boolean {
  if (!redirects.every(harmlessRedirect)) return false;
  if (words.length === 0) return redirects.length === 0;
  if (ASSIGNMENT.test(words[0])) return false; // `FOO=1 cmd` or `x=$(…)`
  const check = Object.hasOwn(READ_ONLY_PROGRAMS, words[0]) ? READ_ONLY_PROGRAMS[words[0]] : undefined;
  return check !== undefined && check(words.slice(1));
}

/**
 * The command provably only reads: it parses, runs nothing it cannot see (no substitution,
 * subshell or heredoc), backgrounds nothing, and every simple command in it — joined by pipes,
 * `&&`, `||` or `;` — is a read-only program without a writing option or redirection.
 */
export function isReadOnlyCommand(command: string): boolean {
  const parsed = parseShell(command);
  if (parsed.ok !== true || parsed.opaque || parsed.commands.length === 0) return false;
  if (parsed.operators.includes('&')) return false;
  return parsed.commands.every(readOnlyCommand);
}
