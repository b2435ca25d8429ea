// Internal consistency of stated arithmetic: every "a op b = c" the draft writes is
// recomputed, whatever the notation ("3 x $5", "12 times 4", "40% of 30", "1,350 / 3 ≈ 450").
// A model that gets its own arithmetic wrong rarely gets the answer right.
import type { QualitySignal } from '../../contracts/decision';
import { memo, type DraftContext, type SignalCheck } from './extract';
import { decimals, numberEnd, numberValueAt } from './numbers';

/**
 * Every token has every field, so property reads stay monomorphic (one object shape):
 * `op` for operators, `text`/`value`/`percent` for numbers, `loose` for ≈.
 */
interface Token {
  kind: 'num' | 'op' | '(' | ')' | 'var' | 'break' | 'word' | 'eq';
  op: '+' | '-' | '*' | '/' | '';
  text: string;
  value: number;
  percent: boolean;
  loose: boolean;
}

function token(kind: Token['kind'], fields: Partial<Token> = {}): Token {
  return { kind, op: fields.op ?? '', text: fields.text ?? '', value: fields.value ?? 0, percent: fields.percent ?? false, loose: fields.loose ?? false };
}

const OPS: Record<string, '+' | '-' | '*' | '/'> = {
  '+': '+', plus: '+', '-': '-', '−': '-', minus: '-', '*': '*', '×': '*', '·': '*', '⋅': '*', times: '*',
  multiplied: '*', of: '*', x: '*', X: '*', '/': '/', '÷': '/', divided: '/', '\\times': '*', '\\cdot': '*', '\\div': '/',
};

/** Words a quantity may carry between a number and the next operator ("60 meters/sprint *"). */
const MAX_UNIT_WORDS = 3;

// Tokens without data are shared: tokenizing runs on every line that states a result.
const WORD = token('word');
const VAR = token('var');
const BREAK = token('break');
const OPEN = token('(');
const CLOSE = token(')');
const EQUALS = token('eq');
const ABOUT = token('eq', { loose: true });
const OP_TOKENS = new Map(Object.entries(OPS).map(([text, op]) => [text, token('op', { op })]));
const MULTIPLY = OP_TOKENS.get('*') as Token;
/**
 * One-character operators by character code, looked up without making a string of the
 * character: Latin-1 ones (+ - * / × · ÷) in a plain array, the others (− ⋅) in a map.
 */
const LATIN1_SYMBOLS: (Token | undefined)[] = Array.from({ length: 256 }, () => undefined);
const OTHER_SYMBOLS = new Map<number, Token>();
for (const [text, t] of OP_TOKENS) {
  if (text.length !== 1) continue;
  const code = text.charCodeAt(0);
  if (code < 256) LATIN1_SYMBOLS[code] = t;
  else OTHER_SYMBOLS.set(code, t);
}

// Character classes by code, inline: these run per character.
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isLetterOrDigit = (c: number) => isLetter(c) || (c >= 48 && c <= 57);

