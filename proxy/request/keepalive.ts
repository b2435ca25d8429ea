// Keeping a streaming client's connection visibly alive while its draft is made and judged, and
// while the answering call after it is retried or slow. Until then the proxy sends nothing, so
// the answer's own status and headers can go out; after `afterMs` with no byte sent it commits
// instead (200, the event-stream type, the request id) and sends the API's own `ping` event every
// `everyMs` until the answer starts (http/client-response.ts). Only where the proxy owns the
// retries (a draft was made): a call that is the client's own keeps its status for the client's
// retry policy. Anthropic clients only: OpenAI's stream has no ping event.
import type { CascadeRule } from '../../contracts/rules';
import { decide } from './decide';
import { draftCallOf, type DecisionValue, type Exchange } from './exchange';

export interface KeepaliveTiming {
  /** Wait this long with nothing sent before committing (ms); 0: never commit early. */
  afterMs: number;
  /** Then a `ping` event this often (ms). */
  everyMs: number;
}

/**
 * A draft made and judged within 5 s keeps every header (decision, cost, the upstream's rate
 * limits and request id); a longer silence looks stalled, and 5 s pings stay far inside the 60 s
 * idle timeouts common in front of servers (nginx's proxy_read_timeout, cloud load balancers).
 */
export const DEFAULT_KEEPALIVE: Readonly<KeepaliveTiming> = Object.freeze({ afterMs: 5_000, everyMs: 5_000 });

/** CASCADEFLOW_KEEPALIVE_AFTER_MS (0 turns it off); throws a message naming a malformed value. */
export function keepaliveFromEnv(env: NodeJS.ProcessEnv): KeepaliveTiming {
  const raw = env.CASCADEFLOW_KEEPALIVE_AFTER_MS?.trim();
  if (!raw) return { ...DEFAULT_KEEPALIVE };
  const afterMs = Number(raw);
  if (!Number.isInteger(afterMs) || afterMs < 0 || afterMs > 600_000) {
    throw new Error(`CASCADEFLOW_KEEPALIVE_AFTER_MS must be an integer from 0 to 600000 (ms; 0 turns it off), got "${raw}"`);
  }
  return { ...DEFAULT_KEEPALIVE, afterMs };
}

/**
 * The decide step with the early commit armed for a streaming Anthropic client; it stays armed
 * through the answering call only when a draft was made (the proxy then owns that call's retries).
 */
export async function decideKeptAlive(ex: Exchange, rule: CascadeRule): Promise<DecisionValue> {
  const { afterMs, everyMs } = ex.options.keepalive;
  if (ex.stream && !ex.clientApi) ex.client.keepAliveAfter(afterMs, everyMs);
  const decision = await decide(ex, rule);
  if (!draftCallOf(decision)) ex.client.cancelKeepAlive();
  return decision;
}
