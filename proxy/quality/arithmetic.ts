// Internal consistency of stated arithmetic: every "a op b = c" the draft writes is
// recomputed, whatever the notation ("3 x $5", "12 times 4", "40% of 30", "1,350 / 3 ≈ 450").
// A model that gets its own arithmetic wrong rarely gets the answer right.
import type { QualitySignal } from '../types';
import type { DraftContext, SignalCheck } from './context';
import { decimals, NUMBER_SOURCE, numberValue } from './numbers';

type Token =
  | { kind: 'num'; text: string; value: number; percent: boolean }
  | { kind: 'op'; op: '+' | '-' | '*' | '/' }
  | { kind: '(' | ')' | 'var' | 'break' | 'word' }
  | { kind: 'eq'; loose: boolean };

const TOKEN = new RegExp(
  [
    `(${NUMBER_SOURCE})([A-Za-z]\\w*)?`, // 1: number, 2: letters glued to it ("1.5x", "3rd")
    String.raw`(\\times|\\cdot|\\div|[-+*/×÷·⋅−])`, // 3: operator symbol
    String.raw`(multiplied by|divided by|times|plus|minus|equals|makes|is|of)\b`, // 4: operator or equality word
    '(=|≈|~)', // 5: equals
    String.raw`([()])`, // 6: parenthesis
    String.raw`([A-Za-z]+(?:/[A-Za-z]+)*)`, // 7: word (unit or prose)
    String.raw`(\S)`, // 8: anything else ends an expression
  ].join('|'),
  'g',
);

const OPS: Record<string, '+' | '-' | '*' | '/'> = {
  '+': '+', plus: '+', '-': '-', '−': '-', minus: '-', '*': '*', '×': '*', '·': '*', '⋅': '*', '\\times': '*', '\\cdot': '*',
  times: '*', 'multiplied by': '*', of: '*', '/': '/', '÷': '/', '\\div': '/', 'divided by': '/',
};

/** Words a quantity may carry between a number and the next operator ("60 meters/sprint *"). */
const MAX_UNIT_WORDS = 3;

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  for (const m of line.matchAll(TOKEN)) {
    const prev = tokens[tokens.length - 1];
    if (m[1] !== undefined) {
      if (m[2] !== undefined) tokens.push({ kind: 'var' });
      else tokens.push({ kind: 'num', text: m[1], value: numberValue(m[1]), percent: m[1].endsWith('%') });
    } else if (m[3] !== undefined) {
      tokens.push({ kind: 'op', op: OPS[m[3]] });
    } else if (m[4] !== undefined) {
      const word = m[4].toLowerCase();
      if (word === 'equals' || word === 'makes' || word === 'is') {
        // "12 times 3 is 36": an equality only right after a quantity.
        tokens.push(prev?.kind === 'num' || prev?.kind === ')' ? { kind: 'eq', loose: false } : { kind: 'word' });
      }
      // "of" multiplies only after a percentage or fraction: "40% of 30", "1/2 of 12".
      else if (word !== 'of' || (prev?.kind === 'num' && prev.percent)) tokens.push({ kind: 'op', op: OPS[word] });
      else tokens.push({ kind: 'word' });
    } else if (m[5] !== undefined) {
      tokens.push({ kind: 'eq', loose: m[5] !== '=' });
    } else if (m[6] !== undefined) {
      tokens.push({ kind: m[6] as '(' | ')' });
    } else if (m[7] !== undefined) {
      // "x" between quantities is multiplication; elsewhere it is a variable.
      tokens.push(m[7] === 'x' || m[7] === 'X' ? { kind: 'op', op: '*' } : { kind: 'word' });
    } else {
      tokens.push({ kind: 'break' });
    }
  }
  return tokens;
}

/** Value of an expression, with percent signs read as /100 or ignored; null if not arithmetic. */
function evaluate(tokens: Token[], percentAsFraction: boolean): number | null {
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (ops: string) => {
    const t = peek();
    return t?.kind === 'op' && ops.includes(t.op);
  };
  function expression(): number | null {
    let value = term();
    while (value !== null && isOp('+-')) {
      const op = (tokens[pos++] as { op: string }).op;
      const right = term();
      value = right === null ? null : op === '+' ? value + right : value - right;
    }
    return value;
  }
  function term(): number | null {
    let value = factor();
    while (value !== null && isOp('*/')) {
      const op = (tokens[pos++] as { op: string }).op;
      const right = factor();
      value = right === null ? null : op === '*' ? value * right : right === 0 ? null : value / right;
    }
    return value;
  }
  function factor(): number | null {
    const t = peek();
    if (!t) return null;
    if (t.kind === 'op' && t.op === '-') {
      pos++;
      const value = factor();
      return value === null ? null : -value;
    }
    if (t.kind === '(') {
      pos++;
      const value = expression();
      if (peek()?.kind !== ')') return null;
      pos++;
      return value;
    }
    if (t.kind === 'num') {
      pos++;
      return percentAsFraction && t.percent ? t.value / 100 : t.value;
    }
    return null;
  }
  const value = expression();
  return value !== null && pos === tokens.length && Number.isFinite(value) ? value : null;
}

