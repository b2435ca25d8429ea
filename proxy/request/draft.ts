// The draft call: ask the cheap model, keep its answer back from the client, and judge
// it; a draft with no byte within its first-byte deadline (draft-deadline.ts) is given up. A
// streamed draft is checked while it arrives (when a tool call starts, at block boundaries,
// and on a doubling schedule inside long text, so the total checking work stays linear in the
// draft's length) and cut off as soon as a decisive signal rules it out.
import type { IncomingHttpHeaders } from 'node:http';
import type { Accounting } from '../pricing/accounting';
import { checkQuality } from '../quality';
import { loadJsParser } from '../quality/js-parser';
import { MessageAssembler } from '../sse/assemble';
import { SseDecoder } from '../sse/events';
import type { AssistantMessage, MessagesRequest } from '../wire';
import type { CallRecord, Failure } from '../../contracts/decision';
import type { QualityOptions, QualityResult } from '../quality/types';
import { sendUpstream, type UpstreamBody, type UpstreamResponse } from '../upstream/client';
import { bodyFailure, describeError, failure, requestFailure, statusFailure } from '../upstream/failures';
import { OutputMeter, type MeteredUsage } from './output-meter';
import { isEventStream } from './relay';

export interface DraftCall {
  request: MessagesRequest;
  /** The adapted draft body, serialized. */
  body: UpstreamBody;
  headers: Record<string, string>;
  baseUrl: string;
  pathAndQuery: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Longest wait for the first byte of the body (draft-deadline.ts). */
  firstByteTimeoutMs: number;
  /** Longest wait between chunks. */
  timeoutMs: number;
  accounting: Accounting;
  /** The time to the first byte of a 200 answer, or the deadline when it passed without one. */
  onFirstByte?(ms: number): void;
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
  const deadline = firstByteDeadline(draft, own);
  // The checker's JavaScript parser loads while the draft is on its way (only the first draft waits for it).
  const parserLoaded = loadJsParser();
  const fail = (cause: Failure, status: number, partial: MeteredUsage = { usage: null, estimated: false }): DraftOutcome => {
    // The abort that ended a late draft surfaces as an abort error: the deadline is the cause.
    const why = deadline.missed && !draft.signal.aborted ? deadline.failure() : cause;
    return {
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
    };
  };
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
      deadline.met(null);
      const text = await upstream.body.text().catch((err: unknown) => describeError(err));
      return fail(statusFailure(upstream.status, text), upstream.status);
    }
    const streamed = isEventStream(upstream);
    if (streamed !== (draft.request.stream === true)) {
      upstream.body.destroy();
      return fail(failure('invalid_response', `unexpected content-type ${String(upstream.headers['content-type'])}`), upstream.status);
    }
    await parserLoaded;
    return streamed ? await judgeStream(draft, upstream, own, sentAt, fail, deadline) : await judgeJson(draft, upstream, sentAt, fail, deadline);
  } finally {
    deadline.met(null);
    draft.signal.removeEventListener('abort', abortOwn);
  }
}

interface Deadline {
  readonly missed: boolean;
  /** The first byte came (`ms` after sending), or the wait is over for another reason (null). */
  met(ms: number | null): void;
  failure(): Failure;
}

/** Aborts the draft when no byte of a body came within its first-byte deadline. */
function firstByteDeadline(draft: DraftCall, own: AbortController): Deadline {
  const ms = draft.firstByteTimeoutMs;
  let pending = true;
  let missed = false;
  const timer = setTimeout(() => {
    pending = false;
    missed = true;
    draft.onFirstByte?.(ms);
    own.abort();
  }, ms);
  return {
    get missed() {
      return missed;
    },
    met(elapsed) {
      if (!pending) return;
      pending = false;
      clearTimeout(timer);
      if (elapsed !== null) draft.onFirstByte?.(elapsed);
    },
    failure: () => failure('timeout', `Timeout: no first byte from ${draft.request.model} within ${ms} ms`),
  };
}

type Fail = (why: Failure, status: number, partial?: MeteredUsage) => DraftOutcome;

async function judgeJson(draft: DraftCall, upstream: UpstreamResponse, sentAt: number, fail: Fail, deadline: Deadline): Promise<DraftOutcome> {
  let raw: Buffer;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of upstream.body) {
      deadline.met(Date.now() - sentAt);
      chunks.push(chunk);
    }
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
  deadline: Deadline,
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
      deadline.met(Date.now() - sentAt);
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
