// acorn, the JavaScript parser of the code check (code.ts), loaded when first needed rather
// than at start: the proxy idled 0.6-1.0 MB smaller without it (bench/idle-rss.ts). The
// proxy's request path preloads it (loadJsParser, while a draft is on its way) so that no check
// blocks on the load; other callers of the checker (scripts, benches, tests) get it loaded
// synchronously on first use. Either way the checker stays synchronous and its verdicts never
// depend on timing: the preload gets acorn's ES module build, the synchronous load its CommonJS
// build, one version of the same code. The import() is also what tells esbuild (and so
// check:packaging) that the proxy loads acorn.
import { createRequire } from 'node:module';
import type * as Acorn from 'acorn';

type Parse = typeof Acorn.parse;

let parse: Parse | null = null;
let loading: Promise<void> | null = null;

/**
 * Loads acorn once. Never rejects: a failed load leaves the synchronous load in jsParse to
 * throw the error inside the check, where a draft failure reports it.
 */
export function loadJsParser(): Promise<void> {
  // Loaded synchronously already (jsParse came first): not a second copy of acorn.
  loading ??= parse ? Promise.resolve() : import('acorn').then(
    (acorn) => {
      parse ??= acorn.parse;
    },
    () => undefined,
  );
  return loading;
}

/** acorn's parse, loaded now if no preload has finished. */
export function jsParse(): Parse {
  parse ??= (createRequire(import.meta.url)('acorn') as typeof Acorn).parse;
  return parse;
}
