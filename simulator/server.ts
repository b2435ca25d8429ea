// The test upstream: a real HTTP server on loopback that speaks the Messages API (JSON
// and SSE), count_tokens and models (models.ts), rejects what the real API rejects: a
// malformed request (validation.ts) and what a model does not accept (the capability
// table); answers as scripted or as `[sim:…]` markers ask (behaviours.ts), caches prompt
// prefixes as the API does (prompt-cache.ts), and records every request it received with
// the usage it reported. With a `log` option, one line per request (never prompt text or keys).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptsBeta, capabilitiesOf, TOOL_SEARCH_BETA } from '../proxy/models/capabilities';
import { formatSse } from '../proxy/sse/events';
import type { ContentBlock, JsonObject, MessagesRequest } from '../proxy/wire';
import { timestamped } from '../proxy/log/logger';
import type { Usage } from '../contracts/decision';
import { estimateTokens, planAnswer, readMarkers, unknownMarkersNote, type Answer, type Behaviour, type BehaviourKind } from './behaviours';
import { listModels, retrieveModel } from './models';
import { PromptCache } from './prompt-cache';
import { requestProblem } from './validation';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query string without the `?` ('' when none). */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** Parsed JSON body, or null. */
  body: MessagesRequest | null;
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
  /** The answer was sent completely. */
  finished: boolean;
  /** The simulator cut the connection on purpose (behaviour `break`). */
  broken: boolean;
  /** The response body bytes the simulator sent, for byte-fidelity assertions. */
  responseBody: string;
  /** The usage the simulator reported for a message it answered (what a real upstream would bill). */
  usage?: Usage;
  /** The behaviour that answered a message and what chose it: `script`, the marker (shortened) or `default`. */
  behaviour?: { kind: BehaviourKind; by: string };
  /** `[sim:…]` markers of no known kind, named in the answer. */
  unknownMarkers: string[];
  /** The message of an error the simulator itself answered with (a refused request, a scripted error). */
  error?: string;
}

export interface Simulator {
  url: string;
  port: number;
  readonly requests: RecordedRequest[];
  /** Requests to POST /v1/messages for a model (exact id or prefix ending in `*`). */
  messagesFor(model: string): RecordedRequest[];
  /** Answer the next `times` (default: every) request for `model` (`*` wildcards) with `behaviour`. */
  script(model: string, behaviour: Behaviour, times?: number): void;
  /** Forget scripts, recorded requests and the prompt cache. */
  reset(): void;
  close(): Promise<void>;
}

interface ScriptEntry {
  pattern: RegExp;
  behaviour: Behaviour;
  remaining: number;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  const headers: Record<string, string> = { 'request-id': `req_sim_err_${status}` };
  if (status === 429) headers['retry-after'] = '1';
  sendJson(res, status, { type: 'error', error: { type, message } }, headers);
}