interface Side {
  tokens: Token[];
  /** The side is one written number: its precision sets the tolerance. */
  single: (Token & { kind: 'num' }) | null;
}

function agrees(left: Side, right: Side, loose: boolean): boolean | null {
  const candidates = (side: Side) =>
    [evaluate(side.tokens, true), evaluate(side.tokens, false)].filter((v): v is number => v !== null);
  const lefts = candidates(left);
  const rights = candidates(right);
  if (lefts.length === 0 || rights.length === 0) return null;
  const stated = right.single ?? left.single;
  for (const a of lefts) {
    for (const b of rights) {
      const diff = Math.abs(a - b);
      const scale = Math.max(Math.abs(a), Math.abs(b));
      if (diff <= 1e-9 * scale + 1e-12 || (loose && diff <= 0.02 * scale)) return true;
      if (stated) {
        const places = decimals(stated.text);
        // Rounded to the places written; a whole number may be rounded up or down ("73 / 8 = 9 buses").
        if (diff <= 0.5 * 10 ** -places + 0.002 * scale || (places === 0 && diff < 1 && !Number.isInteger(a === stated.value ? b : a))) return true;
      } else if (diff <= 0.01 * scale) {
        return true; // both sides computed from rounded intermediates
      }
    }
  }
  return false;
}

/** One stated equality between two sides, at least one of them computed. */
export interface Equation {
  text: string;
  correct: boolean;
  /** What the computed side really is. */
  actual: number | null;
  /** Numbers the computation starts from. */
  operands: number[];
  /** The number it states as the result, when one side is a single number. */
  result: number | null;
}

function checkLine(line: string, found: Equation[]): void {
  const tokens = tokenize(line.replace(LIST_MARKER, ''));
  let sides: Side[] = [];
  let current: Token[] = [];
  let looseChain = false;
  let unitWords = 0;
  const finish = () => {
    if (sides.length > 0) {
      sides.push(side(current));
      for (let i = 1; i < sides.length; i++) {
        const [a, b] = [sides[i - 1], sides[i]];
        if (a.single && b.single) continue; // "1 foot = 12 inches"
        const correct = agrees(a, b, looseChain);
        if (correct === null) continue;
        const computed = a.single ? b : a;
        const stated = a.single ?? b.single;
        found.push({
          text: `${show(a.tokens)} = ${show(b.tokens)}`,
          correct,
          actual: evaluate(computed.tokens, true),
          operands: computed.tokens.flatMap((t) => (t.kind === 'num' ? [t.value] : [])),
          result: stated ? stated.value : null,
        });
      }
    }
    sides = [];
    current = [];
    looseChain = false;
  };
  for (const token of tokens) {
    if (token.kind === 'word') {
      const prev = current[current.length - 1];
      if (prev && (prev.kind === 'num' || prev.kind === ')') && unitWords < MAX_UNIT_WORDS) {
        unitWords++;
        continue;
      }
      finish();
      continue;
    }
    unitWords = 0;
    if (token.kind === 'break') finish();
    else if (token.kind === 'eq') {
      sides.push(side(current));
      current = [];
      looseChain ||= token.loose;
    } else {
      current.push(token);
    }
  }
  finish();
}

/** Markdown list markers, not minus signs or numbers: "- 5 - 3 = 2", "2. 5 * 3 = 15". */
const LIST_MARKER = /^\s*(?:[-*+•]|\d{1,2}[.)])\s+/;

function side(tokens: Token[]): Side {
  return { tokens, single: tokens.length === 1 && tokens[0].kind === 'num' ? tokens[0] : null };
}

function show(tokens: Token[]): string {
  return tokens
    .map((t) => (t.kind === 'num' ? t.text : t.kind === 'op' ? t.op : t.kind === '(' || t.kind === ')' ? t.kind : '?'))
    .join(' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')');
}

/** Fenced code is program text, not stated arithmetic. */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  let inCode = false;
  for (const line of text.split('\n')) {
    if (/^\s*(?:```|~~~)/.test(line)) inCode = !inCode;
    else if (!inCode && /\d/.test(line) && /[=≈~]|\b(?:equals|makes|is)\b/.test(line)) lines.push(line);
  }
  return lines;
}

const parsed = new WeakMap<DraftContext, Equation[]>();

/** Every checkable equation the draft states, parsed once per check. */
export function equationsOf(ctx: DraftContext): Equation[] {
  let found = parsed.get(ctx);
  if (!found) {
    found = [];
    for (const line of proseLines(ctx.text)) checkLine(line, found);
    parsed.set(ctx, found);
  }
  return found;
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
      `${first.text}${first.actual !== null ? ` (is ${+first.actual.toFixed(4)})` : ''}`,
  };
  return [signal];
};
