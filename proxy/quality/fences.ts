// Fenced code blocks of a Markdown answer (``` or ~~~, CommonMark rules).

export interface Fence {
  /** First word of the info string, lower-cased ('' when none). */
  lang: string;
  code: string;
  /** The closing fence was found. */
  closed: boolean;
}

const OPEN = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n`]*$/;
const CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * The line at `start` may be a fence: after at most three spaces comes ` or ~. Every other line
 * is passed over unsliced: only these few lines are matched against OPEN and CLOSE.
 */
function mayFence(text: string, start: number): boolean {
  let i = start;
  while (i < start + 3 && text.charCodeAt(i) === 32) i++;
  const c = text.charCodeAt(i);
  return c === 96 /* ` */ || c === 126 /* ~ */;
}

/** End of the line starting at `start` (its newline, or the end of the text). */
function lineEnd(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  return newline < 0 ? text.length : newline;
}

export function findFences(text: string): Fence[] {
  if (!text.includes('```') && !text.includes('~~~')) return [];
  const fences: Fence[] = [];
  // Lines as split('\n') gives them: each newline starts one, the last may be empty.
  for (let start = 0; start <= text.length; ) {
    const end = lineEnd(text, start);
    const open = mayFence(text, start) ? OPEN.exec(text.slice(start, end)) : null;
    if (open) {
      const marker = open[1];
      const codeStart = end + 1;
      let close = codeStart;
      let closed = false;
      while (close <= text.length) {
        const closeEnd = lineEnd(text, close);
        const match = mayFence(text, close) ? CLOSE.exec(text.slice(close, closeEnd)) : null;
        if (match && match[1][0] === marker[0] && match[1].length >= marker.length) {
          closed = true;
          break;
        }
        close = closeEnd + 1;
      }
      // The lines between the fences, joined as they were: up to the closing line's newline.
      const code = close > codeStart ? text.slice(codeStart, close - 1) : '';
      fences.push({ lang: open[2].toLowerCase(), code, closed });
      if (!closed) break;
      start = lineEnd(text, close) + 1;
      continue;
    }
    start = end + 1;
  }
  return fences;
}
