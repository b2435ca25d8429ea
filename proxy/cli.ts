// `npm run serve`: the headless proxy. Prints where it listens and the line to paste for
// Claude Code; one clear line and exit code 1 when it cannot start; flushes state on exit.
import { createProxyContext } from './runtime';
import { DEFAULT_DRAFT_TIMEOUT_MS, PortInUseError, startProxyServer } from './server';

function fail(message: string): never {
  console.error(`cascadeflow: ${message}`);
  process.exit(1);
}

function draftTimeout(): number {
  const raw = process.env.CASCADEFLOW_DRAFT_TIMEOUT_MS;
  if (!raw) return DEFAULT_DRAFT_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) fail(`CASCADEFLOW_DRAFT_TIMEOUT_MS must be a positive integer (ms), got "${raw}"`);
  return value;
}

const timeoutMs = draftTimeout();
const ctx = await createProxyContext().catch((err: Error) => fail(err.message));
const { host, port, upstreamUrl } = ctx.config;
const running = await startProxyServer(ctx, { draftTimeoutMs: timeoutMs }).catch(async (err: Error) => {
  await ctx.close();
  if (err instanceof PortInUseError) {
    fail(`port ${port} on ${host} is already in use (another proxy running?); stop it or start with PORT=<other port>`);
  }
  return fail(err.message);
});

console.log(`CascadeFlow proxy listening on ${running.url} (upstream ${upstreamUrl})`);
console.log('For Claude Code, paste this in the shell that runs `claude`:');
console.log(`  export ANTHROPIC_BASE_URL=${running.url}`);
const { adminToken } = ctx.config;
if (adminToken) {
  // Beyond loopback the admin API needs the token; the dashboard reads it from the URL fragment,
  // which browsers never send to the server.
  console.log(`Dashboard: ${running.url}/dashboard#token=${adminToken}   Stats: ${running.url}/stats`);
  console.log(`Admin token (Authorization: Bearer <token> on /api, or x-cascadeflow-admin-token to use the fallback API key): ${adminToken}`);
} else {
  console.log(`Dashboard: ${running.url}/dashboard   Stats: ${running.url}/stats`);
}

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running.close();
  await ctx.flush();
  await ctx.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