/** An error the simulator answers with, in the API's shape; its message is kept for the log. */
function refuse(record: RecordedRequest, res: ServerResponse, status: number, message: string): void {
  record.error = message;
  sendError(res, status, ERROR_TYPES[status] ?? 'api_error', message);
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Sampling parameters and the value that counts as "not set" (top_k has none). */
const SAMPLING_DEFAULTS: Array<[string, unknown]> = [
  ['temperature', 1],
  ['top_p', 1],
  ['top_k', undefined],
];

/** What the real API would refuse in this request for its model, or null. */
function unsupported(request: MessagesRequest, betaHeader: string | undefined): { status: number; message: string } | null {
  const caps = capabilitiesOf(request.model);
  if (!caps) return { status: 404, message: `model: ${request.model}` };
  const thinking = request.thinking as JsonObject | undefined;
  if (thinking?.type === 'adaptive' && !caps.adaptiveThinking) {
    return { status: 400, message: `thinking.type: adaptive thinking is not supported on ${request.model}` };
  }
  if (thinking?.type === 'disabled' && !caps.thinkingOff) {
    return { status: 400, message: '"thinking.type.disabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.' };
  }
  const choice = (request.tool_choice as JsonObject | undefined)?.type;
  if ((choice === 'any' || choice === 'tool') && !caps.forcedToolChoice) {
    return { status: 400, message: `tool_choice: forced tool use ("${String(choice)}") is not supported on ${request.model}` };
  }
  if (!caps.systemMessages && request.messages.some((m) => m.role === 'system')) {
    return { status: 400, message: "messages: role 'system' is not supported on this model" };
  }
  if (request.messages.at(-1)?.role === 'assistant' && !caps.prefill) {
    return { status: 400, message: `messages: prefilling the assistant message is not supported on ${request.model}; end with a user turn` };
  }
  if (thinking?.type === 'enabled' && !caps.extendedThinking) {
    return { status: 400, message: `thinking: extended thinking is not supported on ${request.model}` };
  }
  if (thinking?.type === 'enabled' && !(Number(thinking.budget_tokens) < Number(request.max_tokens))) {
    return { status: 400, message: '`max_tokens` must be greater than `thinking.budget_tokens`' };
  }
  const effort = (request.output_config as JsonObject | undefined)?.effort;
  if (effort !== undefined && !(caps.effortLevels as readonly unknown[]).includes(effort)) {
    return { status: 400, message: `output_config.effort: ${JSON.stringify(effort)} is not supported on ${request.model}` };
  }
  if (!caps.samplingParams) {
    const sampled = SAMPLING_DEFAULTS.find(([name, neutral]) => request[name] !== undefined && request[name] !== neutral);
    if (sampled) return { status: 400, message: `${sampled[0]}: sampling parameters are not supported on ${request.model}` };
  }
  if (request.context_management !== undefined && !caps.contextManagement) {
    return { status: 400, message: `context_management: not supported on ${request.model}` };
  }
  if (typeof request.max_tokens === 'number' && request.max_tokens > caps.maxOutputTokens) {
    return { status: 400, message: `max_tokens: ${request.max_tokens} > ${caps.maxOutputTokens}, the maximum for ${request.model}` };
  }
  if (request.tools?.some((t) => t.defer_loading) && !acceptsBeta(caps, TOOL_SEARCH_BETA)) {
    return { status: 400, message: `tools: defer_loading is not supported on ${request.model}` };
  }
  for (const beta of (betaHeader ?? '').split(',').map((b) => b.trim()).filter(Boolean)) {
    if (!acceptsBeta(caps, beta)) return { status: 400, message: `anthropic-beta: ${beta} is not supported on ${request.model}` };
  }
  // Thinking signatures are bound to the model family that produced them.
  for (const message of request.messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block?.type !== 'thinking' || typeof block.signature !== 'string') continue;
      const signer = /^sim-sig:([^:]+):/.exec(block.signature)?.[1];
      if (signer && capabilitiesOf(signer)?.family !== caps.family) {
        return { status: 400, message: 'messages: Invalid `signature` in `thinking` block' };
      }
    }
  }
  return null;
}

let messageIds = 0;

/** Caches are per API key (a digest of it) and model. */
function cacheScope(req: IncomingMessage, model: string): string {
  const key = req.headers['x-api-key'] ?? req.headers.authorization ?? '';
  return `${createHash('sha256').update(String(key)).digest('base64url')}\u0000${model}`;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** The clock prompt-cache expiry follows (default Date.now): benches and tests move it instead of waiting. */
  now?: () => number;
  /** Gets one line per request (timestamped; see logLine). Default: none, so tests stay quiet. */
  log?: (line: string) => void;
}

