// Each folder boundary in eslint.config.js fires, with its name in the message, for an import
// placed at a virtual path inside the guarded folder; and the imports the map allows pass.
// Only the boundary rule runs (no type information needed for an in-memory snippet), but the
// imported modules are real files, so resolution works exactly as it does in `npm run lint`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RULE = 'import-x/no-restricted-paths';

const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === RULE,
});

/** Some real module of a folder, so the test survives files moving inside it. */
function moduleIn(dir: string): string {
  const file = readdirSync(path.join(root, dir))
    .filter((name) => /\.tsx?$/.test(name) && !/\.(test|d)\.tsx?$/.test(name))
    .sort()[0];
  if (!file) throw new Error(`no module in ${dir}`);
  return `${dir}/${file.replace(/\.tsx?$/, '')}`;
}

/**
 * Boundary messages for an import of `target` (a path from the root, or `npm:<package>`) written
 * in the file at `from` (a path from the root).
 */
async function boundaryMessages(from: string, target: string): Promise<string[]> {
  let specifier = target.startsWith('npm:') ? target.slice(4) : path.posix.relative(path.posix.dirname(from), target);
  if (!target.startsWith('npm:') && !specifier.startsWith('.')) specifier = `./${specifier}`;
  const [result] = await eslint.lintText(`import * as probe from '${specifier}';\nexport { probe };\n`, {
    filePath: path.join(root, from),
  });
  const fatal = result.messages.filter((message) => message.fatal);
  expect(fatal).toEqual([]);
  return result.messages.filter((message) => message.ruleId === RULE).map((message) => message.message);
}

const REQUEST_PATH = ['request', 'upstream', 'models', 'quality', 'sse', 'pricing', 'rules', 'http'];

describe('folder boundaries', () => {
  it.each([
    ['contracts-standalone', 'contracts/probe.ts', moduleIn('proxy')],
    ['contracts-standalone', 'contracts/probe.ts', moduleIn('electron')],
    ['contracts-standalone', 'contracts/probe.ts', moduleIn('renderer/src/lib')],
    ['renderer-contracts-only', 'renderer/src/lib/probe.ts', moduleIn('proxy')],
    ['renderer-contracts-only', 'renderer/src/lib/probe.ts', moduleIn('electron')],
    ['renderer-contracts-only', 'renderer/src/lib/probe.ts', 'vitest.config'],
    ['renderer-contracts-only', 'renderer/src/lib/probe.test.ts', 'test/proxy/harness'],
    ['renderer-contracts-only', 'renderer/src/lib/probe.test.ts', 'test/fixtures/messages'],
    ['renderer-contracts-only', 'renderer/src/lib/probe.test.ts', moduleIn('proxy')],
    ['proxy-headless', 'proxy/probe.ts', moduleIn('electron')],
    ['proxy-headless', 'proxy/probe.ts', moduleIn('renderer/src/lib')],
    ['electron-no-renderer', 'electron/probe.ts', moduleIn('renderer/src/lib')],
    ['state-below-control', 'proxy/state/probe.ts', moduleIn('proxy/control')],
    ['state-below-control', 'proxy/stats/probe.ts', moduleIn('proxy/control')],
    ['state-below-control', 'proxy/store/probe.ts', moduleIn('proxy/control')],
    ...['state', 'stats', 'store'].flatMap((dir) =>
      ['proxy/runtime', 'proxy/server', 'proxy/cli'].map((top) => ['state-below-control', `proxy/${dir}/probe.ts`, top]),
    ),
    ['state-below-control', 'proxy/state/probe.test.ts', moduleIn('proxy/control')],
    ...REQUEST_PATH.flatMap((dir) =>
      ['control', 'state', 'stats', 'store', 'log'].map((owner) => ['request-path-narrow', `proxy/${dir}/probe.ts`, moduleIn(`proxy/${owner}`)]),
    ),
    ...['proxy/runtime', 'proxy/context', 'proxy/server', 'proxy/cli', 'proxy/dashboard'].map((top) => [
      'request-path-narrow',
      'proxy/request/probe.ts',
      top,
    ]),
    ['request-path-narrow', 'proxy/request/probe.test.ts', 'proxy/runtime'],
    ['request-path-narrow', 'proxy/quality/probe.test.ts', 'test/proxy/harness'],
    ['http-below-request', 'proxy/http/probe.ts', moduleIn('proxy/request')],
    ['no-dev-code-in-product', 'proxy/probe.ts', moduleIn('simulator')],
    ['no-dev-code-in-product', 'electron/probe.ts', 'test/fixtures/contracts'],
    ['no-dev-code-in-product', 'proxy/probe.ts', moduleIn('bench')],
    ['no-dev-code-in-product', 'electron/probe.ts', moduleIn('scripts/eval')],
    ['no-dev-code-in-product', 'contracts/probe.ts', moduleIn('simulator')],
    ['no-dev-code-in-product', 'renderer/src/lib/probe.ts', 'test/fixtures/contracts'],
    ['no-dev-code-in-product', 'electron/probe.ts', moduleIn('simulator')],
    ['demo-from-shell-only', 'proxy/probe.ts', moduleIn('demo')],
    ['demo-from-shell-only', 'renderer/src/lib/probe.ts', moduleIn('demo')],
    ['demo-standalone', 'demo/probe.ts', moduleIn('electron')],
    ['demo-standalone', 'demo/probe.ts', 'test/proxy/harness'],
  ])('%s: %s may not import %s', async (rule, from, target) => {
    expect(await boundaryMessages(from, target)).toContainEqual(expect.stringContaining(`[boundary ${rule}]`));
  });

  it.each([
    ['renderer/src/lib/probe.ts', 'contracts/decision'],
    ['renderer/src/views/probe.ts', moduleIn('renderer/src/lib')],
    ['renderer/src/lib/probe.test.ts', 'test/fixtures/contracts'],
    ['renderer/src/lib/probe.ts', 'npm:zod'],
    ['renderer/src/views/probe.ts', 'npm:react'],
    ['renderer/src/probe.ts', 'renderer/src/styles.css'],
    ['proxy/request/probe.ts', moduleIn('proxy/http')],
    ...REQUEST_PATH.filter((dir) => dir !== 'request').map((dir) => ['proxy/request/probe.ts', moduleIn(`proxy/${dir}`)]),
    ['proxy/upstream/probe.ts', moduleIn('proxy/request')],
    ['proxy/request/probe.ts', 'proxy/wire'],
    ['proxy/request/probe.ts', 'contracts/decision'],
    ['proxy/http/probe.ts', 'npm:express'],
    ['proxy/request/probe.ts', 'npm:node:http'],
    ['proxy/request/probe.test.ts', moduleIn('simulator')],
    ['proxy/state/probe.test.ts', 'proxy/runtime'],
    ['proxy/control/probe.ts', moduleIn('proxy/state')],
    ['electron/probe.ts', moduleIn('proxy')],
    ['proxy/quality/probe.test.ts', 'test/fixtures/messages'],
    ['proxy/probe.test.ts', moduleIn('simulator')],
    ['test/proxy/probe.ts', moduleIn('proxy/state')],
    ['electron/probe.ts', moduleIn('demo')],
    ['demo/probe.ts', moduleIn('simulator')],
    ['demo/probe.ts', 'proxy/runtime'],
  ])('allowed: %s imports %s', async (from, target) => {
    expect(await boundaryMessages(from, target)).toEqual([]);
  });
});