const EXPRESSION_START = /[\d$\u20ac£(.\\\u2212-]/;

/**
 * `word` if the line has it at `start`: the first letters are compared before the builtin is
 * called, and it is a module function (a closure per call measured 10× slower).
 */
const at = (line: string, start: number, word: string): string | null =>
  line.charCodeAt(start) === word.charCodeAt(0) && line.startsWith(word, start) ? word : null;

/**
 * The operator word at `line.slice(start, end)`, or null for prose. Compared in place, by
 * length first: most words are prose, and a string per word would cost more than the check.
 */
function operatorWord(line: string, start: number, end: number): string | null {
  switch (end - start) {
    case 1:
      return at(line, start, 'x') ?? at(line, start, 'X');
    case 2:
      return at(line, start, 'is') ?? at(line, start, 'of');
    case 4:
      return at(line, start, 'plus');
    case 5:
      return at(line, start, 'times') ?? at(line, start, 'minus') ?? at(line, start, 'makes');
    case 6:
      return at(line, start, 'equals');
    case 7:
      return at(line, start, 'divided');
    case 10:
      return at(line, start, 'multiplied');
    default:
      return null;
  }
}

/** LaTeX operator commands; any other backslash command delimits the maths. */
const LATEX_OPERATORS = ['\\times', '\\cdot', '\\div'];

/**
 * The last token, or undefined. Never `tokens[-1]`: reading index -1 of an empty array is a
 * named-property lookup that turns every element read at that site into a slow generic one.
 */
const lastOf = (tokens: Token[]): Token | undefined => (tokens.length > 0 ? tokens[tokens.length - 1] : undefined);

/** A hand-written lexer: this runs on every line that states a result, so no regex match objects. */
function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  // Prose before the first number, bracket or sign cannot belong to an expression.
  let i = Math.max(0, line.search(EXPRESSION_START));
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c <= 32) {
      i++;
      continue;
    }
    const prev = lastOf(tokens);
    const end = (c >= 48 && c <= 57) || c === 46 || c === 36 || c === 8364 || c === 163 ? numberEnd(line, i) : -1;
    if (end > 0) {
      if (isLetter(line.charCodeAt(end))) {
        // Letters glued to a number make it a variable or an ordinal: "1.5x", "3rd".
        i = end;
        while (i < line.length && isLetterOrDigit(line.charCodeAt(i))) i++;
        tokens.push(VAR);
        continue;
      }
      const percent = line.charCodeAt(end - 1) === 37; // %
      tokens.push({ kind: 'num', op: '', text: line.slice(i, end), value: numberValueAt(line, i, end), percent, loose: false });
      i = end;
    } else if (isLetter(c)) {
      let j = i + 1;
      // Letters, and a slash between letters ("meters/sprint"); charCodeAt past the end is NaN.
      for (let c2 = line.charCodeAt(j); isLetter(c2) || (c2 === 47 /* / */ && isLetter(line.charCodeAt(j + 1))); c2 = line.charCodeAt(++j));
      const word = operatorWord(line, i, j);
      i = j;
      if (word === null) {
        tokens.push(WORD);
      } else if (word === 'equals' || word === 'makes' || word === 'is') {
        // "12 times 3 is 36": an equality only right after a quantity.
        tokens.push(prev?.kind === 'num' || prev?.kind === ')' ? EQUALS : WORD);
      } else if (word === 'multiplied' || word === 'divided') {
        if (line.startsWith(' by', i)) i += 3;
        tokens.push(OP_TOKENS.get(word) as Token);
      } else if (word === 'of') {
        // "of" multiplies only after a percentage: "40% of 30".
        tokens.push(prev?.kind === 'num' && prev.percent ? MULTIPLY : WORD);
      } else {
        tokens.push(OP_TOKENS.get(word) as Token);
      }
    } else if (c === 92 /* \ */) {
      const command = LATEX_OPERATORS.find((op) => line.startsWith(op, i));
      // \times is an operator; \( \) \[ \] and other commands delimit the maths.
      tokens.push(command ? (OP_TOKENS.get(command) as Token) : BREAK);
      i += command ? command.length : 2;
    } else {
      i++;
      if (c === 61 /* = */) tokens.push(EQUALS);
      else if (c === 8776 /* ≈ */ || c === 126 /* ~ */) tokens.push(ABOUT);
      else if (c === 40 /* ( */) tokens.push(OPEN);
      else if (c === 41 /* ) */) tokens.push(CLOSE);
      else tokens.push((c < 256 ? LATIN1_SYMBOLS[c] : OTHER_SYMBOLS.get(c)) ?? BREAK);
    }
  }
  return tokens;
}

/** Recursive-descent state. Module-level functions, not closures: this runs per line per request. */
interface Cursor {
  tokens: Token[];
  pos: number;
  percentAsFraction: boolean;
}

/** The next token if it is operator `a` or `b`. */
function nextOp(c: Cursor, a: string, b: string): string | null {
  const t = c.pos < c.tokens.length ? c.tokens[c.pos] : undefined;
  return t?.kind === 'op' && (t.op === a || t.op === b) ? t.op : null;
}

function parseSum(c: Cursor): number | null {
  let value = parseProduct(c);
  for (let op = nextOp(c, '+', '-'); value !== null && op; op = nextOp(c, '+', '-')) {
    c.pos++;
    const right = parseProduct(c);
    value = right === null ? null : op === '+' ? value + right : value - right;
  }
  return value;
}

function parseProduct(c: Cursor): number | null {
  let value = parseFactor(c);
  for (let op = nextOp(c, '*', '/'); value !== null && op; op = nextOp(c, '*', '/')) {
    c.pos++;
    const right = parseFactor(c);
    value = right === null ? null : op === '*' ? value * right : right === 0 ? null : value / right;
  }
  return value;
}

function parseFactor(c: Cursor): number | null {
  const t = c.tokens[c.pos];
  if (!t) return null;
  if (t.kind === 'op' && t.op === '-') {
    c.pos++;
    const value = parseFactor(c);
    return value === null ? null : -value;
  }
  if (t.kind === '(') {
    c.pos++;
    const value = parseSum(c);
    if (c.tokens[c.pos]?.kind !== ')') return null;
    c.pos++;
    return value;
  }
  if (t.kind === 'num') {
    c.pos++;
    return c.percentAsFraction && t.percent ? t.value / 100 : t.value;
  }
  return null;
}

