// `npm run simulator [-- --port 8787]`: the test upstream on its own, for demos without an
// API key (point the proxy at it with --upstream or CASCADEFLOW_UPSTREAM_URL). --help and
// --version as every CLI here (proxy/cli-args.ts); one log line per request on stdout.
import { exitWithError, formatUsage, portProblem, runCli } from '../proxy/cli-args';
import { packageVersion } from '../proxy/version';
import { createSimulator } from './server';

const PROG = 'simulator';

const USAGE = formatUsage({
  synopsis: ['npm run simulator -- [options]'],
  summary:
    'Starts a fake Anthropic Messages API on loopback: no key, no cost. Steer an answer with a marker in\n' +
    'the prompt, e.g. [sim:refusal], [sim:haiku=hedging], [sim:tool:Bash], [sim:error:529] (README: "The simulator").',
  options: [['--port <port>', 'listen port (SIMULATOR_PORT; default 8787, 0 picks a free one)']],
  env: [['SIMULATOR_PORT', 'listen port when --port is not given']],
  examples: ['npm run simulator -- --port 8787', 'npm run serve -- --upstream http://127.0.0.1:8787   # the proxy, in front of it'],
});

const options = runCli({
  prog: PROG,
  usage: USAGE,
  version: packageVersion,
  options: { port: { type: 'string' } },
  check: (values) => portProblem('--port', values.port),
});

const rawPort = options.port ?? process.env.SIMULATOR_PORT ?? '8787';
const envProblem = portProblem('SIMULATOR_PORT', rawPort);
if (envProblem) exitWithError(PROG, envProblem);

const simulator = await createSimulator({ port: Number(rawPort), log: (line) => console.log(line) }).catch((err: NodeJS.ErrnoException) =>
  exitWithError(PROG, err.code === 'EADDRINUSE' ? `port ${rawPort} is already in use; start with --port <other port>` : err.message),
);
console.log(`Anthropic API simulator ${packageVersion()} listening on ${simulator.url}`);
console.log(`Point the proxy at it:  npm run serve -- --upstream ${simulator.url}`);
console.log('Steer answers with a marker in the prompt, e.g. "[sim:refusal]", "[sim:haiku=hedging]", "[sim:tool:Bash]".');
const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
