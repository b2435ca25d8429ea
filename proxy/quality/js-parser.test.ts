import type * as Acorn from 'acorn';
import { describe, expect, it, vi } from 'vitest';
import type * as JsParser from './js-parser';

/** A fresh js-parser module: nothing loaded yet. */
async function freshModule(): Promise<typeof JsParser> {
  vi.resetModules();
  return import('./js-parser');
}

/** acorn's error for `code`, or null when it parses. */
function errorOf(parse: typeof Acorn.parse, code: string): string | null {
  try {
    parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('js-parser', () => {
  it('gives the preloaded acorn to the checker', async () => {
    const { loadJsParser, jsParse } = await freshModule();
    await loadJsParser();
    expect(jsParse()).toBe((await import('acorn')).parse);
  });

  it('loads acorn synchronously when nothing preloaded it, with the same verdicts, and loads no second copy after', async () => {
    const { jsParse, loadJsParser } = await freshModule();
    const parse = jsParse();
    const esm = (await import('acorn')).parse;
    expect(parse).not.toBe(esm); // acorn's CommonJS build, loaded by require
    for (const code of ['const a = [1, 2];', 'function f( {', 'export default class A { #x = 1 }', 'let x = 08;']) {
      expect(errorOf(parse, code)).toBe(errorOf(esm, code));
    }
    expect(errorOf(parse, 'function f( {')).toMatch(/Unexpected token/);
    expect(jsParse()).toBe(parse);
    await loadJsParser();
    expect(jsParse()).toBe(parse);
  });
});
