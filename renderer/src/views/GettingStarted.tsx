import type { ProxyStatus } from '../../../contracts/status';
import type { Transport } from '../client/transport';
import { ClaudeCodeSetup } from '../components/ClaudeCodeSetup';
import { Snippet } from '../components/CopyButton';
import { TryDemo } from '../components/TryDemo';

/** Shown until the first request: from zero to the first cascaded request. */
export function GettingStarted({ status, transport }: { status: ProxyStatus; transport: Transport }) {
  const curl = [
    `curl ${status.baseUrl}/v1/messages \\`,
    '  -H "x-api-key: $ANTHROPIC_API_KEY" -H "anthropic-version: 2023-06-01" \\',
    '  -H "content-type: application/json" \\',
    `  -d '{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}'`,
  ].join('\n');
  return (
    <section className="panel getting-started" aria-labelledby="start-title">
      <h2 id="start-title">Get started</h2>
      <ol>
        <li>
          {status.state === 'running' ? (
            <>
              The proxy is running at <code>{status.baseUrl}</code>.
            </>
          ) : (
            <>
              The proxy is not running{status.error ? `: ${status.error}` : ''}. Start it with <code>npm run serve</code>.
            </>
          )}
        </li>
        <li>
          Point Claude Code at it:
          <ClaudeCodeSetup desktop={transport.desktop} baseUrl={status.baseUrl} networkUrls={status.networkUrls} />
        </li>
        <li>
          Run <code>claude</code> as usual (it uses your login or <code>ANTHROPIC_API_KEY</code>), or try one request:
          <Snippet text={curl} label="Copy curl command" />
        </li>
        <li>
          Requests for Sonnet and Opus are drafted by a cheaper model first; each one appears here within a second. Tune
          which models cascade, and how strict the check is, under <a href="#rules">Rules</a>.
        </li>
      </ol>
      <TryDemo desktop={transport.desktop} />
    </section>
  );
}
