// The draft call: ask the cheap model, keep its answer back from the client, and judge
// it. A streamed draft is checked while it arrives (when a tool call starts, at block
// boundaries, and on a doubling schedule inside long text, so the total checking work
// stays linear in the draft's length) and cut off as soon as a decisive signal rules it out.
import type { IncomingHttpHeaders } from 'node:http';
import type { Accounting } from '../pricing/accounting';
import { checkQuality } from '../quality';
import { MessageAssembler } from '../sse/assemble';
import { SseDecoder } from '../sse/events';
import type { AssistantMessage, MessagesRequest } from '../wire';
import type { CallRecord, Failure, Usage } from '../../contracts/decision';
import type { QualityOptions, QualityResult } from '../quality/types';
import { sendUpstream, type UpstreamResponse } from '../upstream/client';
import { bodyFailure, describeError, failure, requestFailure, statusFailure } from '../upstream/failures';
import { OutputMeter, type MeteredUsage } from './output-meter';
import { isEventStream } from './relay';

export interface DraftCall {
  request: MessagesRequest;
  /** The adapted draft body, serialized. */
  body: string;
  headers: Record<string, string>;
  baseUrl: string;
  pathAndQuery: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Longest wait for the first byte and between chunks. */
  timeoutMs: number;
  accounting: Accounting;
}

export type DraftOutcome =
  | {
      kind: 'judged';
      call: CallRecord;
      quality: QualityResult;
      message: AssistantMessage;
      /** Cut off early by a decisive signal: never acceptable. */
      stoppedEarly: boolean;
      /** The upstream answer as received, replayed unchanged when accepted. */
      status: number;
      headers: IncomingHttpHeaders;
      raw: Buffer;
    }
  | { kind: 'failed'; call: CallRecord; failure: Failure };

/** A draft that arrived and was judged. */
export type JudgedDraft = Extract<DraftOutcome, { kind: 'judged' }>;

/** First partial check after this much streamed text; then each time the text doubles. */
const FIRST_PARTIAL_CHECK_CHARS = 160;
export async function runDraft(draft: DraftCall): Promise<DraftOutcome> {
  const model = draft.request.model;
  const sentAt = Date.now();
  const own = new AbortController();
  const abortOwn = () => own.abort();
  draft.signal.addEventListener('abort', abortOwn, { once: true });
  const fail = (why: Failure, status: number, partial: MeteredUsage = { usage: null, estimated: false }): DraftOutcome => ({
    kind: 'failed',
    failure: why,
    call: {
      model,
      status,
      usage: partial.usage,
      cost: draft.accounting.callCost(model, partial.usage),
      latencyMs: Date.now() - sentAt,
      failure: why,
      ...(partial.estimated && { usageEstimated: true }),
    },
  });
  try {
    let upstream: UpstreamResponse;
    try {
      upstream = await sendUpstream({
        baseUrl: draft.baseUrl,
        pathAndQuery: draft.pathAndQuery,
        method: 'POST',
        headers: draft.headers,
        body: draft.body,
        signal: own.signal,
        headersTimeoutMs: draft.timeoutMs,
        bodyTimeoutMs: draft.timeoutMs,
      });
    } catch (err) {
      return fail(requestFailure(err, draft.signal.aborted), 0);
    }
    if (upstream.status !== 200) {
      const text = await upstream.body.text().catch((err: unknown) => describeError(err));
      return fail(statusFailure(upstream.status, text), upstream.status);
    }
    const streamed = isEventStream(upstream);
    if (streamed !== (draft.request.stream === true)) {
      upstream.body.destroy();
      return fail(failure('invalid_response', `unexpected content-type ${String(upstream.headers['content-type'])}`), upstream.status);
    }
    return streamed ? await judgeStream(draft, upstream, own, sentAt, fail) : await judgeJson(draft, upstream, sentAt, fail);
  } finally {
    draft.signal.removeEventListener('abort', abortOwn);
  }
}

type Fail = (why: Failure, status: number, partial?: MeteredUsage) => DraftOutcome;

