// Code in the draft: JSON blocks must parse, JavaScript must parse (acorn), other
// languages must at least balance their brackets, and every fence must be closed.
import { parse as parseJs } from 'acorn';
import type { QualitySignal } from '../../contracts/decision';
import type { SignalCheck } from './extract';
import { findFences } from './fences';

const JS = new Set(['js', 'javascript', 'mjs', 'cjs', 'node']);
interface Syntax {
  /** Line comment marker. */
  line: string;
  /** Has /* block comments *\/. */
  block: boolean;
  /** Characters that open (and close) a string. */
  quotes: string;
}

const C_LIKE: Syntax = { line: '//', block: true, quotes: '"\'`' };
const HASH_COMMENTS: Syntax = { line: '#', block: false, quotes: '"\'' };
/** Languages whose strings and comments can be skipped reliably, so their brackets must balance. */
const BRACKETED = new Map<string, Syntax>([
  ...['ts', 'typescript', 'tsx', 'jsx', 'java', 'c', 'h', 'cpp', 'c++', 'cc', 'cs', 'csharp', 'go', 'kotlin', 'kt', 'swift', 'scala', 'dart', 'php'].map(
    (lang) => [lang, C_LIKE] as const,
  ),
  ...['rust', 'rs'].map((lang) => [lang, { ...C_LIKE, quotes: '"' }] as const), // 'a is a lifetime, not a quote
  ...['python', 'py', 'ruby', 'rb', 'r'].map((lang) => [lang, HASH_COMMENTS] as const),
]);

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** The first unbalanced bracket, or null. Skips strings and comments. */
function unbalanced(code: string, syntax: Syntax): string | null {
  const stack: string[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (code.startsWith(syntax.line, i)) {
      const eol = code.indexOf('\n', i);
      if (eol < 0) break;
      i = eol;
    } else if (syntax.block && ch === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) return 'unclosed comment';
      i = end + 1;
    } else if (syntax.quotes.includes(ch) && code.startsWith(ch.repeat(3), i)) {
      const end = code.indexOf(ch.repeat(3), i + 3); // Python docstrings, Kotlin/Swift raw strings
      if (end < 0) return `unclosed string ${ch.repeat(3)}`;
      i = end + 2;
    } else if (syntax.quotes.includes(ch)) {
      let j = i + 1;
      while (j < code.length && code[j] !== ch && (ch === '`' || code[j] !== '\n')) j += code[j] === '\\' ? 2 : 1;
      if (j >= code.length || code[j] !== ch) return `unclosed string ${ch}`;
      i = j;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      stack.push(ch);
    } else if (ch === ')' || ch === ']' || ch === '}') {
      if (stack.pop() !== PAIRS[ch]) return `unmatched '${ch}'`;
    }
  }
  return stack.length > 0 ? `unclosed '${stack[stack.length - 1]}'` : null;
}

/** A lone "..." standing for omitted code ("function f() { ... }"), not a spread. */
const ELISION = /(^|[\s{([,])(?:\.\.\.|…)(?=\s|[)}\],;]|$)/gm;
/** JSX markup: acorn does not parse it, so such blocks are only checked for balance. */
const JSX = /<\/[A-Za-z]|\/>/;

function jsError(code: string): string | null {
  const options = { ecmaVersion: 'latest', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowHashBang: true, allowImportExportEverywhere: true } as const;
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