/** Value of an expression, with percent signs read as /100 or ignored; null if not arithmetic. */
function evaluate(tokens: Token[], percentAsFraction: boolean): number | null {
  const cursor: Cursor = { tokens, pos: 0, percentAsFraction };
  const value = parseSum(cursor);
  return value !== null && cursor.pos === tokens.length && Number.isFinite(value) ? value : null;
}

interface Side {
  tokens: Token[];
  /** The side is one written number: its precision sets the tolerance. */
  single: Token | null;
  /** Its value with percent signs read as /100, and read as written ("20%" = 20); NaN if not arithmetic. */
  value: number;
  raw: number;
}

/** Longer "expressions" are not calculations a reader checks (and must not recurse deeply). */
const MAX_SIDE_TOKENS = 64;

function side(tokens: Token[]): Side {
  // Most results are one written number: its readings need no parsing.
  if (tokens.length === 1 && tokens[0].kind === 'num') {
    const n = tokens[0];
    if (!Number.isFinite(n.value)) return { tokens, single: n, value: NaN, raw: NaN }; // as evaluate() reads it
    return { tokens, single: n, value: n.percent ? n.value / 100 : n.value, raw: n.value };
  }
  const value = tokens.length <= MAX_SIDE_TOKENS ? (evaluate(tokens, true) ?? NaN) : NaN;
  const hasPercent = tokens.some((t) => t.kind === 'num' && t.percent);
  return {
    tokens,
    single: tokens.length === 1 && tokens[0].kind === 'num' ? tokens[0] : null,
    value,
    raw: hasPercent && tokens.length <= MAX_SIDE_TOKENS ? (evaluate(tokens, false) ?? NaN) : value,
  };
}

function close(a: number, b: number, loose: boolean, stated: Token | null): boolean {
  const diff = Math.abs(a - b);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (diff <= 1e-9 * scale + 1e-12 || (loose && diff <= 0.02 * scale)) return true;
  if (!stated) return diff <= 0.01 * scale; // both sides computed from rounded intermediates
  const places = decimals(stated.text);
  // Rounded to the places written; a whole number may be rounded up or down ("73 / 8 = 9 buses").
  return diff <= 0.5 * 10 ** -places + 0.002 * scale || (places === 0 && diff < 1 && !Number.isInteger(a === stated.value ? b : a));
}

/** Whether two sides are equal under any reading of their percent signs; null if either is not arithmetic. */
function agrees(left: Side, right: Side, loose: boolean): boolean | null {
  if (Number.isNaN(left.value) && Number.isNaN(left.raw)) return null;
  if (Number.isNaN(right.value) && Number.isNaN(right.raw)) return null;
  const stated = right.single ?? left.single;
  return (
    close(left.value, right.value, loose, stated) ||
    close(left.value, right.raw, loose, stated) ||
    close(left.raw, right.value, loose, stated) ||
    close(left.raw, right.raw, loose, stated)
  );
}

/** One stated equality between two sides, at least one of them computed. */
export interface Equation {
  left: Token[];
  right: Token[];
  correct: boolean;
  /** What the computed side really is. */
  actual: number;
  /** The number it states as the result, when one side is a single number. */
  result: number | null;
}

/** The equality chain being read on a line: "a = b = c". */
interface Chain {
  sides: Side[];
  current: Token[];
  loose: boolean;
}

function closeChain(chain: Chain, found: Equation[]): void {
  const { sides } = chain;
  // Most calls come from prose words with nothing pending: allocate nothing for them.
  if (sides.length === 0 && chain.current.length === 0) return;
  if (sides.length > 0) {
    sides.push(side(chain.current));
    for (let i = 1; i < sides.length; i++) {
      const a = sides[i - 1];
      const b = sides[i];
      if (a.single && b.single) continue; // "1 foot = 12 inches"
      const correct = agrees(a, b, chain.loose);
      if (correct === null) continue;
      const computed = a.single ? b : a;
      const stated = a.single ?? b.single;
      found.push({ left: a.tokens, right: b.tokens, correct, actual: computed.value, result: stated ? stated.value : null });
    }
  }
  chain.sides = [];
  chain.current = [];
  chain.loose = false;
}

