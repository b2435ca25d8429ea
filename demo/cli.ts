// `npm run demo`: the simulator, a proxy in front of it on a temporary folder, and scripted
// Claude Code traffic (demo/runner.ts), in one command and without an API key. Prints the
// banner and the dashboard URL at once, opens the dashboard where there is a desktop, prints
// the saving once the scripted mix is answered and the lines for the user's own client, and
// runs until Ctrl-C or SIGTERM: then it stops everything, removes the folder and exits 0.
import { exitWithError, formatUsage, portProblem, runCli } from '../proxy/cli-args';
import { packageVersion } from '../proxy/version';

const PROG = 'cascadeflow demo';
/** The port `npm run serve` uses, so the printed lines look like the real thing when it is free. */
const DEMO_PORT = 8000;

const USAGE = formatUsage({
  synopsis: ['npm run demo -- [options]'],
  summary:
    'Starts the Anthropic API simulator and a CascadeFlow proxy in front of it on a temporary data folder (your own\n' +
    'totals are never touched), sends a short mix of Claude Code traffic, and opens the dashboard. No API key needed.\n' +
    'Runs until Ctrl-C; then the folder is removed.',
  options: [
    ['--port <port>', `the proxy's port (default ${DEMO_PORT}; when it is taken, a free one, and the banner says so)`],
    ['--no-open', 'do not open the dashboard in the browser (the URL is printed either way)'],
  ],
  examples: ['npm run demo', 'npm run demo -- --no-open --port 8100'],
});

const options = runCli({
  prog: PROG,
  usage: USAGE,
  version: packageVersion,
  options: { port: { type: 'string' }, 'no-open': { type: 'boolean' } },
  check: (values) => portProblem('--port', values.port),
});

// Loaded once the command line is understood: --help and --version answer without loading the proxy.
const [{ bannerLines }, { openBrowser }, { startDemo }, { clientLines, savingLine }] = await Promise.all([
  import('../proxy/banner'),
  import('./open-browser'),
  import('./runner'),
  import('./text'),
]);

const demo = await startDemo({ port: options.port === undefined ? DEMO_PORT : Number(options.port) }).catch((error: Error) =>
  exitWithError(PROG, error.message),
);

let stopping = false;
async function shutdown(): Promise<void> {
  // A terminal's Ctrl-C reaches npm, tsx and this process alike: stop once.
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo…');
  await demo.stop();
  console.log(`Removed ${demo.folder}. Bye.`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

console.log(
  [
    ...bannerLines({ title: 'CascadeFlow demo', version: demo.version, url: demo.baseUrl, upstream: demo.upstreamUrl, dataDir: demo.dataDir, adminToken: null }),
    ...(demo.portNote ? [`Note: ${demo.portNote}.`] : []),
    `The upstream is the Anthropic API simulator and the data folder is temporary (removed on exit): your own totals are untouched.`,
    '',
  ].join('\n'),
);
if (!options['no-open']) {
  const problem = await openBrowser(demo.dashboardUrl);
  console.log(problem ? `Could not open a browser: ${problem}. Open ${demo.dashboardUrl} yourself.` : `Opened ${demo.dashboardUrl} in your browser.`);
}
console.log('Sending a scripted mix of Claude Code requests…');

try {
  const totals = await demo.burst;
  console.log(['', `Scripted mix done: ${savingLine(totals)}.`, `Dashboard: ${demo.dashboardUrl}`, '', ...clientLines(demo.baseUrl), '', 'A Claude Code session every few seconds keeps the dashboard moving. Ctrl-C stops the demo.', ''].join('\n'));
  await demo.trickle;
  const { allTime } = await demo.stats();
  console.log(`\nScripted traffic finished: ${savingLine(allTime)}. The demo keeps running for your own client; Ctrl-C stops it.`);
} catch (error) {
  if (!stopping) console.error(`${PROG}: the scripted traffic stopped: ${(error as Error).message}. The proxy keeps running; Ctrl-C stops it.`);
}
