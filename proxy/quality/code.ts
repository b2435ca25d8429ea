// Code in the draft: JSON blocks must parse, JavaScript must parse (acorn, loaded on first
// use: js-parser.ts), other languages must at least balance their brackets, and every fence
// must be closed.
import type { QualitySignal } from '../../contracts/decision';
import type { SignalCheck } from './extract';
import { findFences } from './fences';
import { jsParse } from './js-parser';

const JS = new Set(['js', 'javascript', 'mjs', 'cjs', 'node']);

/** What an ASCII character may start in code: most characters start nothing. */
const NOTHING = 0;
const COMMENT = 1;
const QUOTE = 2;
const OPENS = 3;
const CLOSES = 4;

interface Syntax {
  /** Line comment marker. */
  line: string;
  /** Has /* block comments *\/. */
  block: boolean;
  /** By ASCII character code, what the character may start (NOTHING, COMMENT, QUOTE, …). */
  starts: Uint8Array;
}

/** A language's comments and the characters that open (and close) its strings. */
function syntax(line: string, block: boolean, quotes: string): Syntax {
  const starts = new Uint8Array(128);
  starts[line.charCodeAt(0)] = COMMENT;
  if (block) starts[47 /* / */] = COMMENT;
  for (const c of quotes) starts[c.charCodeAt(0)] = QUOTE;
  for (const c of '([{') starts[c.charCodeAt(0)] = OPENS;
  for (const c of ')]}') starts[c.charCodeAt(0)] = CLOSES;
  return { line, block, starts };
}

const C_LIKE = syntax('//', true, '"\'`');
const HASH_COMMENTS = syntax('#', false, '"\'');
/** Languages whose strings and comments can be skipped reliably, so their brackets must balance. */
const BRACKETED = new Map<string, Syntax>([
  ...['ts', 'typescript', 'tsx', 'jsx', 'java', 'c', 'h', 'cpp', 'c++', 'cc', 'cs', 'csharp', 'go', 'kotlin', 'kt', 'swift', 'scala', 'dart', 'php'].map(
    (lang) => [lang, C_LIKE] as const,
  ),
  ...['rust', 'rs'].map((lang) => [lang, syntax('//', true, '"')] as const), // 'a is a lifetime, not a quote
  ...['python', 'py', 'ruby', 'rb', 'r'].map((lang) => [lang, HASH_COMMENTS] as const),
]);

/** The opening bracket of each closing one, by character code: ( [ { for ) ] }. */
const OPENING: Record<number, number> = { 41: 40, 93: 91, 125: 123 };

/**
 * The first unbalanced bracket, or null. Skips strings and comments. Read by character code
 * against a table: this runs over every code block of every answer, and most characters start
 * nothing.
 */
function unbalanced(code: string, { line, block, starts }: Syntax): string | null {
  const stack: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    const kind = c < 128 ? starts[c] : NOTHING;
    if (kind === NOTHING) continue;
    if (kind === COMMENT) {
      if (code.startsWith(line, i)) {
        const eol = code.indexOf('\n', i);
        if (eol < 0) break;
        i = eol;
      } else if (block && c === 47 /* / */ && code.charCodeAt(i + 1) === 42 /* * */) {
        const end = code.indexOf('*/', i + 2);
        if (end < 0) return 'unclosed comment';
        i = end + 1;
      }
    } else if (kind === QUOTE) {
      if (code.charCodeAt(i + 1) === c && code.charCodeAt(i + 2) === c) {
        const triple = code.slice(i, i + 3);
        const end = code.indexOf(triple, i + 3); // Python docstrings, Kotlin/Swift raw strings
        if (end < 0) return `unclosed string ${triple}`;
        i = end + 2;
        continue;
      }
      // A backtick string may span lines; the others end at the line.
      let j = i + 1;
      for (let d = code.charCodeAt(j); j < code.length && d !== c && (c === 96 /* ` */ || d !== 10); d = code.charCodeAt(j)) j += d === 92 /* \\ */ ? 2 : 1;
      if (j >= code.length || code.charCodeAt(j) !== c) return `unclosed string ${code[i]}`;
      i = j;
    } else if (kind === OPENS) {
      stack.push(c);
    } else if (stack.pop() !== OPENING[c]) {
      return `unmatched '${code[i]}'`;
    }
  }
  return stack.length > 0 ? `unclosed '${String.fromCharCode(stack[stack.length - 1])}'` : null;
}

/** A lone "..." standing for omitted code ("function f() { ... }"), not a spread. */
const ELISION = /(^|[\s{([,])(?:\.\.\.|\u2026)(?=\s|[)}\],;]|$)/gm;
/** JSX markup: acorn does not parse it, so such blocks are only checked for balance. */
const JSX = /<\/[A-Za-z]|\/>/;

function jsError(code: string): string | null {
  const options = { ecmaVersion: 'latest', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowHashBang: true, allowImportExportEverywhere: true } as const;
  const parseJs = jsParse();
  try {
    parseJs(code, { ...options, sourceType: 'module' });
    return null;
  } catch (moduleError) {
    try {
      parseJs(code, { ...options, sourceType: 'script' }); // sloppy-mode code (with, octal literals)
      return null;
    } catch {
      return (moduleError as Error).message;
    }
  }
}

/** Why a JavaScript block does not parse, or null; elisions are allowed, JSX is only balanced. */
function javascriptProblem(code: string): string | null {
  const error = jsError(code.replace(ELISION, '$1'));
  if (!error) return null;
  if (JSX.test(code)) return unbalanced(code, C_LIKE);
  return `JavaScript block does not parse: ${error}`;
}

export const code: SignalCheck = (ctx) => {
  const signals: QualitySignal[] = [];
  for (const fence of findFences(ctx.text)) {
    if (!fence.closed) {
      if (!ctx.partial) signals.push({ name: 'unfinished_code', penalty: 0.6, reason: `unclosed ${fence.lang || 'code'} block` });
      continue;
    }
    if (!fence.code.trim()) continue;
    if (fence.lang === 'json') {
      try {
        JSON.parse(fence.code);
      } catch (error) {
        signals.push({ name: 'invalid_json', penalty: 0.5, reason: `JSON block does not parse: ${(error as Error).message}` });
      }
    } else if (JS.has(fence.lang)) {
      const problem = javascriptProblem(fence.code);
      if (problem) signals.push({ name: 'invalid_code', penalty: 0.4, reason: problem });
    } else {
      const syntax = BRACKETED.get(fence.lang);
      const error = syntax && unbalanced(fence.code, syntax);
      if (error) signals.push({ name: 'invalid_code', penalty: 0.35, reason: `${fence.lang} block is malformed: ${error}` });
    }
  }
  return signals;
};
