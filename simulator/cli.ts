// `npm run simulator [-- --port 8787]`: the test upstream on its own, for demos without an
// API key (point the proxy at it with CASCADEFLOW_UPSTREAM_URL).
import { parseArgs } from 'node:util';
import { createSimulator } from './server';

const { values } = parseArgs({ options: { port: { type: 'string', default: process.env.SIMULATOR_PORT ?? '8787' } } });
const simulator = await createSimulator({ port: Number(values.port) });
console.log(`Anthropic API simulator listening on ${simulator.url}`);
console.log(`Point the proxy at it:  CASCADEFLOW_UPSTREAM_URL=${simulator.url} npm run serve`);
console.log('Steer answers with a marker in the prompt, e.g. "[sim:refusal]", "[sim:haiku=hedging]", "[sim:tool:Bash]".');
const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
