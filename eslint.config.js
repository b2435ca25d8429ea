// @ts-check
// Lint: type-aware promise and import-style rules, and the folder boundaries of README's
// "Development" map as import restrictions. Each boundary's message starts with its name, so a
// failing import says which rule it broke. The compiler enforces what each folder may *see*
// (tsconfig per project); these rules enforce which folders may import which.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
const REQUEST_PATH = ['request', 'upstream', 'models', 'quality', 'sse', 'pricing', 'rules', 'http', 'conversations', 'economics', 'grounding', 'shadow'].map(
  (dir) => `proxy/${dir}`,
);
const DEV_CODE = ['simulator', 'test', 'bench', 'scripts'];
const ROOT = import.meta.dirname;
const PACKAGES = '**/node_modules/**';
/** Everything the renderer may import: globs, because it is an allow-list (packages stay allowed). */
const RENDERER_ALLOWED = [`${ROOT}/contracts/**`, `${ROOT}/renderer/**`, PACKAGES];
/**
 * Everything the request path may import: itself, the Anthropic wire types, contracts/ and
 * packages (every entry a glob, as an allow-list must be). Node built-ins resolve to no file, so
 * the rule never sees them. The rest of the proxy (runtime, context, state, stats, store, log,
 * control, server) reaches it only as RequestPathDeps.
 */
const REQUEST_PATH_ALLOWED = [...REQUEST_PATH.map((dir) => `${ROOT}/${dir}/**`), `${ROOT}/proxy/wire.@(ts)`, `${ROOT}/contracts/**`, PACKAGES];
/** The dev code unit tests may also use (see `productOnly`). */
const TEST_HELPERS = [`${ROOT}/simulator/**`, `${ROOT}/test/fixtures/**`];

const STATE = ['proxy/state', 'proxy/stats', 'proxy/store'];
const REQUEST_PATH_WHY =
  'the request path gets its dependencies through proxy/request/deps (RequestPathDeps): it imports only the request-path folders (proxy/request, upstream, models, quality, sse, pricing, rules, http, conversations, economics, grounding, shadow), proxy/wire.ts, contracts/ and packages.';

/** @param {string} name @param {string} why */
const message = (name, why) => `[boundary ${name}] ${why}`;

/**
 * Zones for import-x/no-restricted-paths, relative to this folder. `productOnly` zones do not
 * apply to unit tests (which may use the simulator and test fixtures).
 * @type {Array<{ target: string | string[], from: string | string[], except?: string[], message: string, productOnly?: boolean }>}
 */
export const boundaries = [
  {
    target: 'contracts',
    from: ['proxy', 'electron', 'renderer'],
    message: message('contracts-standalone', 'contracts/ is the shared layer: it imports nothing from proxy/, electron/ or renderer/.'),
  },
  {
    target: 'renderer/src',
    from: ['**/*'],
    except: RENDERER_ALLOWED,
    message: message('renderer-contracts-only', 'renderer/ imports only contracts/ and its own code (the proxy and the shell are reached through contracts/control-api and contracts/desktop).'),
    productOnly: true,
  },
  {
    target: 'proxy',
    from: ['electron', 'renderer'],
    message: message('proxy-headless', 'proxy/ runs without the desktop shell: it never imports electron/ or renderer/.'),
  },
  {
    target: 'electron',
    from: 'renderer',
    message: message('electron-no-renderer', 'electron/ never imports renderer/: the dashboard is a bundle it loads, talking over contracts/ipc.'),
  },
  {
    target: STATE,
    from: 'proxy/control',
    message: message('state-below-control', 'proxy/state, proxy/stats and proxy/store own the state; the control API adapts them and they never import proxy/control/.'),
  },
  {
    // Unit tests may build a whole runtime to test persistence through it.
    target: STATE,
    from: ['proxy/runtime.ts', 'proxy/server.ts', 'proxy/cli.ts'],
    message: message('state-below-control', 'proxy/state, proxy/stats and proxy/store sit below the runtime, server and CLI that wire them to proxy/control/; they never import proxy/runtime.ts, proxy/server.ts or proxy/cli.ts.'),
    productOnly: true,
  },
  {
    target: REQUEST_PATH,
    from: ['**/*'],
    except: REQUEST_PATH_ALLOWED,
    message: message('request-path-narrow', REQUEST_PATH_WHY),
    productOnly: true,
  },
  {
    target: 'proxy/http',
    from: 'proxy/request',
    message: message('http-below-request', 'proxy/http/ is the HTTP plumbing the request path uses; it imports nothing from proxy/request/.'),
  },
  {
    target: ['contracts', 'proxy', 'electron', 'renderer/src'],
    from: DEV_CODE,
    message: message('no-dev-code-in-product', 'product code never imports simulator/, test/, bench/ or scripts/ (they are not shipped; the desktop app gets the simulator only inside demo/).'),
    productOnly: true,
  },
  {
    target: ['contracts', 'proxy', 'renderer/src'],
    from: 'demo',
    message: message('demo-from-shell-only', "demo/ (`npm run demo` and the app's \"Try a demo\") is started by its own CLI and by electron/; the proxy, contracts/ and the renderer never import it."),
    productOnly: true,
  },
  {
    target: 'demo',
    from: ['electron', 'renderer', 'test', 'bench', 'scripts'],
    message: message('demo-standalone', 'demo/ runs alike from its CLI and in the desktop main process: it imports only contracts/, proxy/ and simulator/.'),
    productOnly: true,
  },
];

/** Renderer unit tests may also use the shared, DOM- and Node-free fixtures; request-path tests the simulator too. */
const testZones = [
  {
    target: REQUEST_PATH,
    from: ['**/*'],
    except: [...REQUEST_PATH_ALLOWED, ...TEST_HELPERS],
    message: message('request-path-narrow', `${REQUEST_PATH_WHY} Its tests may also use simulator/ and test/fixtures/.`),
  },
  {
    target: 'renderer/src',
    from: ['**/*'],
    except: [...RENDERER_ALLOWED, `${ROOT}/test/fixtures/**`],
    message: message('renderer-contracts-only', 'renderer/ tests import only contracts/, renderer/ and the shared fixtures in test/fixtures/.'),
  },
  {
    target: 'renderer/src',
    from: 'test/fixtures/messages.ts',
    message: message('renderer-contracts-only', 'test/fixtures/messages.ts builds proxy wire messages; renderer/ tests use the contract fixtures.'),
  },
];

/** @param {typeof boundaries} zones @returns {import('eslint').Linter.RuleEntry} */
const restrictedPaths = (zones) => [
  'error',
  { basePath: ROOT, zones: zones.map(({ productOnly: _, ...zone }) => zone) },
];

export default defineConfig([
  { ignores: ['dist/**', 'out/**', 'release/**', 'test-artifacts/**', 'node_modules/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-duplicates': ['error', { 'prefer-inline': true }],
      'import-x/no-restricted-paths': restrictedPaths(boundaries),
    },
  },
  {
    files: TESTS,
    rules: {
      'import-x/no-restricted-paths': restrictedPaths([...boundaries.filter((zone) => !zone.productOnly), ...testZones]),
    },
  },
]);