async function judgeJson(draft: DraftCall, upstream: UpstreamResponse, sentAt: number, fail: Fail): Promise<DraftOutcome> {
  let raw: Buffer;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of upstream.body) chunks.push(chunk);
    raw = Buffer.concat(chunks);
  } catch (err) {
    return fail(bodyFailure(err, draft.signal.aborted), upstream.status);
  }
  let message: AssistantMessage;
  try {
    message = JSON.parse(raw.toString('utf8')) as AssistantMessage;
  } catch {
    return fail(failure('invalid_response', 'invalid JSON in draft response'), upstream.status);
  }
  if (message?.type !== 'message' || !Array.isArray(message.content)) {
    return fail(failure('invalid_response', 'draft response is not a message'), upstream.status, { usage: message?.usage ?? null, estimated: false });
  }
  const quality = judge(draft.request, message);
  if ('kind' in quality) return fail(quality, upstream.status, { usage: message.usage ?? null, estimated: false });
  return judged(draft, upstream, message, raw, sentAt, quality, false);
}

/** The checker is pure, but a malformed request may still throw inside it: that is a draft failure like any other. */
function judge(request: MessagesRequest, message: AssistantMessage, options?: QualityOptions): QualityResult | Failure {
  try {
    return checkQuality(request, message, options);
  } catch (err) {
    return failure('check_threw', `quality check failed: ${describeError(err)}`);
  }
}

async function judgeStream(
  draft: DraftCall,
  upstream: UpstreamResponse,
  own: AbortController,
  sentAt: number,
  fail: Fail,
): Promise<DraftOutcome> {
  const assembler = new MessageAssembler();
  const meter = new OutputMeter();
  let completeBlocks = 0;
  let streamedChars = 0;
  let nextCheckAt = FIRST_PARTIAL_CHECK_CHARS;
  let due = false;
  const decoder = new SseDecoder(
    (event) => {
      const finished = assembler.apply(event);
      meter.observe(event);
      if (finished !== null) {
        completeBlocks = Math.max(completeBlocks, finished + 1);
        due = true;
      } else if (event.type === 'content_block_start' && (event.data.content_block as { type?: string })?.type === 'tool_use') {
        due = true; // an unknown tool name rules the draft out before its input arrives
      } else if (event.type === 'content_block_delta') {
        const delta = event.data.delta as { text?: string; partial_json?: string } | undefined;
        streamedChars += (delta?.text ?? delta?.partial_json ?? '').length;
        if (streamedChars >= nextCheckAt) {
          nextCheckAt = streamedChars * 2;
          due = true;
        }
      }
    },
    (reason) => assembler.fail(reason),
  );
  const partial = () => meter.usage(assembler.message?.usage ?? null);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of upstream.body) {
      chunks.push(chunk);
      decoder.push(chunk);
      if (assembler.error) break;
      if (due && assembler.message && !assembler.done) {
        due = false;
        const quality = judge(draft.request, assembler.message, { partial: true, completeBlocks });
        if ('kind' in quality) {
          own.abort();
          return fail(quality, upstream.status, partial());
        }
        if (quality.signals.some((s) => s.decisive)) {
          own.abort();
          return judged(draft, upstream, assembler.message, null, sentAt, quality, true, partial());
        }
      }
    }
  } catch (err) {
    return fail(bodyFailure(err, draft.signal.aborted), upstream.status, partial());
  }
  if (assembler.error || !assembler.message || !assembler.done) {
    own.abort();
    return fail(assembler.error ?? failure('broken_stream', 'stream ended before message_stop'), upstream.status, partial());
  }
  const quality = judge(draft.request, assembler.message);
  if ('kind' in quality) return fail(quality, upstream.status, partial());
  return judged(draft, upstream, assembler.message, Buffer.concat(chunks), sentAt, quality, false);
}

function judged(
  draft: DraftCall,
  upstream: UpstreamResponse,
  message: AssistantMessage,
  raw: Buffer | null,
  sentAt: number,
  quality: QualityResult,
  stoppedEarly: boolean,
  { usage, estimated }: MeteredUsage = { usage: message.usage ?? null, estimated: false },
): DraftOutcome {
  const model = draft.request.model;
  return {
    kind: 'judged',
    quality,
    message,
    stoppedEarly,
    status: upstream.status,
    headers: upstream.headers,
    raw: raw ?? Buffer.alloc(0),
    call: {
      model,
      status: upstream.status,
      usage,
      cost: draft.accounting.callCost(model, usage),
      latencyMs: Date.now() - sentAt,
      ...(estimated && { usageEstimated: true }),
    },
  };
}
