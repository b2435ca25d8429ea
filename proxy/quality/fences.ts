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

export function findFences(text: string): Fence[] {
  if (!text.includes('```') && !text.includes('~~~')) return [];
  const fences: Fence[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    const marker = open[1];
    let end = i + 1;
    while (end < lines.length) {
      const close = CLOSE.exec(lines[end]);
      if (close && close[1][0] === marker[0] && close[1].length >= marker.length) break;
      end++;
    }
    fences.push({ lang: open[2].toLowerCase(), code: lines.slice(i + 1, end).join('\n'), closed: end < lines.length });
    i = end;
  }
  return fences;
}
