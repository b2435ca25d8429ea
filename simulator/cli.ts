// `npm run simulator [-- --port 8787]`: the test upstream on its own, for demos without an
// API key (point the proxy at it with CASCADEFLOW_UPSTREAM_URL).
import { parseArgs } from 'node:util';
import { createSimulator } from './server';

const USAGE = 'Usage: npm run simulator [-- --port <port>]   (default 8787, or SIMULATOR_PORT; 0 picks a free port)';

function fail(message: string): never {
  console.error(`simulator: ${message}\n${USAGE}`);
  process.exit(1);
}

function options(): { port: number } {
  let values: { port: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string', default: process.env.SIMULATOR_PORT ?? '8787' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer between 0 and 65535, got "${values.port}"`);
  return { port };
}

const simulator = await createSimulator(options()).catch((err: Error) => fail(err.message));
console.log(`Anthropic API simulator listening on ${simulator.url}`);
console.log(`Point the proxy at it:  CASCADEFLOW_UPSTREAM_URL=${simulator.url} npm run serve`);
console.log('Steer answers with a marker in the prompt, e.g. "[sim:refusal]", "[sim:haiku=hedging]", "[sim:tool:Bash]".');
const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