/** Method, path, model, status, the behaviour and what chose it, unknown markers, duration. */
export function logLine(record: RecordedRequest, status: number, ms: number): string {
  const body = record.body as Partial<MessagesRequest> | null;
  const parts = [record.method, record.path];
  if (typeof body?.model === 'string') parts.push(body.model);
  parts.push(String(status));
  if (body?.stream === true) parts.push('stream');
  if (record.broken) parts.push('cut');
  else if (record.aborted) parts.push('aborted by client');
  if (record.behaviour) parts.push(record.behaviour.by === 'default' ? record.behaviour.kind : `${record.behaviour.kind} by ${record.behaviour.by}`);
  if (record.unknownMarkers.length) parts.push(`unknown ${record.unknownMarkers.join(' ')}`);
  if (record.error) parts.push(`"${record.error}"`);
  parts.push(`${Math.round(ms)}ms`);
  return parts.join(' ');
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const requests: RecordedRequest[] = [];
  let scripts: ScriptEntry[] = [];
  const cache = new PromptCache(options.now);

  /** A script for the model wins; else the prompt's markers; else a good answer. Null: a marker cannot be read (answered). */
  function behaviourFor(record: RecordedRequest, request: MessagesRequest, res: ServerResponse): Behaviour | null {
    const entry = scripts.find((s) => s.remaining > 0 && s.pattern.test(request.model));
    if (entry) {
      entry.remaining -= 1;
      record.behaviour = { kind: entry.behaviour.kind, by: 'script' };
      return entry.behaviour;
    }
    const markers = readMarkers(request, request.model);
    if (markers.malformed) {
      refuse(record, res, 400, `simulator marker ${markers.malformed.marker} cannot be read: ${markers.malformed.problem}`);
      return null;
    }
    record.unknownMarkers = markers.unknown;
    const behaviour = markers.behaviour ?? { kind: 'good' };
    record.behaviour = { kind: behaviour.kind, by: markers.applied ?? 'default' };
    return behaviour;
  }

  async function handleMessages(record: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const problem = requestProblem(record.body, 'messages');
    if (problem) return refuse(record, res, 400, record.body === null && record.rawBody ? 'body: invalid JSON' : problem);
    const request = record.body as MessagesRequest;
    const beta = req.headers['anthropic-beta'];
    const refused = unsupported(request, Array.isArray(beta) ? beta.join(',') : beta);
    if (refused) return refuse(record, res, refused.status, refused.message);
    const behaviour = behaviourFor(record, request, res);
    if (!behaviour) return;
    await behaviour.until;
    if (behaviour.kind === 'error') {
      const status = behaviour.status ?? 500;
      if (behaviour.delayMs) await sleep(behaviour.delayMs);
      return refuse(record, res, status, behaviour.message ?? `simulated ${status}`);
    }
    const answer = planAnswer(request, behaviour, record.unknownMarkers.length ? [unknownMarkersNote(record.unknownMarkers)] : []);
    // Usage a test scripts is reported as scripted; otherwise the cache splits the input.
    const cached = behaviour.usage ? null : cache.apply(request, cacheScope(req, request.model), answer.usage.input_tokens);
    if (cached) answer.usage = { ...answer.usage, ...cached };
    record.usage = answer.usage;
    const thinking = request.thinking as JsonObject | undefined;
    if (thinking?.type === 'enabled' || thinking?.type === 'adaptive') {
      answer.content.unshift({
        type: 'thinking',
        thinking: 'Let me work through the question before answering.',
        signature: `sim-sig:${request.model}:${messageIds + 1}`,
      });
    }
    messageIds += 1;
    const id = `msg_sim_${messageIds.toString().padStart(6, '0')}`;
    const headers = {
      'request-id': `req_sim_${messageIds.toString().padStart(6, '0')}`,
      'anthropic-ratelimit-requests-limit': '1000',
      'anthropic-ratelimit-requests-remaining': '999',
      'anthropic-ratelimit-tokens-limit': '400000',
    };
    if (request.stream === true) await streamAnswer(record, res, answer, id, headers, behaviour);
    else {
      if (behaviour.delayMs) await sleep(behaviour.delayMs);
      if (behaviour.kind === 'stream_error') {
        refuse(record, res, 529, 'Overloaded');
        return;
      }
      if (behaviour.kind === 'break') {
        record.broken = true;
        res.socket?.destroy();
        return;
      }
      if (behaviour.kind === 'invalid_json') {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end('{"id": "msg_broken", "type": "message", "content": [');
        return;
      }
      sendJson(
        res,
        200,
        {
          id,
          type: 'message',
          role: 'assistant',
          model: request.model,
          content: answer.content,
          stop_reason: answer.stopReason,
          stop_sequence: null,
          usage: answer.usage,
        },
        headers,
      );
    }
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: MessagesRequest | null = null;
      try {
        body = rawBody ? (JSON.parse(rawBody) as MessagesRequest) : null;
      } catch {
        body = null;
      }
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        query,
        headers: { ...req.headers },
        rawBody,
        body,
        aborted: false,
        finished: false,
        broken: false,
        responseBody: '',
        unknownMarkers: [],
      };
      // Keep a copy of every byte sent, so tests can compare what the client received.
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((chunk: string | Buffer, ...rest: never[]) => {
        record.responseBody += chunk.toString();
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: string | Buffer, ...rest: never[]) => {
        if (chunk && typeof chunk !== 'function') record.responseBody += chunk.toString();
        return end(chunk as string, ...rest);
      }) as typeof res.end;
      requests.push(record);
      res.on('close', () => {
        record.finished = res.writableFinished;
        record.aborted = !res.writableFinished && !record.broken;
        options.log?.(timestamped(logLine(record, res.statusCode, performance.now() - started)));
      });
      if (!req.headers['x-api-key'] && !req.headers.authorization) {
        refuse(record, res, 401, 'x-api-key header is required');
        return;
      }
      route(record, req, res).catch((err: unknown) => {
        if (!res.headersSent) refuse(record, res, 500, String(err));
        else res.destroy();
      });
    });
  });

  async function route(record: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST' && record.path === '/v1/messages') return handleMessages(record, req, res);
    if (req.method === 'POST' && record.path === '/v1/messages/count_tokens') {
      const problem = requestProblem(record.body, 'count_tokens');
      if (problem) return refuse(record, res, 400, record.body === null && record.rawBody ? 'body: invalid JSON' : problem);
      const body = record.body as MessagesRequest;
      return sendJson(res, 200, { input_tokens: estimateTokens([body.system, body.messages, body.tools]) });
    }
    if (req.method === 'GET' && record.path === '/v1/models') {
      const page = listModels(new URLSearchParams(record.query));
      return 'problem' in page ? refuse(record, res, 400, page.problem) : sendJson(res, 200, page);
    }
    const modelId = req.method === 'GET' ? /^\/v1\/models\/([^/]+)$/.exec(record.path)?.[1] : undefined;
    if (modelId !== undefined) {
      const model = retrieveModel(decodeURIComponent(modelId));
      return model ? sendJson(res, 200, model) : refuse(record, res, 404, `model: ${decodeURIComponent(modelId)}`);
    }
    refuse(record, res, 404, `Not found: ${req.method} ${record.path}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    requests,
    messagesFor(model) {
      const pattern = globToRegExp(model);
      return requests.filter((r) => r.path === '/v1/messages' && r.body && pattern.test(r.body.model));
    },
    script(model, behaviour, times = Number.POSITIVE_INFINITY) {
      scripts.push({ pattern: globToRegExp(model), behaviour, remaining: times });
    },
    reset() {
      scripts = [];
      requests.length = 0;
      cache.clear();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The Anthropic event sequence for an answer, one event per write (paced by delayMs). */
async function streamAnswer(
  record: RecordedRequest,
  res: ServerResponse,
  answer: Answer,
  id: string,
  headers: Record<string, string>,
  behaviour: Behaviour,
): Promise<void> {
  const request = record.body as MessagesRequest;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  const events: Array<[string, unknown]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: request.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...answer.usage, output_tokens: 1 },
        },
      },
    ],
    ['ping', { type: 'ping' }],
  ];
  answer.content.forEach((block, index) => events.push(...blockEvents(block, index)));
  events.push(
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: answer.stopReason, stop_sequence: null },
        // Cumulative usage, cache tokens included, as the API reports it at the end.
        usage: answer.usage,
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  );
  const breakAt = behaviour.kind === 'break' ? Math.max(3, Math.floor(events.length / 2)) : -1;
  const garbleAt = behaviour.kind === 'invalid_json' ? Math.max(3, Math.floor(events.length / 2)) : -1;
  const errorAt = behaviour.kind === 'stream_error' ? Math.max(3, Math.floor(events.length / 2)) : -1;
  for (let i = 0; i < events.length; i++) {
    if (res.destroyed) return;
    if (i === breakAt) {
      // Let the events so far reach the client first: the break is midway, not before the start.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      record.broken = true;
      res.socket?.destroy();
      return;
    }
    if (behaviour.delayMs) await sleep(behaviour.delayMs);
    if (i === errorAt) {
      res.end(formatSse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      return;
    }
    res.write(i === garbleAt ? 'event: content_block_delta\ndata: {"type": "content_block_delta", "index"\n\n' : formatSse(events[i][0], events[i][1]));
  }
  res.end();
}

/** Splits text into pieces the way the API streams it (a few words per delta). */
function pieces(text: string, size = 24): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

function blockEvents(block: ContentBlock, index: number): Array<[string, unknown]> {
  const delta = (d: JsonObject): [string, unknown] => ['content_block_delta', { type: 'content_block_delta', index, delta: d }];
  const events: Array<[string, unknown]> = [];
  if (block.type === 'text') {
    events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
    for (const text of pieces(String(block.text))) events.push(delta({ type: 'text_delta', text }));
  } else if (block.type === 'thinking') {
    events.push([
      'content_block_start',
      { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } },
    ]);
    for (const thinking of pieces(String(block.thinking))) events.push(delta({ type: 'thinking_delta', thinking }));
    events.push(delta({ type: 'signature_delta', signature: block.signature }));
  } else if (block.type === 'tool_use') {
    events.push([
      'content_block_start',
      { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
    ]);
    for (const partial_json of pieces(JSON.stringify(block.input), 16)) events.push(delta({ type: 'input_json_delta', partial_json }));
  }
  events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  return events;
}
