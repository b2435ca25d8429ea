// Shadow verification: a sampled accepted draft is answered again by the verifier, in the
// background, after the client has its answer; the two answers are compared (compare.ts) and
// the outcome, with what the call cost, amends the draft's record through `onResult`; a 429,
// 529 or 5xx answer is retried within bounds (upstream/retry.ts). The client never waits for
// it. At most `concurrency` calls run at once, a bounded queue holds the next ones and samples
// beyond it are dropped (and counted); nothing starts while the proxy is paused; close()
// aborts every call. The call is not streamed: nothing is relayed, and the comparison
// needs the whole answer anyway.
import type { DecisionAmend, Failure, ShadowResult, Usage } from '../../contracts/decision';
import type { CascadeRule } from '../../contracts/rules';
import { buildAnswerRequest } from '../models/adapt-request';
import { SignatureRegistry } from '../models/signatures';
import type { Accounting } from '../pricing/accounting';
import { sendUpstream, type UpstreamResponse } from '../upstream/client';
import { bodyFailure, describeError, failure, requestFailure, statusFailure } from '../upstream/failures';
import { DEFAULT_RETRY_POLICY, sendWithRetries, type RetryPolicy } from '../upstream/retry';
import type { AssistantMessage, MessagesRequest } from '../wire';
import { compareAnswers } from './compare';

/** An accepted draft, offered for sampling once the client has it. */
export interface ShadowCandidate {
  /** The draft's decision record, which the result amends. */
  recordId: string;
  rule: CascadeRule;
  /** The client's request, as the draft answered it. */
  request: MessagesRequest;
  /** The upstream headers the request path sends the verifier (the client's key and betas). */
  headers: Record<string, string>;
  pathAndQuery: string;
  draft: AssistantMessage;
  /** The client's working directory, when the request states it (paths inside it compare equal). */
  workingDirectory?: string;
}

export interface ShadowVerifierOptions {
  /** Read per call, so a settings change applies to the next one. */
  upstreamUrl(): string;
  accounting: Pick<Accounting, 'callCost'>;
  /** The cascade is paused: nothing starts. */
  paused(): boolean;
  /** Each finished sample, as a change to its record (the decision sink's amend). */
  onResult(change: DecisionAmend): void;
  /** A bug of the proxy's own while verifying (nothing reaches a client). */
  warn(message: string): void;
  /** Draws whether a draft is sampled at the rule's rate; default Math.random() < rate. */
  sample?: (rate: number) => boolean;
  /** Calls at once (default 2). */
  concurrency?: number;
  /** Samples waiting for a free slot (default 16); more are dropped. */
  queueLimit?: number;
  /**
   * The models that signed thinking blocks the proxy relayed: blocks another model signed are
   * dropped for the verifier, as an escalation drops them. Default: none known, so every
   * thinking block is dropped.
   */
  signatures?: SignatureRegistry;
  /** Longest wait for the whole answer (ms); default the upstream client's. */
  timeoutMs?: number;
  /** Retries of a 429/529/5xx answer (default upstream/retry.ts's). */
  retry?: RetryPolicy;
}

export class ShadowVerifier {
  private readonly queue: ShadowCandidate[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly signatures: SignatureRegistry;
  private droppedCount = 0;

  constructor(private readonly options: ShadowVerifierOptions) {
    this.signatures = options.signatures ?? new SignatureRegistry();
  }

  /** Samples the draft at its rule's shadowRate; true when a shadow call is started or queued. */
  consider(candidate: ShadowCandidate): boolean {
    const rate = candidate.rule.shadowRate ?? 0;
    if (rate <= 0 || this.shutdown.signal.aborted || this.options.paused()) return false;
    if (!(this.options.sample ?? ((r: number) => Math.random() < r))(rate)) return false;
    if (this.running.size < (this.options.concurrency ?? 2)) {
      this.start(candidate);
      return true;
    }
    if (this.queue.length >= (this.options.queueLimit ?? 16)) {
      this.droppedCount += 1;
      return false;
    }
    this.queue.push(candidate);
    return true;
  }

  /** Samples dropped because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Aborts every call and forgets the queue; resolves when the calls have ended (nothing is reported). */
  async close(): Promise<void> {
    this.queue.length = 0;
    this.shutdown.abort();
    await Promise.all(this.running);
  }

  private start(candidate: ShadowCandidate): void {
    const call: Promise<void> = this.verify(candidate)
      .catch((error: unknown) => this.options.warn(`Shadow verification failed: ${describeError(error)}`))
      .finally(() => {
        this.running.delete(call);
        this.next();
      });
    this.running.add(call);
  }

  private next(): void {
    const limit = this.options.concurrency ?? 2;
    while (this.running.size < limit && this.queue.length > 0) {
      const candidate = this.queue.shift() as ShadowCandidate;
      if (!this.options.paused()) this.start(candidate);
    }
  }

  private async verify(candidate: ShadowCandidate): Promise<void> {
    const model = candidate.rule.verifierModel ?? candidate.request.model;
    const shadow = await this.ask(candidate, model);
    // On shutdown nothing is reported: the store is closing, and an aborted call proves nothing.
    if (this.shutdown.signal.aborted) return;
    this.options.onResult({ id: candidate.recordId, shadow });
  }

  /** The verifier's answer compared with the draft, or why there is none. */
  private async ask(candidate: ShadowCandidate, model: string): Promise<ShadowResult> {
    const { request } = candidate;
    const body = { ...(buildAnswerRequest(request, model, this.signatures) ?? request), stream: false };
    let upstream: UpstreamResponse;
    let retries = 0;
    const send = () =>
      sendUpstream({
        baseUrl: this.options.upstreamUrl(),
        pathAndQuery: candidate.pathAndQuery,
        method: 'POST',
        headers: candidate.headers,
        body: JSON.stringify(body),
        signal: this.shutdown.signal,
        headersTimeoutMs: this.options.timeoutMs,
        bodyTimeoutMs: this.options.timeoutMs,
      });
    try {
      const policy = this.options.retry ?? DEFAULT_RETRY_POLICY;
      upstream = await sendWithRetries(send, { policy, signal: this.shutdown.signal, onRetry: () => (retries += 1) });
    } catch (error) {
      return this.failed(model, requestFailure(error, false), null, retries);
    }
    let text: string;
    try {
      text = await upstream.body.text();
    } catch (error) {
      return this.failed(model, bodyFailure(error, false), null, retries);
    }
    if (upstream.status !== 200) return this.failed(model, statusFailure(upstream.status, text), null, retries);
    let message: AssistantMessage;
    try {
      message = JSON.parse(text) as AssistantMessage;
    } catch {
      return this.failed(model, failure('invalid_response', 'invalid JSON in the verifier response'), null, retries);
    }
    const usage = message?.usage ?? null;
    if (message?.type !== 'message' || !Array.isArray(message.content)) {
      return this.failed(model, failure('invalid_response', 'the verifier response is not a message'), usage, retries);
    }
    const comparison = compareAnswers({ request, draft: candidate.draft, verifier: message, workingDirectory: candidate.workingDirectory });
    return { model, ...comparison, cost: this.options.accounting.callCost(model, usage), usage, ...(retries > 0 && { retries }) };
  }

  /** A call that gave no answer to compare; whatever it reported using is still paid for. */
  private failed(model: string, why: Failure, usage: Usage | null, retries: number): ShadowResult {
    const cost = this.options.accounting.callCost(model, usage);
    return { model, agreed: false, reason: `no comparison: ${why.kind}`, cost, usage, failure: why, ...(retries > 0 && { retries }) };
  }
}