function checkLine(line: string, found: Equation[]): void {
  const chain: Chain = { sides: [], current: [], loose: false };
  let unitWords = 0;
  const marker = LIST_MARKER.exec(line); // exec, not replace: most lines have none, and replace costs even then
  const tokens = tokenize(marker ? line.slice(marker[0].length) : line);
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token.kind === 'word') {
      const prev = lastOf(chain.current);
      if (prev && (prev.kind === 'num' || prev.kind === ')') && unitWords < MAX_UNIT_WORDS) unitWords++;
      else closeChain(chain, found);
      continue;
    }
    unitWords = 0;
    if (token.kind === 'break') closeChain(chain, found);
    else if (token.kind === 'eq') {
      chain.sides.push(side(chain.current));
      chain.current = [];
      chain.loose ||= token.loose;
    } else {
      const last = lastOf(chain.current);
      // Two quantities in a row ("3 apples 4 + 4 = 8"): the expression starts at the second.
      if (token.kind === 'num' && (last?.kind === 'num' || last?.kind === ')')) {
        closeChain(chain, found);
      }
      chain.current.push(token);
    }
  }
  closeChain(chain, found);
}

/** Markdown list markers, not minus signs or numbers: "- 5 - 3 = 2", "2. 5 * 3 = 15". */
const LIST_MARKER = /^\s*(?:[-*+\u2022]|\d{1,2}[.)])\s+/;

function show(tokens: Token[]): string {
  return tokens
    .map((t) => (t.kind === 'num' ? t.text : t.kind === 'op' ? t.op : t.kind === '(' || t.kind === ')' ? t.kind : '?'))
    .join(' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')');
}

/** A line worth tokenizing states a result and operates on numbers. */
const STATES_RESULT = /[=\u2248~]|\b(?:equals|makes|is)\b/;
// Bounded repeats: a pathological line (thousands of characters without a space) stays
// linear. Spaces exclude the newline ([^\S\n]), so a match never spans two lines: one
// search over the whole answer finds the lines that operate, skipping the others unread.
const OPERATES =
  /\d\S{0,12}[^\S\n]*(?:[a-z/]{1,24}[^\S\n]+){0,2}(?:[-+*/×÷·\u22c5\u2212x]|\\times|\\cdot|\\div|times|plus|minus|divided by|multiplied by)[^\S\n]*[$\u20ac£(]?[^\S\n]*\d|\d%[^\S\n]*of[^\S\n]+[$\u20ac£]?\d/g;

const FENCE = /^\s*(?:```|~~~)/;

/** Where the fence lines (``` or ~~~) start: the lines between an odd and an even one are code. */
function fenceLines(text: string): number[] {
  const starts: number[] = [];
  if (!text.includes('```') && !text.includes('~~~')) return starts; // most answers
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    const line = end < 0 ? text.slice(start) : text.slice(start, end);
    if (FENCE.test(line)) starts.push(start);
    if (end < 0) break;
    start = end + 1;
  }
  return starts;
}

/** Lines of prose that state a result of an operation on numbers (fenced code is program text). */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  const fences = fenceLines(text);
  let fencesBefore = 0; // lines come in order: a count kept up as they go keeps this linear
  OPERATES.lastIndex = 0;
  for (let match = OPERATES.exec(text); match; match = OPERATES.exec(text)) {
    const start = text.lastIndexOf('\n', match.index) + 1;
    const newline = text.indexOf('\n', match.index);
    const end = newline < 0 ? text.length : newline;
    while (fencesBefore < fences.length && fences[fencesBefore] < start) fencesBefore++;
    // A fence line itself, or a line after an odd number of them, is code.
    const code = fences[fencesBefore] === start || fencesBefore % 2 === 1;
    const line = text.slice(start, end);
    // "=" is how most lines state a result, and far cheaper to find than the regex.
    if (!code && (line.includes('=') || STATES_RESULT.test(line))) lines.push(line);
    if (newline < 0) break;
    OPERATES.lastIndex = newline + 1;
  }
  return lines;
}

/** Every checkable equation the draft states, parsed once per check. */
export function equationsOf(ctx: DraftContext): Equation[] {
  return memo(ctx, 'equations', ({ text, partial }) => {
    const found: Equation[] = [];
    // While streaming, the last line may stop mid-number ("15 + 25 = 4…").
    const complete = partial ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
    for (const line of proseLines(complete)) checkLine(line, found);
    return found;
  });
}

export const arithmetic: SignalCheck = (ctx) => {
  const equations = equationsOf(ctx);
  const wrong = equations.filter((e) => !e.correct);
  if (wrong.length === 0) return [];
  const first = wrong[0];
  const signal: QualitySignal = {
    name: 'arithmetic',
    penalty: 1 - 0.45 ** wrong.length,
    reason:
      `${wrong.length} of ${equations.length} stated calculation${equations.length === 1 ? '' : 's'} wrong: ` +
      `${show(first.left)} = ${show(first.right)}${Number.isNaN(first.actual) ? '' : ` (is ${+first.actual.toFixed(4)})`}`,
  };
  return [signal];
};
