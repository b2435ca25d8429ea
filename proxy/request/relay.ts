// Relays one upstream answer of /v1/messages to the client (passthrough and verifier
// calls alike) while reading its usage on the side: SSE is forwarded chunk by chunk as
// it arrives; a JSON answer is read whole so its cost can go out in the headers.
import type { OutgoingHttpHeaders } from 'node:http';
import type { Accounting } from '../pricing/accounting';
import type { SignatureRegistry } from '../models/signatures';
import { MessageAssembler } from '../sse/assemble';
import { SseDecoder } from '../sse/events';
import type { AssistantMessage } from '../wire';
import type { CallRecord, Failure } from '../../contracts/decision';
import { clientResponseHeaders } from '../upstream/headers';
import type { UpstreamResponse } from '../upstream/client';
import { bodyFailure, failure, statusFailure } from '../upstream/failures';
import type { ClientResponse } from '../http/client-response';
import { parseJsonBytes } from './json-bytes';
import { OutputMeter, type MeteredUsage } from './output-meter';

/** An upstream answer whose body may already have been read (replayed from memory). */
export type UpstreamAnswer = Pick<UpstreamResponse, 'status' | 'headers'> & { body: AsyncIterable<Buffer> };

export interface RelayOptions {
  client: ClientResponse;
  upstream: UpstreamAnswer;
  /** The model the call was made for (priced and reported). */
  model: string;
  /** Calls made again before this answer (upstream/retry.ts). */
  retries?: number;
  /** When the upstream call was sent. */
  sentAt: number;
  accounting: Accounting;
  signatures: SignatureRegistry;
  /** The x-cascadeflow-* headers; `call` is known for JSON answers, null before a stream. */
  cascadeHeaders(call: CallRecord | null): OutgoingHttpHeaders;
}

export function isEventStream(upstream: UpstreamAnswer): boolean {
  return String(upstream.headers['content-type'] ?? '').includes('text/event-stream');
}

export async function relayResponse(opts: RelayOptions): Promise<CallRecord> {
  return isEventStream(opts.upstream) ? relayStream(opts) : relayJson(opts);
}

async function relayStream(opts: RelayOptions): Promise<CallRecord> {
  const { client, upstream } = opts;
  const assembler = new MessageAssembler();
  const meter = new OutputMeter();
  let upstreamErrorEvent = false;
  const decoder = new SseDecoder(
    (event) => {
      assembler.apply(event);
      meter.observe(event);
      if (event.type === 'error') upstreamErrorEvent = true;
    },
    (reason) => assembler.fail(reason),
  );
  client.head(upstream.status, { ...clientResponseHeaders(upstream.headers), ...opts.cascadeHeaders(null) });
  let error: Failure | undefined;
  // From the chunk that completes the answer (message_stop, or the upstream's error event) on,
  // the bytes go out with the end, which waits for the decision's record (client-response.ts).
  let tail: Buffer[] | null = null;
  try {
    for await (const chunk of upstream.body) {
      decoder.push(chunk);
      if (tail || assembler.done || upstreamErrorEvent) (tail ??= []).push(chunk);
      else await client.write(chunk);
    }
    if (!assembler.done && upstream.status < 400) error = assembler.error ?? failure('broken_stream', 'stream ended before message_stop');
  } catch (err) {
    error = bodyFailure(err, !client.open);
  }
  if (assembler.error) error ??= assembler.error;
  // Close the client's stream in a well-formed way (unless the upstream's own error event went out).
  if (error && !assembler.done && !upstreamErrorEvent) await client.fail(502, `Upstream ${opts.model}: ${error.message}`);
  client.end(tail ? Buffer.concat(tail) : undefined);
  return callRecord(opts, assembler.message, error, meter.usage(assembler.message?.usage ?? null));
}

async function relayJson(opts: RelayOptions): Promise<CallRecord> {
  const { client, upstream } = opts;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of upstream.body) chunks.push(chunk);
  } catch (err) {
    const error = bodyFailure(err, !client.open);
    await client.fail(502, `Upstream ${opts.model}: response broke: ${error.message}`);
    return callRecord(opts, null, error);
  }
  const body = Buffer.concat(chunks);
  let message: AssistantMessage | null = null;
  let error: Failure | undefined;
  if (upstream.status < 400) {
    try {
      message = parseJsonBytes(body) as AssistantMessage;
    } catch {
      error = failure('invalid_response', 'invalid JSON in upstream response');
    }
  } else {
    error = statusFailure(upstream.status, body.toString('utf8'));
  }
  const call = callRecord(opts, message, error);
  client.head(upstream.status, {
    ...clientResponseHeaders(upstream.headers),
    ...opts.cascadeHeaders(call),
    'content-length': body.length,
  });
  client.end(body);
  return call;
}

function callRecord(
  opts: RelayOptions,
  message: AssistantMessage | null,
  error: Failure | undefined,
  { usage, estimated }: MeteredUsage = { usage: message?.usage ?? null, estimated: false },
): CallRecord {
  rememberSignatures(opts.signatures, message, opts.model);
  const record: CallRecord = {
    model: opts.model,
    status: opts.upstream.status,
    usage,
    cost: opts.accounting.callCost(opts.model, usage),
    latencyMs: Date.now() - opts.sentAt,
  };
  if (error) record.failure = error;
  if (estimated) record.usageEstimated = true;
  if (opts.retries) record.retries = opts.retries;
  return record;
}

/** Lets later draft requests tell which thinking blocks this model signed. */
export function rememberSignatures(registry: SignatureRegistry, message: AssistantMessage | null, model: string): void {
  for (const block of message?.content ?? []) {
    if (block.type === 'thinking' && typeof block.signature === 'string') registry.remember(block.signature, model);
    if (block.type === 'redacted_thinking' && typeof block.data === 'string') registry.remember(block.data, model);
  }
}
