// The demo's scripted traffic, sent with plain fetch as Claude Code would send it (the desktop
// app ships no SDK). A quick burst first, so the dashboard shows every kind of decision and a
// saving at once, then a slow trickle of sessions so it keeps moving while someone watches.
// Which decision each request gets is steered by the simulator's `[sim:…]` markers; the proxy
// decides the rest as it would for any client (the demo changes no setting).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageAssembler } from '../proxy/sse/assemble';
import { SseDecoder } from '../proxy/sse/events';
import { isToolUse, type AssistantMessage, type ContentBlock, type MessagesRequest } from '../proxy/wire';
import { CLAUDE_CODE_HEADERS, Session, titleRequest } from './claude-code';
import { catN } from './project';

/** Claude Code's default model; the default rules draft it with Sonnet 5.5. */
export const OPUS = 'claude-opus-5-5';
/** Claude Code's `/model sonnet`; drafted with Haiku 5.5. */
export const SONNET = 'claude-sonnet-5-5';
/** Claude Code's small model (session titles); no rule matches Haiku, so it passes through. */
export const HAIKU = 'claude-haiku-5-5';

/** The key the demo's traffic sends and the printed client lines use: the simulator takes any. */
export const DEMO_KEY = 'sk-demo';

/** Requests the burst sends: accepted answers and a read, a draft error, a passthrough, escalations. */
export const BURST_REQUESTS = 7;

export interface TrafficOptions {
  baseUrl: string;
  /** The project folder the sessions declare as their working directory. */
  project: string;
  /** Aborts the request in flight and ends the trickle. */
  signal: AbortSignal;
}

/** The reply as Claude Code reads it, or null when the proxy answered with an error status. */
async function send(options: TrafficOptions, body: MessagesRequest): Promise<AssistantMessage | null> {
  const response = await fetch(`${options.baseUrl}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { ...CLAUDE_CODE_HEADERS, 'content-type': 'application/json', 'x-api-key': DEMO_KEY },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return null;
  }
  if (!body.stream) return (await response.json()) as AssistantMessage;
  const assembler = new MessageAssembler();
  const decoder = new SseDecoder(
    (event) => void assembler.apply(event),
    () => undefined,
  );
  for await (const chunk of response.body) decoder.push(chunk);
  return assembler.done ? assembler.message : null;
}

/** Reads the files the answer's Read calls name, as Claude Code's Read tool returns them. */
async function runReads(project: string, message: AssistantMessage): Promise<ContentBlock[]> {
  const results: ContentBlock[] = [];
  for (const call of message.content.filter(isToolUse)) {
    const file = String((call.input as { file_path?: unknown } | null)?.file_path ?? '');
    const inside = path.resolve(file).startsWith(project + path.sep);
    const content = inside ? await readFile(file, 'utf8').then(catN, () => null) : null;
    results.push({ type: 'tool_result', tool_use_id: call.id, content: content ?? `File does not exist: ${file}`, ...(content === null && { is_error: true }) });
  }
  return results;
}

/**
 * A question about a file: the model reads it (a read-class tool call, grounded in the real
 * file), the demo runs the Read as Claude Code would, and the model answers from the file. Two
 * requests in one session. The answer after a tool result is an answer no check finds evidence
 * for, which the default rules do not accept unverified: it is escalated, as it would be for
 * Claude Code.
 */
async function readAndExplain(options: TrafficOptions, model: string, file: string, question: string): Promise<void> {
  const session = new Session(model, options.project);
  const input = JSON.stringify({ file_path: path.join(options.project, file) });
  const read = await send(options, session.request(`${question} [sim:tool:Read:${input}]`));
  if (!read) return;
  session.answered(read);
  const results = await runReads(options.project, read);
  if (results.length) await send(options, session.request(results));
}

/** A session of questions asked one after another, each answered in text. */
async function ask(options: TrafficOptions, model: string, ...prompts: string[]): Promise<void> {
  const session = new Session(model, options.project);
  for (const prompt of prompts) {
    const answer = await send(options, session.request(prompt));
    if (!answer) return;
    session.answered(answer);
  }
}

async function title(options: TrafficOptions, prompt: string): Promise<void> {
  await send(options, titleRequest(HAIKU, prompt));
}

/** The burst, one request after another (BURST_REQUESTS in all). */
export async function sendBurst(options: TrafficOptions): Promise<void> {
  // Two accepted answers in one Opus session (the second reads the first's warm cache).
  await ask(options, OPUS, 'Explain how DNS resolution works, from the browser cache to the authoritative name server.', 'Explain what changes when a DNS record\'s TTL expires.');
  // A Sonnet session reads a file (an accepted read), then answers from it (escalated: unverified).
  await readAndExplain(options, SONNET, 'src/retry.ts', 'What does src/retry.ts do, and how long does it wait between attempts?');
  // The failures are on Sonnet's rule: a failed draft counts against drafting, and Opus's rule,
  // Claude Code's default, keeps its clean record, so the user's own first `claude -p` is drafted.
  // Haiku is overloaded: the draft fails, Sonnet answers, the client never sees the failure.
  await ask(options, SONNET, 'Explain what a TTL cache is and when its entries expire. [sim:haiku=error:529]');
  await title(options, 'What does src/retry.ts do?');
  // Haiku's draft refuses: the checker rules it out as it streams and Sonnet answers.
  await ask(options, SONNET, 'Explain how to count the lines of every TypeScript file in a folder. [sim:haiku=refusal]');
}

/** One round of the trickle: Claude Code sessions on Sonnet and Opus, and a title. */
const TRICKLE_ROUND: Array<(options: TrafficOptions) => Promise<void>> = [
  (o) => readAndExplain(o, SONNET, 'src/cache.ts', 'How does the cache in src/cache.ts decide that an entry has expired?'),
  (o) => title(o, 'How does the cache expire entries?'),
  (o) => ask(o, OPUS, 'Explain the difference between exponential backoff and a fixed retry delay.', 'Explain why retries need jitter.'),
  (o) => ask(o, SONNET, 'Explain what an in-memory cache with a time to live is good for.'),
];

/**
 * The trickle: a step of TRICKLE_ROUND every `everyMs`, `steps` steps in all. Rejects with an
 * AbortError once the signal aborts.
 */
export async function trickle(options: TrafficOptions, everyMs: number, steps: number): Promise<void> {
  for (let step = 0; step < steps; step++) {
    await sleep(everyMs, undefined, { signal: options.signal });
    await TRICKLE_ROUND[step % TRICKLE_ROUND.length](options);
  }
}
